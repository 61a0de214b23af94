/**
 * The data folder's privacy and credentials, and fault assignments as the operator types them:
 * what is created, what is tightened, what is refused and how it is explained.
 */
import {
  chmodSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { credentialsPath, localCredentials } from '../../src/infra/local/credentials.js';
import { parseFaultAssignments } from '../../src/infra/local/faults.js';
import { ensurePrivateFolder } from '../../src/infra/local/privateFolder.js';

let root: string;
const mode = (path: string) => statSync(path).mode & 0o777;
/** Giving a file to another user takes root: those attacks are played only where the tests run as root. */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const plantedSecret = { accessKeyId: 'AKIAMALLORYMALLORY12', secretAccessKey: 'm'.repeat(40) };

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

describe('ensurePrivateFolder refuses what tightening cannot make private', () => {
  it('refuses a folder others can write to, in one line, and changes and writes nothing', () => {
    const home = join(root, 'shared');
    mkdirSync(home);
    chmodSync(home, 0o777);
    writeFileSync(join(home, 'config.json'), '{}');
    chmodSync(join(home, 'config.json'), 0o644);
    expect(() => ensurePrivateFolder(home)).toThrow(BadInputError);
    expect(() => ensurePrivateFolder(home)).toThrow(
      /^The data folder .*shared is writable by other users \(mode 0777\), so anything in it may have been planted; check its contents and chmod 700 it, or point PAYROLL_OPS_HOME at a new folder\.$/,
    );
    expect([mode(home), mode(join(home, 'config.json'))]).toEqual([0o777, 0o644]);
    expect(readdirSync(home)).toEqual(['config.json']);
  });

  it('refuses a sticky shared folder such as /tmp', () => {
    const home = join(root, 'tmp');
    mkdirSync(home);
    chmodSync(home, 0o1777);
    expect(() => ensurePrivateFolder(home)).toThrow(/writable by other users \(mode 1777\)/);
    expect(statSync(home).mode & 0o7777).toBe(0o1777);
  });

  it('refuses the home folder, and a link to it, without touching its modes', () => {
    const fakeHome = join(root, 'operator');
    mkdirSync(fakeHome);
    chmodSync(fakeHome, 0o755);
    writeFileSync(join(fakeHome, 'notes.txt'), 'mine');
    chmodSync(join(fakeHome, 'notes.txt'), 0o644);
    symlinkSync(fakeHome, join(root, 'link'));
    vi.stubEnv('HOME', fakeHome);
    try {
      for (const home of [fakeHome, join(root, 'link')]) {
        expect(() => ensurePrivateFolder(home)).toThrow(BadInputError);
        expect(() => ensurePrivateFolder(home)).toThrow(/is your home folder, not a data folder/);
      }
    } finally {
      vi.unstubAllEnvs();
    }
    expect([mode(fakeHome), mode(join(fakeHome, 'notes.txt'))]).toEqual([0o755, 0o644]);
  });

  it('refuses to tighten an open folder that holds nothing of payroll-ops', () => {
    const home = join(root, 'documents');
    mkdirSync(join(home, 'taxes'), { recursive: true });
    chmodSync(home, 0o755);
    writeFileSync(join(home, 'taxes', 'w2.pdf'), 'x');
    chmodSync(join(home, 'taxes', 'w2.pdf'), 0o644);
    expect(() => ensurePrivateFolder(home)).toThrow(/holds files that are not payroll-ops data/);
    expect([mode(home), mode(join(home, 'taxes', 'w2.pdf'))]).toEqual([0o755, 0o644]);
  });

  it.runIf(asRoot)('refuses a folder of another user', () => {
    const home = join(root, 'theirs');
    mkdirSync(home, { mode: 0o700 });
    lchownSync(home, NOBODY, NOBODY);
    expect(() => ensurePrivateFolder(home)).toThrow(BadInputError);
    expect(() => ensurePrivateFolder(home)).toThrow(
      /^The data folder .*theirs belongs to another user \(uid 65534\); point PAYROLL_OPS_HOME at a folder of your own\.$/,
    );
  });

  it.runIf(asRoot)('refuses credentials another user planted as a link, before anything reads them', () => {
    const home = join(root, 'home');
    mkdirSync(home, { mode: 0o700 });
    const theirs = join(root, 'mallory-credentials');
    writeFileSync(theirs, JSON.stringify(plantedSecret));
    lchownSync(theirs, NOBODY, NOBODY);
    symlinkSync(theirs, credentialsPath(home));
    lchownSync(credentialsPath(home), NOBODY, NOBODY);
    expect(() => ensurePrivateFolder(home)).toThrow(
      /credentials in the data folder belongs to another user \(uid 65534\), who may have planted it/,
    );
    expect(() => localCredentials(home)).toThrow(BadInputError);
  });

  it.runIf(asRoot)('refuses, while tightening, a file another user put in a folder open to them', () => {
    const home = join(root, 'home');
    mkdirSync(join(home, 'dynamodb'), { recursive: true });
    chmodSync(home, 0o755);
    writeFileSync(join(home, 'dynamodb', 'CURRENT'), 'x');
    lchownSync(join(home, 'dynamodb', 'CURRENT'), NOBODY, NOBODY);
    expect(() => ensurePrivateFolder(home)).toThrow(/CURRENT in the data folder belongs to another user/);
  });
});

describe('localCredentials', () => {
  it('never reads the secret through a link, even one of the owner', () => {
    const home = join(root, 'home');
    mkdirSync(home, { mode: 0o700 });
    const elsewhere = join(root, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify(plantedSecret), { mode: 0o600 });
    symlinkSync(elsewhere, credentialsPath(home));
    expect(() => localCredentials(home)).toThrow(BadInputError);
    expect(() => localCredentials(home)).toThrow(/credentials is a symbolic link, .* delete it/);
  });

  it.runIf(asRoot)('refuses a credentials file of another user', () => {
    const home = join(root, 'home');
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(credentialsPath(home), JSON.stringify(plantedSecret), { mode: 0o600 });
    lchownSync(credentialsPath(home), NOBODY, NOBODY);
    expect(() => localCredentials(home)).toThrow(
      /belongs to another user \(uid 65534\), who would know its secret/,
    );
  });

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
