/**
 * `deploy`, `destroy` and `target` through the built CLI, as an operator runs them: offline dry
 * runs on a clean HOME, the one-line refusals, and — against the control-plane TEST DOUBLE
 * (test/support/awsControlPlane.ts) — a whole deploy in JSON lines, Ctrl-C during one, and
 * `target add`. Every child gets a clean environment: no AWS settings but those a test gives.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FunctionName } from '../../src/core/saga/functions.js';
import { OutputKey } from '../../src/infra/backendSpec.js';
import { buildApp } from '../../src/infra/cdk/app.js';
import { type ControlPlane, standInEnvironment, startControlPlane } from '../support/awsControlPlane.js';
import { CLI_PATH, REPO_ROOT } from '../support/cli.js';
import { until } from '../support/until.js';
import { BUNDLE_DIR } from '../unit/cdk/support.js';

let scratch: string;
let plane: ControlPlane | undefined;
const children = new Set<ChildProcess>();

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A clean operator environment: a fresh HOME and data folder, nothing from AWS unless given. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(scratch, 'home-'));
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    PAYROLL_OPS_HOME: join(home, 'payroll-ops'),
    NO_COLOR: '1',
    ...extra,
  };
}

function run(args: readonly string[], env: Record<string, string>, timeoutMs = 90_000): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { cwd: REPO_ROOT, env, timeout: timeoutMs },
      (error, stdout, stderr) => {
        children.delete(child);
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          stdout,
          stderr,
          ms: Date.now() - started,
        });
      },
    );
    children.add(child);
  });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'payroll-ops-e2e-deploy-'));
});

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await plane?.close();
  plane = undefined;
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('without AWS', () => {
  it('synthesizes the stack offline with --dry-run --out, with no credentials on a clean HOME', async () => {
    const out = join(scratch, 'assembly');
    const env = environment();
    const result = await run(
      ['deploy', '--target', 'ci', '--region', 'eu-west-1', '--dry-run', '--out', out],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    const templateFile = join(out, 'payroll-ops-ci.template.json');
    expect(result.stdout.trim()).toBe(templateFile);
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // One per handler of the specification (the saga's, the consumers', the API's, the payday's, the redrive's).
    expect(functions).toHaveLength(Object.values(FunctionName).length);
    expect(result.stderr).toContain('synthesized payroll-ops-ci (');
    // A dry run records no target.
    expect(existsSync(join(env.PAYROLL_OPS_HOME!, 'config.json'))).toBe(false);
  });

  it('says in one line that there are no credentials, exit 1, within 30 s', async () => {
    const result = await run(
      ['deploy', '--target', 'ci', '--region', 'eu-west-1', '--yes'],
      environment({ AWS_EC2_METADATA_DISABLED: 'true' }),
      30_000,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: No AWS credentials found .*aws configure/),
    ]);
    expect(result.ms).toBeLessThan(30_000);
  });

  it('refuses a new target without --region, exit 2, before any AWS call', async () => {
    const result = await run(['deploy', '--target', 'fresh'], environment());
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^error: Target fresh is new: name its region with --region/);
  });

  it('loads no CDK for --help', async () => {
    const result = await run(['deploy', '--help'], environment());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--dry-run');
    expect(result.ms).toBeLessThan(15_000);
  });
});

describe('against the control-plane test double', () => {
  it('deploys with --yes, reporting toolkit progress as JSON lines, and records the target', async () => {
    plane = await startControlPlane();
    plane.cloudFormation.faults.executionMs = 200;
    const env = environment(standInEnvironment(plane));
    const result = await run(
      ['--output', 'jsonl', '--yes', 'deploy', '--target', 'prod', '--region', 'eu-west-1'],
      env,
      120_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const codes = new Set(lines.map((line) => line.code));
    for (const code of [
      'PAYROLL_DEPLOY_I0002',
      'CDK_TOOLKIT_I5100',
      'CDK_TOOLKIT_I5502',
      'CDK_TOOLKIT_I5900',
      'PAYROLL_DEPLOY_I5902',
    ]) {
      expect(codes, code).toContain(code);
    }
    const activity = lines.find((line) => line.code === 'CDK_TOOLKIT_I5502');
    expect(activity?.data).toMatchObject({ progress: expect.stringMatching(/^\d+\/\d+$/) });
    // The last line is the result: the recorded target.
    expect(lines.at(-1)).toMatchObject({ name: 'prod', stackName: 'payroll-ops-prod', kind: 'aws' });
    const config = JSON.parse(readFileSync(join(env.PAYROLL_OPS_HOME!, 'config.json'), 'utf8'));
    expect(config.targets.prod.outputs[OutputKey.DataTableName]).toBe('payroll-ops-prod-data');
  });

  it('exits 130 on Ctrl-C during a deploy, saying CloudFormation keeps going', async () => {
    plane = await startControlPlane();
    plane.cloudFormation.faults.executionMs = 120_000;
    const env = environment(standInEnvironment(plane));
    const child = spawn(
      process.execPath,
      [CLI_PATH, '--yes', 'deploy', '--target', 'prod', '--region', 'eu-west-1'],
      { cwd: REPO_ROOT, env },
    );
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(
      'the change set to be executing',
      () => (stderr.includes('CloudFormation is working on the stack') ? true : undefined),
      90_000,
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('CloudFormation keeps deploying target prod on its own');
    expect(plane.cloudFormation.stacks.get('payroll-ops-prod')?.status).toBe('CREATE_IN_PROGRESS');
  });

  it('imports a deployed stack with target add, lists it, and forgets it with target remove', async () => {
    plane = await startControlPlane();
    const app = buildApp({
      stackName: 'payroll-ops-prod',
      region: 'eu-west-1',
      bundleDir: BUNDLE_DIR,
      builtinValidation: false,
    });
    const template = app.synth().getStackByName('payroll-ops-prod').template;
    plane.cloudFormation.seed('payroll-ops-prod', template, { 'payroll-ops:cli-version': '0.0.7' });
    const env = environment(standInEnvironment(plane));
    const added = await run(['--output', 'json', 'target', 'add', 'prod', '--region', 'eu-west-1'], env);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      name: 'prod',
      account: '123456789012',
      cliVersion: '0.0.7',
    });
    const listed = await run(['--output', 'json', 'target', 'list'], env);
    expect(JSON.parse(listed.stdout).targets.map((t: { name: string }) => t.name)).toEqual(['local', 'prod']);
    expect((await run(['target', 'remove', 'prod'], env)).code).toBe(0);
    const again = await run(['target', 'remove', 'prod'], env);
    expect(again.code).toBe(2);
    const missing = await run(['target', 'add', 'staging', '--region', 'eu-west-1'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No stack payroll-ops-staging in aws:\/\/123456789012\/eu-west-1/);
  });
});
