/**
 * Commands on targets other than the embedded stack, through the built CLI: an unknown target,
 * a target without credentials or with an unreachable STS, and a whole run through the AWS code
 * path (STS pre-flight, names from the recorded outputs, the caller's identity in the audit
 * trail) — with STS answered by the control-plane TEST DOUBLE (test/support/awsControlPlane.ts)
 * and DynamoDB, SQS and Step Functions by the local host's signed endpoints, reached through
 * AWS_ENDPOINT_URL_<SERVICE> exactly as an SDK reaches real ones.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import type { AwsClients } from '../../src/infra/aws/clients.js';
import type { AwsSagaPorts } from '../../src/infra/aws/sagaPorts.js';
import { OutputKey } from '../../src/infra/backendSpec.js';
import { localCredentials } from '../../src/infra/local/credentials.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { writeTarget } from '../../src/infra/targets.js';
import {
  type ControlPlane,
  STAND_IN_ACCOUNT,
  STAND_IN_CALLER,
  startControlPlane,
} from '../support/awsControlPlane.js';
import { createCli, EMPLOYER_BANK_FLAGS } from '../support/cli.js';
import { attachLocal } from '../support/localAttach.js';

const today = new Date().toISOString().slice(0, 10);
let home: string;
let plane: ControlPlane;
let clients: AwsClients | undefined;
let ports: AwsSagaPorts;
/** No AWS credentials anywhere: a clean HOME, no environment keys, no instance metadata. */
const noAws = (dir: string) => ({
  HOME: dir,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_PROFILE: '',
  AWS_CONFIG_FILE: join(dir, 'no-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
});
const cli = createCli({ home: () => home, env: { USER: 'e2e-targets' } });

function record(name: string, outputs: Record<string, string>, account = STAND_IN_ACCOUNT): void {
  writeTarget(home, {
    name,
    kind: 'aws',
    account,
    region: 'us-east-1',
    stackName: 'payroll-ops',
    outputs,
    definitionHash: outputs[OutputKey.DefinitionHash] ?? '',
    cliVersion: '0.1.0',
    deployedAt: new Date().toISOString(),
  });
}

/** The local stack's names as the outputs of a deployed stack would give them. */
function localOutputs(): Record<string, string> {
  const sqs = readHostRecord(home)!.endpoints.sqs;
  const queue = (name: string) => `${sqs}/000000000000/${name}`;
  const machine = (name: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
  return {
    [OutputKey.DataTableName]: 'payroll-ops-data',
    [OutputKey.IdempotencyTableName]: 'payroll-ops-idempotency',
    [OutputKey.ArtifactsBucketName]: 'payroll-ops-artifacts',
    [OutputKey.BankGatewayQueueUrl]: queue('payroll-ops-bank-gateway'),
    [OutputKey.BankGatewayDlqUrl]: queue('payroll-ops-bank-gateway-dlq'),
    [OutputKey.PayslipDeliveryQueueUrl]: queue('payroll-ops-payslip-delivery'),
    [OutputKey.PayslipDeliveryDlqUrl]: queue('payroll-ops-payslip-delivery-dlq'),
    [OutputKey.PayRunStateMachineArn]: machine('payroll-ops-pay-run'),
    [OutputKey.RollbackStateMachineArn]: machine('payroll-ops-rollback'),
    [OutputKey.PaydayStateMachineArn]: machine('payroll-ops-payday'),
    [OutputKey.ApiUrl]: 'https://example.invalid/prod',
    [OutputKey.DefinitionHash]: 'an-older-hash',
  };
}

/** Where the AWS code path should send each service: STS to the test double, the rest to the host. */
function throughAws(): Record<string, string> {
  const { endpoints } = readHostRecord(home)!;
  const { accessKeyId, secretAccessKey } = localCredentials(home);
  return {
    AWS_ENDPOINT_URL_STS: plane.url,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SFN: endpoints.stepfunctions,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-targets-'));
  plane = await startControlPlane();
  await cli.ok(['local', 'start', '--detach']);
  ({ clients, ports } = attachLocal(home));
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await cli.stopHosts();
  await plane?.close();
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('targets that cannot be reached', () => {
  it('refuses an unknown target with exit 2, naming it and how to create one', async () => {
    const result = await cli.run(['--target', 'nope', 'status']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error: Target nope is not known here; create it with payroll-ops deploy --target nope --region REGION, or import a deployed stack with payroll-ops target add nope --region REGION.',
    );
  });

  it('says in one line that there are no credentials, exit 1, within 10 s, no stack trace', async () => {
    record('nocreds', localOutputs());
    const started = Date.now();
    const result = await cli.run(['--target', 'nocreds', 'status'], {
      env: noAws(mkdtempSync(join(tmpdir(), 'payroll-ops-nohome-'))),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^error: No AWS credentials found .*pass --profile, or run aws configure or aws sso login\.$/,
      ),
    ]);
  });

  it('says in one line that STS cannot be reached, exit 1, within 10 s', async () => {
    const started = Date.now();
    const result = await cli.run(['--target', 'nocreds', 'status'], {
      env: { ...throughAws(), AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: Cannot reach AWS STS in us-east-1/),
    ]);
  });

  it('refuses credentials of another account, exit 1, before touching the stack', async () => {
    record('otheraccount', localOutputs(), '999999999999');
    const result = await cli.run(['--target', 'otheraccount', 'status'], { env: throughAws() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Target otheraccount is in account 999999999999, but these credentials are for account 123456789012/,
    );
  });
});

describe('targets named or recorded wrong', () => {
  it.each([
    ['empty', ''],
    ['with a newline', 'a\nb'],
    ['a path', '../x'],
  ])('refuses a --target name that is %s in one line, exit 2', async (_what, name) => {
    const result = await cli.run(['--target', name, 'status']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: --target ${JSON.stringify(name)} is not a target name: use local or a deployed target's name (1–24 lower-case letters, digits and hyphens, e.g. prod); see payroll-ops target list.`,
    ]);
  });

  it('names deploy in one line, before any AWS call, when a recorded stack lacks an output this CLI needs', async () => {
    const { [OutputKey.PaydayStateMachineArn]: _payday, ...older } = localOutputs();
    record('older', older);
    const calls = plane.calls.length;
    const result = await cli.run(['--target', 'older', 'status'], { env: throughAws() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: Target older's stack payroll-ops has no output ${OutputKey.PaydayStateMachineArn}; redeploy it with this CLI (payroll-ops deploy --target older) or import it again (payroll-ops target add older).`,
    ]);
    expect(plane.calls.length).toBe(calls);
  });

  it('never sends a request to a host a recorded queue URL names (config.json tampered with)', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const port = (elsewhere.address() as { port: number }).port;
      const outputs = localOutputs();
      for (const key of [OutputKey.BankGatewayDlqUrl, OutputKey.PayslipDeliveryDlqUrl]) {
        outputs[key] = `http://127.0.0.1:${port}/000000000000/${outputs[key]!.split('/').pop()}`;
      }
      record('tampered', outputs);
      await cli.run(['--target', 'tampered', 'dlq', 'list'], { env: throughAws() });
      expect(seen.map((headers) => headers.authorization ?? '(unsigned)')).toEqual([]);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });
});

describe('a deployed target, reached through the AWS code path', () => {
  it('runs a pay run to COMPLETED with names from the outputs, warning about older definitions, audited as the caller', async () => {
    await cli.ok(['employer', 'set', 'remote', '--name', 'Remote Co', ...EMPLOYER_BANK_FLAGS]);
    const roster = join(home, 'remote.csv');
    writeFileSync(roster, generateRosterCsv({ count: 3, payFrequency: 'monthly', seed: 61, idPrefix: 'R' }));
    await cli.ok(['employees', 'import', roster, '--employer', 'remote']);
    record('stage', localOutputs());

    const result = await cli.run(
      [
        '--target',
        'stage',
        'run',
        '--period',
        today.slice(0, 7),
        '--pay-date',
        today,
        '--employer',
        'remote',
        '--watch',
      ],
      { env: throughAws() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /warning: target stage runs state machine definitions an-older-hash, this CLI has [0-9a-f]{16}; redeploy/,
    );
    const runId = `remote-${today.slice(0, 7)}-regular`;
    const status = JSON.parse(
      (await cli.run(['--target', 'stage', '--output', 'json', 'status', runId], { env: throughAws() }))
        .stdout,
    ) as { status: string };
    expect(status.status).toBe('COMPLETED');
    const audit = await ports.audit.list({ runId, limit: 10 });
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([['run.start', STAND_IN_CALLER]]);
    expect(plane.calls.filter((call) => call.service === 'sts').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps pay schedules and triggers the payday machine named by the outputs, audited as the caller', async () => {
    const stage = (...args: string[]) => cli.run(['--target', 'stage', ...args], { env: throughAws() });
    // The month after this one: not due today, so the trigger starts nothing and says why.
    const next = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const from = next.toISOString().slice(0, 7);
    const set = await stage('schedule', 'set', 'remote', '--calendar', 'monthly', '--from', from);
    expect(set.code, set.stderr).toBe(0);
    const listed = JSON.parse((await stage('--output', 'json', 'schedule', 'list')).stdout) as {
      schedules: { employerId: string; nextPeriod: string }[];
    };
    expect(listed.schedules).toEqual([expect.objectContaining({ employerId: 'remote', nextPeriod: from })]);
    const due = await stage('--output', 'json', 'schedule', 'run-due', '--as-of', today);
    expect(due.code, due.stderr).toBe(0);
    expect(JSON.parse(due.stdout)).toMatchObject({
      asOf: today,
      started: [],
      skipped: [{ employerId: 'remote', reason: 'not-due' }],
    });
    const audit = await ports.audit.list({ limit: 5 });
    expect(
      audit.filter((entry) => entry.action.startsWith('schedule.')).map((e) => [e.action, e.actor]),
    ).toEqual([
      ['schedule.run-due', STAND_IN_CALLER],
      ['schedule.set', STAND_IN_CALLER],
    ]);
  });

  it('keeps local faults refused on it (exit 2)', async () => {
    const result = await cli.run(['--target', 'stage', 'local', 'faults', 'set', 'bank=reject'], {
      env: throughAws(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/only available on the local target, not on stage/);
  });
});

describe('the local-only commands on an aws target', () => {
  // Last: before it was refused, local reset wiped the data folder this file's host runs on.
  it('keeps every local command off an aws target set in PAYROLL_OPS_TARGET, exit 2, stopping, wiping and calling nothing', async () => {
    record('prodlike', localOutputs());
    const calls = plane.calls.length;
    for (const args of [
      ['local', 'reset', '--yes'],
      ['local', 'reset', '--force', '--yes'],
      ['local', 'faults', 'show'],
      ['local', 'faults', 'clear'],
      ['local', 'env'],
      ['local', 'stop'],
      ['local', 'start', '--detach'],
      ['local', 'status'],
    ]) {
      const result = await cli.run(args, { env: { ...throughAws(), PAYROLL_OPS_TARGET: 'prodlike' } });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^error: .* is only available on the local target, not on prodlike; drop --target and unset PAYROLL_OPS_TARGET\.$/,
        ),
      ]);
    }
    expect(plane.calls.length).toBe(calls);
    expect(existsSync(join(home, 'dynamodb'))).toBe(true);
    expect((await cli.ok(['--output', 'json', 'local', 'status'])).stdout).toMatch(/"running": true/);
  });
});
