/**
 * The deploy flow through toolkit-lib, in process, against the control-plane TEST DOUBLE
 * (test/support/awsControlPlane.ts: STS, SSM, S3 and CloudFormation on 127.0.0.1 through
 * AWS_ENDPOINT_URL): what the operator sees, when approval is asked and what a decline leaves,
 * how failures read, and what is recorded as the target.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeployCode, type DeployRequest, runDeploy, runDestroy } from '../../src/actions/deploy.js';
import { importTarget } from '../../src/actions/importTarget.js';
import { BadInputError, InfrastructureError, OperationFailedError } from '../../src/core/errors.js';
import { definitionHash, OutputKey } from '../../src/infra/backendSpec.js';
import { ToolkitCode } from '../../src/infra/cdk/toolkitMessages.js';
import { configPath, readTarget, readTargets } from '../../src/infra/targets.js';
import {
  type ControlPlane,
  STAND_IN_ACCOUNT,
  standInEnvironment,
  startControlPlane,
} from '../support/awsControlPlane.js';
import { type Answer, recordingIoHost } from '../support/recordingIoHost.js';
import { BUNDLE_DIR } from '../unit/cdk/support.js';

const STACK = 'payroll-ops-prod';
const savedEnv = { ...process.env };
let scratch: string;
let home: string;
let plane: ControlPlane;

function request(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    home,
    bundleDir: BUNDLE_DIR,
    cliVersion: '9.9.9',
    awsSharedFiles: [],
    mode: 'deploy',
    bootstrap: false,
    target: 'prod',
    region: 'eu-west-1',
    engine: { pollIntervalMs: 50 },
    ...overrides,
  };
}

async function deploy(answer: Answer = 'yes', overrides: Partial<DeployRequest> = {}) {
  const io = recordingIoHost(answer);
  const result = runDeploy(request(overrides), io);
  return { io, result };
}

async function usePlane(options: Parameters<typeof startControlPlane>[0] = {}) {
  await plane?.close();
  plane = await startControlPlane(options);
  plane.cloudFormation.faults.executionMs = 100;
  Object.assign(process.env, standInEnvironment(plane));
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'payroll-ops-deploy-flow-'));
  // toolkit-lib caches account ids under CDK_HOME; the template checks have their own test.
  Object.assign(process.env, { CDK_HOME: join(scratch, 'cdk-home'), CDK_VALIDATION: 'false' });
});

beforeEach(async () => {
  home = mkdtempSync(join(scratch, 'home-'));
  await usePlane();
});

afterEach(async () => {
  await plane.close();
});

afterAll(() => {
  process.env = savedEnv;
  rmSync(scratch, { recursive: true, force: true });
});

describe('a first deploy', () => {
  it('shows its progress, asks once for the new IAM permissions, and records the target', async () => {
    const { io, result } = await deploy('yes');
    const deployed = await result;
    expect(deployed.type).toBe('deployed');

    const progress = io.withCode(ToolkitCode.StackActivity);
    expect(progress.length).toBeGreaterThan(100);
    expect(progress.every((m) => m.progress === true)).toBe(true);
    expect((progress.at(-1)!.data as { progress: string }).progress).toMatch(/^\d+\/\d+$/);
    expect(io.withCode(ToolkitCode.DeployProgress)[0]?.message).toContain(STACK);
    expect(io.withCode(ToolkitCode.Deployed)).toHaveLength(1);

    expect(io.requests).toHaveLength(1);
    expect(io.requests[0]).toMatchObject({ code: DeployCode.Approve, data: { expected: 'prod' } });
    const why = io.withCode(DeployCode.ApprovalNeeded)[0];
    expect(why?.message).toContain('IAM Statement Changes');
    expect(why?.message).toContain('broadens IAM or security-group permissions');

    const target = readTarget(home, 'prod');
    expect(target).toMatchObject({
      kind: 'aws',
      account: STAND_IN_ACCOUNT,
      region: 'eu-west-1',
      stackName: STACK,
      cliVersion: '9.9.9',
      definitionHash: definitionHash(),
    });
    expect(target?.outputs[OutputKey.DataTableName]).toBe(`${STACK}-data`);
    expect(Object.keys(target?.outputs ?? {}).sort()).toEqual(Object.values(OutputKey).sort());
    expect(plane.cloudFormation.stacks.get(STACK)?.tags).toMatchObject({
      'payroll-ops:cli-version': '9.9.9',
    });
  });

  it('changes nothing without a terminal and without --yes, and says to pass --yes', async () => {
    const { result } = await deploy('no-terminal');
    await expect(result).rejects.toBeInstanceOf(BadInputError);
    await expect(result).rejects.toThrow(/pass --yes/);
    expect(plane.cloudFormation.executed).toEqual([]);
    // The stack CloudFormation made for the change set is deleted with it.
    expect(plane.cloudFormation.stacks.has(STACK)).toBe(false);
    expect(existsSync(configPath(home))).toBe(false);
  });

  it('changes nothing when the confirmation is mistyped', async () => {
    const { result } = await deploy('mismatch');
    await expect(result).rejects.toThrow(/did not match prod; nothing was changed/);
    expect(plane.cloudFormation.executed).toEqual([]);
    expect(readTargets(home)).toEqual({});
  });
});

describe('later deploys', () => {
  beforeEach(async () => {
    await (await deploy('yes')).result;
  });

  it('deploys the same code as a no-op, asking nothing', async () => {
    const { io, result } = await deploy('no-terminal');
    expect(await result).toMatchObject({ type: 'deployed', noOp: true });
    expect(io.requests).toEqual([]);
    expect(plane.cloudFormation.executed).toHaveLength(1);
  });

  it('applies a change that neither broadens permissions nor touches state without asking', async () => {
    // Drift in the deployed stack: an output removed by hand.
    const stack = plane.cloudFormation.stacks.get(STACK)!;
    const template = JSON.parse(stack.templateBody!);
    delete template.Outputs[OutputKey.ApiUrl];
    stack.template = template;
    stack.templateBody = JSON.stringify(template);
    const { io, result } = await deploy('no-terminal');
    expect(await result).toMatchObject({ type: 'deployed', noOp: false });
    expect(io.requests).toEqual([]);
    expect(plane.cloudFormation.executed.map((e) => e.type)).toEqual(['CREATE', 'UPDATE']);
  });

  it('asks before replacing a table, and leaves the stack as it was when declined', async () => {
    const stack = plane.cloudFormation.stacks.get(STACK)!;
    const template = JSON.parse(stack.templateBody!);
    const [tableId] = Object.entries(template.Resources).find(
      ([, r]) => (r as { Properties: { TableName?: string } }).Properties.TableName === `${STACK}-data`,
    )!;
    template.Resources[tableId].Properties.TableName = 'renamed-by-hand';
    stack.template = template;
    stack.templateBody = JSON.stringify(template);
    const { io, result } = await deploy('no-terminal');
    await expect(result).rejects.toBeInstanceOf(BadInputError);
    const why = io.withCode(DeployCode.ApprovalNeeded)[0]!.data as { reasons: string[] };
    expect(why.reasons).toEqual([`it replaces AWS::DynamoDB::GlobalTable ${tableId}`]);
    expect(plane.cloudFormation.executed.map((e) => e.type)).toEqual(['CREATE']);
    expect(plane.cloudFormation.stacks.get(STACK)?.status).toBe('CREATE_COMPLETE');
  });

  it('lists nothing to change with --diff after a deploy', async () => {
    const diffed = await (await deploy('no-terminal', { mode: 'diff' })).result;
    expect(diffed).toMatchObject({ type: 'diffed', changes: [] });
  });

  it('destroys the stack after a typed confirmation, forgets the target and names what was kept', async () => {
    const io = recordingIoHost('yes');
    await runDestroy({ ...request(), target: 'prod' }, io);
    expect(io.requests[0]).toMatchObject({ code: DeployCode.Destroy, data: { expected: 'prod' } });
    expect(plane.cloudFormation.stacks.has(STACK)).toBe(false);
    expect(readTarget(home, 'prod')).toBeUndefined();
    expect((io.withCode(DeployCode.Retained)[0]!.data as { kept: string[] }).kept).toEqual([
      `${STACK}-data`,
      `${STACK}-idempotency`,
      expect.stringMatching(/artifactsbucket/),
    ]);
  });

  it('destroys nothing when the confirmation cannot be asked', async () => {
    const io = recordingIoHost('no-terminal');
    await expect(runDestroy({ ...request(), target: 'prod' }, io)).rejects.toThrow(/pass --yes/);
    expect(plane.cloudFormation.stacks.get(STACK)?.status).toBe('CREATE_COMPLETE');
    expect(readTarget(home, 'prod')).toBeDefined();
  });

  it('imports the deployed stack as a target from its outputs (target add)', async () => {
    const deployed = readTarget(home, 'prod')!;
    const elsewhere = mkdtempSync(join(scratch, 'import-'));
    const imported = await importTarget({
      home: elsewhere,
      cliVersion: '0.0.1',
      awsSharedFiles: [],
      target: 'prod',
      region: 'eu-west-1',
    });
    expect(imported).toMatchObject({
      account: STAND_IN_ACCOUNT,
      stackName: STACK,
      outputs: deployed.outputs,
      definitionHash: definitionHash(),
      // Who deployed it, from the stack's tag; not the importing CLI.
      cliVersion: '9.9.9',
    });
    expect(readTarget(elsewhere, 'prod')).toEqual(imported);
  });
});

describe('what stops a deploy', () => {
  it('lists every resource as an addition with --diff on a new target, creating nothing', async () => {
    const diffed = await (await deploy('no-terminal', { mode: 'diff' })).result;
    if (diffed.type !== 'diffed') throw new Error(diffed.type);
    expect(diffed.changes.length).toBeGreaterThan(100);
    expect(new Set(diffed.changes.map((c) => c.change))).toEqual(new Set(['add']));
    expect(plane.cloudFormation.stacks.size).toBe(0);
    expect(plane.calls.filter((c) => c.action === 'CreateChangeSet')).toEqual([]);
  });

  it('fails in one line on a resource CloudFormation refuses, shows why, and records nothing', async () => {
    plane.cloudFormation.faults.failResource = 'DataTable';
    const { io, result } = await deploy('yes');
    await expect(result).rejects.toBeInstanceOf(OperationFailedError);
    await expect(result).rejects.toThrow(/^Deploying payroll-ops-prod failed: [^\n]+$/);
    const failed = io.messages.find((m) => m.level === 'warn' && m.message.includes('CREATE_FAILED'));
    expect(failed?.message).toContain('stand-in refused it');
    expect(existsSync(configPath(home))).toBe(false);
  });

  it('says an environment is not bootstrapped and suggests --bootstrap', async () => {
    await usePlane({ bootstrapped: false });
    const { result } = await deploy('yes');
    await expect(result).rejects.toThrow(/is not bootstrapped for the CDK.*--bootstrap/);
    expect(plane.cloudFormation.executed).toEqual([]);
  });

  it('bootstraps behind its own confirmation with --bootstrap, then deploys', async () => {
    await usePlane({ bootstrapped: false });
    const { io, result } = await deploy('yes', { bootstrap: true });
    expect(await result).toMatchObject({ type: 'deployed' });
    expect(io.requests.map((r) => r.code)).toEqual([DeployCode.Bootstrap, DeployCode.Approve]);
    expect(io.requests[0]?.data).toEqual({ expected: STAND_IN_ACCOUNT });
    expect(plane.cloudFormation.executed.map((e) => e.stack)).toEqual(['CDKToolkit', STACK]);
  });

  it('names an unreachable AWS endpoint in one line, before anything else', async () => {
    await plane.close();
    const { result } = await deploy('yes');
    await expect(result).rejects.toBeInstanceOf(InfrastructureError);
    await expect(result).rejects.toThrow(/^Cannot reach AWS STS in eu-west-1 \(.*ECONNREFUSED.*\)[^\n]*$/);
  });

  it('gives up on an endpoint that never answers within the time limit', async () => {
    await usePlane({ hang: true });
    const started = Date.now();
    const { result } = await deploy('yes', { preflightTimeoutMs: 1_000 });
    await expect(result).rejects.toThrow(/did not answer within 1 s/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses credentials of another account than the target was deployed to', async () => {
    await (await deploy('yes')).result;
    const recorded = JSON.parse(readFileSync(configPath(home), 'utf8'));
    recorded.targets.prod.account = '999999999999';
    writeFileSync(configPath(home), JSON.stringify(recorded));
    const { result } = await deploy('yes');
    await expect(result).rejects.toThrow(
      /in account 999999999999, but these credentials are for 123456789012/,
    );
  });
});
