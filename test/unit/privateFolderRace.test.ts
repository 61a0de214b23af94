/**
 * A data folder checked while another process writes in it: a `deploy` recording its target while
 * the host records the local one. The other writer's temporary file (config.json.<pid>.tmp) is in
 * the listing and gone a moment later; the check must not fail on it (it did, with a stack trace,
 * under load). The listing is made to show such a file, so the race happens every time.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((path: string, ...rest: unknown[]) => {
    const entries = (fs.readdirSync as (...args: unknown[]) => string[])(path, ...rest);
    return String(path).endsWith('home') ? [...entries, 'config.json.4242.1795986539133.tmp'] : entries;
  }) as typeof fs.readdirSync;
  return { ...fs, default: { ...fs, readdirSync }, readdirSync };
});

const { ensurePrivateFolder } = await import('../../src/infra/local/privateFolder.js');

const root = mkdtempSync(join(tmpdir(), 'payroll-ops-private-race-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ensurePrivateFolder with another writer in the folder', () => {
  it('passes over a file that vanished between listing and looking at it', () => {
    const home = join(root, 'home');
    mkdirSync(home, { mode: 0o700 });
    expect(ensurePrivateFolder(home)).toBe(false);
  });
});
