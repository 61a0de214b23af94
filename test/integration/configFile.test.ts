/**
 * config.json under concurrent writers, as separate processes: `deploy` and `target add` record
 * aws targets while a local host records the local stack's outputs. Each change is a
 * read-modify-write; without the lock one writer's change silently disappears (a deployed target
 * the CLI then calls unknown).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLocalTarget } from '../../src/infra/localTarget.js';
import { readTargets, writeTarget } from '../../src/infra/targets.js';

const dist = join(import.meta.dirname, '..', '..', 'dist', 'src', 'infra');
const homes: string[] = [];
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function writer(script: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const target = (name: string) => ({
  name,
  kind: 'aws' as const,
  account: '111122223333',
  region: 'eu-west-1',
  stackName: `payroll-ops-${name}`,
  outputs: {},
  definitionHash: 'abc',
  cliVersion: '0.0.0',
  deployedAt: '2026-11-29T00:00:00.000Z',
});

describe('config.json', () => {
  it('keeps every change when three processes write it at once', async () => {
    const home = mkdtempSync(join(tmpdir(), 'payroll-ops-config-'));
    homes.push(home);
    const awsWriter = (prefix: string) => `
      import { writeTarget } from ${JSON.stringify(join(dist, 'targets.js'))};
      const base = ${JSON.stringify(target('x'))};
      for (let i = 0; i < 40; i++) writeTarget(${JSON.stringify(home)}, { ...base, name: '${prefix}' + i });`;
    const localWriter = `
      import { writeLocalTarget } from ${JSON.stringify(join(dist, 'localTarget.js'))};
      for (let i = 0; i < 40; i++) writeLocalTarget(${JSON.stringify(home)}, {
        account: '000000000000', region: 'us-east-1', stackName: 'payroll-ops-local',
        outputs: { DefinitionHash: 'h' + i }, templateFile: 't.json' });`;

    const codes = await Promise.all([writer(awsWriter('a')), writer(awsWriter('b')), writer(localWriter)]);

    expect(codes).toEqual([0, 0, 0]);
    const names = Object.keys(readTargets(home)).sort();
    expect(names).toHaveLength(80);
    expect(names.filter((n) => n.startsWith('a'))).toHaveLength(40);
    expect(readLocalTarget(home)?.definitionHash).toBe('h39');
    expect(statSync(join(home, 'config.json')).mode & 0o777).toBe(0o600);
  });

  it('takes over a lock left by a process that died holding it', () => {
    const home = mkdtempSync(join(tmpdir(), 'payroll-ops-config-'));
    homes.push(home);
    const lock = join(home, 'config.json.lock');
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    writeTarget(home, target('prod'));
    expect(Object.keys(readTargets(home))).toEqual(['prod']);
  });
});
