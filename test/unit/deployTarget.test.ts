/** Which stack a deploy is about: refusals happen before anything runs, each in one line. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/actions/deployTarget.js';
import { importTarget } from '../../src/actions/importTarget.js';
import { parseDeployFlags } from '../../src/commands/deploy.js';
import { BadInputError } from '../../src/core/errors.js';
import { writeTarget } from '../../src/infra/targets.js';

let home: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-deploy-target-'));
  writeTarget(home, {
    name: 'prod',
    kind: 'aws',
    account: '123456789012',
    region: 'eu-west-1',
    profile: 'payroll',
    stackName: 'payroll-ops-prod',
    outputs: {},
    definitionHash: 'x',
    cliVersion: '0.1.0',
    deployedAt: '2026-01-01T00:00:00.000Z',
  });
});

afterEach(() => rmSync(home, { recursive: true, force: true }));

function refusal(action: () => unknown): BadInputError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).not.toContain('\n');
    return error as BadInputError;
  }
  throw new Error('not refused');
}

describe('target add', () => {
  it('refuses to import the name local, showing how target add is typed, before any AWS call', async () => {
    const error = await importTarget({
      home,
      target: 'local',
      region: 'eu-west-1',
      cliVersion: '0.1.0',
      awsSharedFiles: [],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toContain('payroll-ops target add NAME --region REGION');
    expect((error as Error).message).not.toContain('--target NAME');
  });
});

describe('deploy target', () => {
  it('needs a region for a new target, and never assumes one', () => {
    expect(refusal(() => resolveTarget(home, { target: 'staging' }, 'deploy')).code).toBe('REGION_REQUIRED');
  });

  it('names the default stack after a new target', () => {
    expect(resolveTarget(home, { target: 'staging', region: 'us-west-2' }, 'deploy')).toEqual({
      name: 'staging',
      region: 'us-west-2',
      stackName: 'payroll-ops-staging',
    });
  });

  it("takes a recorded target's region, stack and profile", () => {
    expect(resolveTarget(home, { target: 'prod' }, 'deploy')).toMatchObject({
      region: 'eu-west-1',
      stackName: 'payroll-ops-prod',
      profile: 'payroll',
    });
  });

  it.each([
    [{ target: 'prod', region: 'us-east-1' }, 'TARGET_REGION_MISMATCH'],
    [{ target: 'prod', stackName: 'other' }, 'TARGET_STACK_MISMATCH'],
    [{ target: 'local', region: 'eu-west-1' }, 'AWS_TARGET_REQUIRED'],
    [{ region: 'eu-west-1' }, 'AWS_TARGET_REQUIRED'],
    [{ target: 'Prod', region: 'eu-west-1' }, 'BAD_TARGET_NAME'],
    [{ target: 'new', region: 'europe' }, 'BAD_REGION'],
    [{ target: 'new', region: 'eu-west-1', stackName: 'x'.repeat(40) }, 'STACK_NAME_TOO_LONG'],
  ])('refuses %j (%s)', (flags, code) => {
    expect(refusal(() => resolveTarget(home, flags, 'deploy')).code).toBe(code);
  });

  it.each([[{ diff: true, dryRun: true }], [{ out: 'dir' }], [{ bootstrap: true, dryRun: true }]])(
    'refuses the flags %j together',
    (flags) => {
      expect(refusal(() => parseDeployFlags(flags)).code).toBe('BAD_FLAGS');
    },
  );

  it('refuses an --out that is a file or empty, before synthesizing anything', () => {
    const file = join(home, 'config.json');
    const error = refusal(() => parseDeployFlags({ dryRun: true, out: file }));
    expect(error.code).toBe('BAD_OUT');
    expect(error.message).toContain(`--out ${file} is not a folder`);
    expect(refusal(() => parseDeployFlags({ dryRun: true, out: '' })).code).toBe('BAD_OUT');
    expect(parseDeployFlags({ dryRun: true, out: join(home, 'new', 'cdk.out') })).toBe('dry-run');
  });

  it('tells deploy, diff and dry run apart', () => {
    expect(parseDeployFlags({})).toBe('deploy');
    expect(parseDeployFlags({ diff: true })).toBe('diff');
    expect(parseDeployFlags({ dryRun: true, out: 'dir' })).toBe('dry-run');
  });
});
