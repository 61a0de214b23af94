/**
 * The data folder's privacy and credentials, and fault assignments as the operator types them:
 * what is created, what is tightened, what is refused and how it is explained.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { credentialsPath, localCredentials } from '../../src/infra/local/credentials.js';
import { parseFaultAssignments } from '../../src/infra/local/faults.js';
import { ensurePrivateFolder } from '../../src/infra/local/privateFolder.js';

let root: string;
const mode = (path: string) => statSync(path).mode & 0o777;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'payroll-ops-folder-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('ensurePrivateFolder', () => {
  it('creates a missing folder 0700 and warns about nothing', () => {
    const warnings: string[] = [];
    const home = join(root, 'a', 'b');
    expect(ensurePrivateFolder(home, (message) => warnings.push(message))).toBe(false);
    expect(mode(home)).toBe(0o700);
    expect(warnings).toEqual([]);
  });

  it('tightens a folder open to others and everything in it, and says so', () => {
    const home = join(root, 'home');
    mkdirSync(join(home, 'dynamodb'), { recursive: true });
    chmodSync(home, 0o755);
    chmodSync(join(home, 'dynamodb'), 0o775);
    writeFileSync(join(home, 'dynamodb', '000003.log'), 'account 000123456789');
    chmodSync(join(home, 'dynamodb', '000003.log'), 0o644);
    const warnings: string[] = [];
    expect(ensurePrivateFolder(home, (message) => warnings.push(message))).toBe(true);
    expect([mode(home), mode(join(home, 'dynamodb')), mode(join(home, 'dynamodb', '000003.log'))]).toEqual([
      0o700, 0o700, 0o600,
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/was open to other users \(mode 0755\); made it .* private/),
    ]);
  });
});

describe('localCredentials', () => {
  it('creates credentials once, 0600, shaped like AWS keys, and returns the same ones after', () => {
    const home = join(root, 'home');
    const first = localCredentials(home);
    expect(first.accessKeyId).toMatch(/^AKIA[0-9A-F]{16}$/);
    expect(first.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(mode(credentialsPath(home))).toBe(0o600);
    expect(localCredentials(home)).toEqual(first);
  });

  it('gives another folder other credentials', () => {
    expect(localCredentials(join(root, 'one'))).not.toEqual(localCredentials(join(root, 'two')));
  });
});

describe('parseFaultAssignments', () => {
  const message = (assignment: string) => {
    try {
      parseFaultAssignments([assignment]);
    } catch (error) {
      expect(error).toBeInstanceOf(BadInputError);
      return (error as Error).message;
    }
    throw new Error(`${assignment} was accepted`);
  };

  it('accepts a step or the bank with one of its modes', () => {
    expect(parseFaultAssignments(['Disburse=fail-after', 'bank=reject'])).toEqual({
      Disburse: 'fail-after',
      bank: 'reject',
    });
  });

  it.each([
    ['Disburse=fail=2', /mode fail=2 is not a fault mode for Disburse; use one of fail-before, /],
    ['Disburse=', /an empty mode is not a fault mode for Disburse/],
    ['Disburse', /no mode is not a fault mode for Disburse/],
    ['bank=hang', /mode hang is not a fault mode for bank; use one of reject, timeout/],
    ['Disbrse=fail-after', /Disbrse is not a step/],
  ])('explains what is wrong with %s', (assignment, expected) => {
    expect(message(assignment)).toMatch(expected);
  });
});
