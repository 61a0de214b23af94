import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { resolveTarget } from '../../src/infra/backendTarget.js';
import {
  type AwsTarget,
  configPath,
  MAX_CONFIG_BYTES,
  readTarget,
  readTargets,
  recordedTargetNames,
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

  it('writes nothing when asked to forget a target it does not have', () => {
    expect(removeTarget(home, 'prod')).toBe(false);
    expect(readdirSync(join(home, '..'))).toEqual([]);
    mkdirSync(home, { mode: 0o700 });
    const config = JSON.stringify({ theme: 'dark' });
    writeFileSync(configPath(home), config, { mode: 0o600 });
    expect(removeTarget(home, 'prod')).toBe(false);
    expect(readFileSync(configPath(home), 'utf8')).toBe(config);
    expect(readdirSync(home)).toEqual(['config.json']);
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

describe('a config.json that is not what this CLI wrote', () => {
  const plant = (config: unknown) => {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(configPath(home), typeof config === 'string' ? config : JSON.stringify(config));
  };

  it.each([
    ['a string', 'x', 'it is not a target record'],
    ['null', null, 'it is not a target record'],
    ['no region', { ...prod, region: undefined }, 'its region is missing'],
    ['outputs of null', { ...prod, outputs: null }, 'its outputs are not a map of names'],
    [
      'an output that is no name',
      { ...prod, outputs: { DataTableName: { Ref: 'x' } } },
      'its outputs are not',
    ],
    ['another kind', { ...prod, kind: 'local' }, 'its kind is not aws'],
  ])(
    'refuses a target record that is %s, in one line naming it and the way out',
    (_what, record, problem) => {
      plant({ targets: { prod: record } });
      for (const read of [() => readTarget(home, 'prod'), () => readTargets(home)]) {
        expect(read).toThrow(BadInputError);
        expect(read).toThrow(`config.json holds no usable record of target "prod" (${problem}`);
        expect(read).toThrow(
          /; forget it with payroll-ops target remove prod, then deploy it or import it again with payroll-ops target add\.$/,
        );
      }
      expect(removeTarget(home, 'prod')).toBe(true);
      expect(readTargets(home)).toEqual({});
    },
  );

  it('refuses "targets" that are not a map of records', () => {
    plant({ targets: 'abc' });
    expect(() => readTargets(home)).toThrow(
      /"targets" must be an object of target records; fix or remove it/,
    );
    expect(() => recordedTargetNames(home)).toThrow(BadInputError);
  });

  it('keeps prototype keys as plain names, never as targets', () => {
    plant(
      '{"targets":{"__proto__":{"kind":"aws","account":"1","region":"us-east-1","stackName":"s","outputs":{}}}}',
    );
    expect(() => resolveTarget(home, '__proto__')).toThrow(/"__proto__" is not a target name/);
    // A valid name that only an object's prototype knows is not a recorded target.
    expect(() => resolveTarget(home, 'constructor')).toThrow(/^Target constructor is not known here/);
    writeTarget(home, { ...prod, name: 'constructor' });
    expect(readTarget(home, 'constructor')?.stackName).toBe(prod.stackName);
    expect(({} as Record<string, unknown>).kind).toBeUndefined();
  });

  it('refuses one too large to be a config before reading it', () => {
    plant('{}');
    truncateSync(configPath(home), MAX_CONFIG_BYTES + 1);
    expect(() => readTargets(home)).toThrow(BadInputError);
    expect(() => readTargets(home)).toThrow(
      /config\.json is 1\.0 MiB, more than a config holds \(at most 1 MiB\); fix or remove it\.$/,
    );
  });

  it.runIf(process.getuid?.() === 0)('refuses one that belongs to another user', () => {
    plant({ targets: { prod } });
    chownSync(configPath(home), 65534, 65534);
    expect(() => readTargets(home)).toThrow(
      /config\.json belongs to another user \(uid 65534\), who could point your commands at other stacks/,
    );
    expect(() => writeTarget(home, prod)).toThrow(BadInputError);
  });
});

describe('--target names', () => {
  it.each(['', ' ', 'a\nb', '../x', 'Prod', 'local '])(
    'refuses %j in one line before looking it up',
    (name) => {
      const resolve = () => resolveTarget(home, name);
      expect(resolve).toThrow(BadInputError);
      expect(resolve).toThrow(
        `--target ${JSON.stringify(name)} is not a target name: use local or a deployed target's name`,
      );
      let message = '';
      try {
        resolve();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message.split('\n')).toHaveLength(1);
    },
  );
});
