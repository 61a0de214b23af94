/**
 * Incident response through the built CLI against the embedded local stack, in a temporary data
 * folder: a poison bank message parked in the DLQ after maxReceiveCount deliveries, listed under
 * its run and redriven once its cause is cleared (one transmission); and a host killed in the
 * middle of a step, whose INPROGRESS record is listed, refused for expiry while its invocation
 * may still run, expired once the restarted host knows it died, and whose run `redrive` completes
 * with each effect made once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterGroup } from '../../src/core/deadLetters.js';
import type { IdempotencyRecordView } from '../../src/core/idempotencyRules.js';
import { balancesByAccount } from '../../src/core/ledger.js';
import { cents } from '../../src/core/money.js';
import { StateMachineName } from '../../src/core/saga/functions.js';
import { AchFileKind, AchStatus, FundingKind } from '../../src/core/saga/records.js';
import { type AwsClients, LOCAL_ACCOUNT_ID } from '../../src/infra/aws/clients.js';
import { executionArnOf, stateMachineArn } from '../../src/infra/aws/sfnExecutions.js';
import { QUEUE_NAMES, STATE_MACHINE_NAMES } from '../../src/infra/aws/tables.js';
import { transmissionLogPath } from '../../src/infra/local/fileArtifacts.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { isProcessAlive } from '../../src/infra/local/lock.js';
import { createCli } from '../support/cli.js';
import { attachLocal, type LocalAttachment } from '../support/localAttach.js';
import { until } from '../support/until.js';

const EMPLOYEES = 6;
const POISONED_RUN = 'acme-2026-01-regular';
const KILLED_RUN = 'acme-2026-02-regular';
const GHOST_RUN = 'ghost-2026-01-regular';

let home: string;
const cli = createCli({ home: () => home, env: { USER: 'e2e-operator' } });
const payrollOps = (...args: string[]) => cli.run(args);
const ok = (...args: string[]) => cli.ok(args);
const opened: AwsClients[] = [];

/** Each probe runs the CLI or reads the store: poll less often, and give a busy machine longer. */
const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) => until(what, probe, 45_000, 250);

/** SDK clients on the running host's endpoints (the host the CLI started). */
function attach(): LocalAttachment {
  const attached = attachLocal(home);
  opened.push(attached.clients);
  return attached;
}

function transmissions(runId: string, kind: string): string[] {
  const path = transmissionLogPath(home);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.includes(` ${runId} ${kind} `));
}

async function deadLetterGroups(): Promise<DeadLetterGroup[]> {
  const { stdout } = await ok('--output', 'json', 'dlq', 'list', 'bank-gateway');
  return (JSON.parse(stdout) as { groups: DeadLetterGroup[] }).groups;
}

async function records(...filters: string[]): Promise<IdempotencyRecordView[]> {
  const { stdout } = await ok('--output', 'json', 'idempotency', 'list', ...filters);
  return (JSON.parse(stdout) as { records: IdempotencyRecordView[] }).records;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-incident-'));
  // The employer, its roster, and one completed run.
  await ok('demo', '--employees', String(EMPLOYEES), '--period', '2026-01');
});

afterAll(async () => {
  for (const clients of opened) clients.destroy();
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
});

describe('a poison message', () => {
  it('lands in the DLQ after maxReceiveCount deliveries and is listed under its run with its error', async () => {
    const { clients } = attach();
    const { QueueUrl } = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: QUEUE_NAMES['bank-gateway'] }),
    );
    // Redelivery after 1 s instead of 30 s, so three failed receives take seconds.
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '1' } }),
    );
    // A reversal message that arrived before its file was recorded, and one for a run that never was.
    for (const runId of [POISONED_RUN, GHOST_RUN]) {
      const body = { messageId: `${runId}#ach#${AchFileKind.Reversal}`, runId, kind: AchFileKind.Reversal };
      await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(body) }));
    }

    const groups = await waitFor('both messages in the DLQ', async () => {
      const found = await deadLetterGroups();
      return found.length === 2 ? found : undefined;
    });
    expect(groups.find((group) => group.runId === POISONED_RUN)).toMatchObject({
      queue: 'bank-gateway',
      step: 'BankGateway',
      messages: 1,
      messageIds: [`${POISONED_RUN}#ach#REVERSAL`],
      firstError: `ACH_FILE_MISSING: No REVERSAL ACH file for run ${POISONED_RUN}.`,
    });
    expect(groups.map((group) => group.runId).sort()).toEqual([POISONED_RUN, GHOST_RUN].sort());
    const table = await ok('dlq', 'list');
    expect(table.stdout).toMatch(
      new RegExp(`bank-gateway +│ BankGateway +│ ${POISONED_RUN} +│ +1 │ ACH_FILE_MISSING`),
    );
    expect(transmissions(POISONED_RUN, 'REVERSAL')).toHaveLength(0);
  });

  it('is processed once by `dlq redrive --run` after its cause is cleared; other runs stay parked', async () => {
    const { ports } = attach();
    const credit = await ports.ach.getAchFile(POISONED_RUN, AchFileKind.Credit);
    await ports.ach.createAchFile({
      runId: POISONED_RUN,
      kind: AchFileKind.Reversal,
      status: AchStatus.Pending,
      effectiveDate: credit?.effectiveDate ?? '2026-02-02',
      entryCount: EMPLOYEES,
      totalAmount: credit?.totalAmount ?? cents(0),
      createdAt: new Date().toISOString(),
    });

    const { stdout } = await ok(
      '--output',
      'json',
      'dlq',
      'redrive',
      '--run',
      POISONED_RUN,
      '--reason',
      'file recorded',
    );
    expect(JSON.parse(stdout)).toEqual({
      moved: [
        {
          queue: 'bank-gateway',
          runId: POISONED_RUN,
          messages: 1,
          messageIds: [`${POISONED_RUN}#ach#REVERSAL`],
          // Its first redrive, by hand: not one the schedule had given up on.
          letters: [{ messageId: `${POISONED_RUN}#ach#REVERSAL`, redriveCount: 1, wasParked: false }],
        },
      ],
    });
    await waitFor('the reversal to be transmitted', async () =>
      transmissions(POISONED_RUN, 'REVERSAL').length > 0 ? true : undefined,
    );
    expect((await ports.ach.getAchFile(POISONED_RUN, AchFileKind.Reversal))?.status).toBe(
      AchStatus.Transmitted,
    );

    // Redriving again finds nothing of that run; the other run's message was left alone.
    const again = await ok('--output', 'json', 'dlq', 'redrive', '--run', POISONED_RUN);
    expect(JSON.parse(again.stdout)).toEqual({ moved: [] });
    expect((await deadLetterGroups()).map((group) => group.runId)).toEqual([GHOST_RUN]);
    await sleep(1_500);
    expect(transmissions(POISONED_RUN, 'REVERSAL')).toHaveLength(1);

    const audit = await ports.audit.list({ runId: POISONED_RUN, limit: 10 });
    expect(audit.find((entry) => entry.action === 'dlq.redrive')).toMatchObject({
      actor: 'e2e-operator@local',
      reason: 'file recorded',
      details: { queue: 'bank-gateway', messages: 1 },
    });
  });
});

describe('a host killed in the middle of a step', () => {
  let key: string;

  it('leaves an INPROGRESS record that expire refuses while its invocation may still run', async () => {
    await ok('local', 'faults', 'set', 'FundPayroll=hang');
    const started = await ok('run', '--period', '2026-02');
    expect(started.stdout.trim()).toBe(KILLED_RUN);

    const [record] = await waitFor('FundPayroll to be in progress', async () => {
      const found = await records('--status', 'INPROGRESS', '--run', KILLED_RUN);
      return found.length > 0 ? found : undefined;
    });
    expect(record).toMatchObject({
      step: 'FundPayroll',
      runId: KILLED_RUN,
      status: 'INPROGRESS',
      takeoverAllowed: false,
    });
    key = record!.key;
    // Powertools' in-progress expiry is the invocation's deadline: the 300 s function timeout.
    const left = Date.parse(record!.inProgressExpiresAt!) - Date.now();
    expect(left).toBeGreaterThan(240_000);
    expect(left).toBeLessThanOrEqual(300_000);

    const refused = await payrollOps('--yes', 'idempotency', 'expire', key, '--reason', 'looks stuck');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`is in progress until ${record!.inProgressExpiresAt}`);
    expect(refused.stderr).toContain('--force');
    expect((await records('--run', KILLED_RUN, '--status', 'INPROGRESS')).map((r) => r.key)).toEqual([key]);
  });

  it('can be expired once the restarted host knows the invocation died, and redrive completes the run once', async () => {
    const { clients } = attach();
    const executionArn = executionArnOf(
      stateMachineArn(clients.region, LOCAL_ACCOUNT_ID, STATE_MACHINE_NAMES[StateMachineName.PayRun]),
      KILLED_RUN,
    );
    // The execution is stopped first, so the restarted host does not resume it by itself: what is
    // left is an ABORTED execution for the operator to redrive (as after a Step Functions timeout).
    await clients.sfn.send(new StopExecutionCommand({ executionArn, cause: 'stuck in FundPayroll' }));
    const { pid } = readHostRecord(home)!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the host to die', async () => (isProcessAlive(pid) ? undefined : true));
    await ok('local', 'faults', 'clear');

    // The next command starts a host; on recovery it ends the dead invocation's in-progress window.
    const [stale] = await records('--status', 'INPROGRESS', '--run', KILLED_RUN);
    expect(stale).toMatchObject({ key, step: 'FundPayroll', takeoverAllowed: true });
    expect(Date.parse(stale!.inProgressExpiresAt!)).toBeLessThanOrEqual(Date.now());

    const unconfirmed = await payrollOps('idempotency', 'expire', key, '--reason', 'host killed');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    expect((await records('--run', KILLED_RUN, '--status', 'INPROGRESS')).map((r) => r.key)).toEqual([key]);

    const expired = await ok(
      '--output',
      'json',
      '--yes',
      'idempotency',
      'expire',
      key,
      '--reason',
      'host killed',
    );
    expect(JSON.parse(expired.stdout)).toMatchObject({
      key,
      step: 'FundPayroll',
      runId: KILLED_RUN,
      previousStatus: 'INPROGRESS',
      status: 'EXPIRED',
      forced: false,
    });
    expect((await records('--run', KILLED_RUN, '--status', 'EXPIRED')).map((r) => r.key)).toEqual([key]);

    const redriven = await ok(
      '--output',
      'json',
      'redrive',
      KILLED_RUN,
      '--reason',
      'resume after host crash',
    );
    const final = JSON.parse(redriven.stdout) as { status: string; totals: { fundingDebit: string } };
    expect(final.status).toBe('COMPLETED');

    const { ports, clients: after } = attach();
    const described = await after.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(described.redriveCount).toBe(1);
    // Each effect once: one debit and no refund, balanced books, one credit file, every payslip.
    const run = await ports.runs.getRun(KILLED_RUN);
    expect((await ports.funding.getMovement(KILLED_RUN, FundingKind.Debit))?.amount).toBe(
      run?.totals?.fundingDebit,
    );
    expect(await ports.funding.getMovement(KILLED_RUN, FundingKind.Refund)).toBeUndefined();
    const journals = await ports.ledger.listJournals(KILLED_RUN);
    const reference = await ports.ledger.listJournals(POISONED_RUN);
    expect(journals.map((j) => j.kind)).toEqual(reference.map((j) => j.kind));
    expect([...balancesByAccount(journals).values()].reduce((a, b) => a + b, 0)).toBe(0);
    expect(transmissions(KILLED_RUN, 'CREDIT')).toHaveLength(1);
    expect(await ports.payslips.listPayslips(KILLED_RUN)).toHaveLength(EMPLOYEES);
    expect((await records('--run', KILLED_RUN, '--status', 'COMPLETED')).map((r) => r.step)).toContain(
      'FundPayroll',
    );

    const actions = (await ports.audit.list({ runId: KILLED_RUN, limit: 10 })).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['idempotency.expire', 'run.redrive']));
  });
});
