import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import {
  type AwsTarget,
  configPath,
  readTarget,
  readTargets,
  removeTarget,
  validateTargetName,
  writeTarget,
} from '../../src/infra/targets.js';

let home: string;

const prod: AwsTarget = {
  name: 'prod',
  kind: 'aws',
  account: '123456789012',
  region: 'eu-west-1',
  profile: 'payroll',
  stackName: 'payroll-ops-prod',
  outputs: { DataTableName: 'payroll-ops-prod-data' },
  definitionHash: 'abc123',
  cliVersion: '0.1.0',
  deployedAt: '2026-03-31T10:00:00.000Z',
};

beforeEach(() => {
  home = join(mkdtempSync(join(tmpdir(), 'payroll-ops-targets-')), 'home');
});

afterEach(() => {
  rmSync(join(home, '..'), { recursive: true, force: true });
});

describe('targets in config.json', () => {
  it('records a target readable back, private to the operator, with no temporary file left', () => {
    writeTarget(home, prod);
    expect(readTarget(home, 'prod')).toEqual(prod);
    expect(statSync(configPath(home)).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(readdirSync(home)).toEqual(['config.json']);
  });

  it('replaces a target of the same name and keeps the others and any other settings', () => {
    writeTarget(home, prod);
    writeFileSync(configPath(home), JSON.stringify({ theme: 'dark', targets: { prod } }));
    writeTarget(home, { ...prod, name: 'staging', stackName: 'payroll-ops-staging' });
    writeTarget(home, { ...prod, definitionHash: 'def456' });
    expect(Object.keys(readTargets(home)).sort()).toEqual(['prod', 'staging']);
    expect(readTarget(home, 'prod')?.definitionHash).toBe('def456');
    expect(JSON.parse(readFileSync(configPath(home), 'utf8')).theme).toBe('dark');
  });

  it('forgets a target, and says when there was none', () => {
    writeTarget(home, prod);
    expect(removeTarget(home, 'prod')).toBe(true);
    expect(readTarget(home, 'prod')).toBeUndefined();
    expect(removeTarget(home, 'prod')).toBe(false);
  });

  it('reads no targets from a data folder without config, and refuses a broken one by name', () => {
    expect(readTargets(home)).toEqual({});
    writeTarget(home, prod);
    writeFileSync(configPath(home), '{ not json');
    expect(() => readTargets(home)).toThrow(BadInputError);
    expect(() => readTargets(home)).toThrow(/config\.json is not valid JSON; fix or remove it/);
  });

  it.each(['Prod', 'prod_1', '1prod', 'prod-', 'a'.repeat(25)])('refuses the target name %j', (name) => {
    expect(() => validateTargetName(name)).toThrow(BadInputError);
  });

  it('accepts names that make valid stack names', () => {
    expect(validateTargetName('prod-eu-1')).toBe('prod-eu-1');
  });
});
