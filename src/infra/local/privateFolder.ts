/**
 * The data folder holds full bank account numbers (LevelDB, artifacts, execution history) and the
 * folder's credentials, so it is private to its owner whoever created it: the folder 0700, every
 * file 0600. The host and the CLI set the umask so that files created later (LevelDB's included,
 * which no option reaches) are born private; a folder found readable by others is tightened, with
 * a warning, because it may have been written by an older version or by hand.
 *
 * What cannot be made private by tightening is refused instead, in one line (exit 2): a folder of
 * another user; a folder others could write to (anything in it — credentials, config.json, a
 * host.log that is a link to the owner's ~/.bashrc — may have been planted by them); a link to the
 * folder that another user owns (they can point it elsewhere); the home folder or `/` (its whole
 * contents would be tightened, and `local reset` would wipe it); a folder open to others that holds
 * nothing of payroll-ops (tightening would change the modes of someone's documents); and an entry
 * of the folder that belongs to another user.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BadInputError, InfrastructureError, PayrollOpsError } from '../../core/errors.js';

/** Owner-only: files 0600, folders 0700. */
export const PRIVATE_UMASK = 0o077;
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const OPEN_TO_OTHERS = 0o077;
/** Write access for group or others, or the sticky bit of a shared folder such as /tmp. */
const WRITABLE_BY_OTHERS = 0o022;
const STICKY = 0o1000;

/** What payroll-ops keeps at the top of a data folder: a folder holding none of it is not one. */
const DATA_ENTRIES: ReadonlySet<string> = new Set([
  'credentials',
  'config.json',
  'api-token',
  'host.json',
  'host.log',
  'host.sock',
  'faults.json',
  'dynamodb',
  'stepfunctions',
  'artifacts',
  'bank',
  'table-rebuilds',
]);

/** Whether `entries` (a folder's) are a data folder's: empty, or holding something of payroll-ops. */
export function looksLikeDataFolder(entries: readonly string[]): boolean {
  return entries.length === 0 || entries.some((entry) => DATA_ENTRIES.has(entry));
}

/** Makes every file this process creates from now on private to its owner. */
export function usePrivateUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/** This process's user id; undefined where there are none (Windows). */
const myUid = (): number | undefined => process.getuid?.();

const refuse = (code: string, message: string) => new BadInputError(code, message);
const modeText = (stat: Stats) => (stat.mode & 0o7777).toString(8).padStart(4, '0');

/** One entry (lstat'ed) of the folder: refused if another user owns it. */
function requireOwn(path: string, stat: Stats, uid: number | undefined): void {
  if (uid === undefined || stat.uid === uid) return;
  throw refuse(
    'LOCAL_HOME_FOREIGN_ENTRY',
    `${path} in the data folder belongs to another user (uid ${stat.uid}), who may have planted it; remove it or point PAYROLL_OPS_HOME at a new folder.`,
  );
}

/** Tightens `path` and, for a folder, everything under it; symbolic links are left alone. */
function tighten(path: string, uid: number | undefined): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat) return;
  requireOwn(path, stat, uid);
  if (stat.isSymbolicLink()) return;
  // Group and other bits go; the owner's stay as they were.
  if ((stat.mode & OPEN_TO_OTHERS) !== 0) chmodSync(path, stat.mode & 0o700);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) tighten(join(path, entry), uid);
}

const realpath = (path: string): string | undefined => {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
};

/** The refusals that tightening cannot cure (see the module comment). */
function checkFolder(home: string, uid: number | undefined): Stats {
  const link = lstatSync(home);
  if (link.isSymbolicLink() && uid !== undefined && link.uid !== uid && link.uid !== 0) {
    throw refuse(
      'LOCAL_HOME_FOREIGN_LINK',
      `The data folder ${home} is a symbolic link owned by another user (uid ${link.uid}), who can point it anywhere; point PAYROLL_OPS_HOME at a folder of your own.`,
    );
  }
  const stat = statSync(home);
  if (!stat.isDirectory()) {
    throw refuse(
      'LOCAL_HOME_NOT_A_FOLDER',
      `The data folder ${home} is not a folder; point PAYROLL_OPS_HOME at one.`,
    );
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw refuse(
      'LOCAL_HOME_NOT_YOURS',
      `The data folder ${home} belongs to another user (uid ${stat.uid}); point PAYROLL_OPS_HOME at a folder of your own.`,
    );
  }
  const real = realpath(home);
  if (real === '/' || (real !== undefined && real === realpath(homedir()))) {
    throw refuse(
      'LOCAL_HOME_UNSAFE',
      `${home} is ${real === '/' ? 'the root folder' : 'your home folder'}, not a data folder; point PAYROLL_OPS_HOME at a folder of its own (e.g. ~/.local/share/payroll-ops).`,
    );
  }
  if ((stat.mode & (WRITABLE_BY_OTHERS | STICKY)) !== 0) {
    throw refuse(
      'LOCAL_HOME_SHARED',
      `The data folder ${home} is writable by other users (mode ${modeText(stat)}), so anything in it may have been planted; check its contents and chmod 700 it, or point PAYROLL_OPS_HOME at a new folder.`,
    );
  }
  return stat;
}

/**
 * Creates the data folder 0700 if missing; a folder readable or searchable by group or others is
 * tightened (with its contents) and `warn` says so. Returns whether it was tightened. Refuses, in
 * one line, a folder that tightening cannot make private (see the module comment).
 */
export function ensurePrivateFolder(home: string, warn: (message: string) => void = () => {}): boolean {
  const uid = myUid();
  try {
    mkdirSync(home, { recursive: true, mode: PRIVATE_DIR_MODE });
    const stat = checkFolder(home, uid);
    const entries = readdirSync(home);
    if ((stat.mode & OPEN_TO_OTHERS) === 0) {
      // Private already: only the entries payroll-ops opens by name could have been put there.
      // Another process's temporary file (config.json.<pid>.tmp) may be renamed away meanwhile.
      for (const entry of entries) {
        const found = lstatSync(join(home, entry), { throwIfNoEntry: false });
        if (found) requireOwn(join(home, entry), found, uid);
      }
      return false;
    }
    if (!looksLikeDataFolder(entries)) {
      throw refuse(
        'LOCAL_HOME_NOT_DATA',
        `${home} is open to other users (mode ${modeText(stat)}) and holds files that are not payroll-ops data, which making it private would change; point PAYROLL_OPS_HOME at a folder of its own.`,
      );
    }
    tighten(home, uid);
    warn(
      `The data folder ${home} was open to other users (mode ${modeText(stat)}); ` +
        'made it and its files private to you (0700/0600).',
    );
    return true;
  } catch (error) {
    if (PayrollOpsError.isPayrollOpsError(error)) throw error;
    throw new InfrastructureError(
      'LOCAL_HOME_PRIVATE',
      `Cannot make the data folder ${home} private (${(error as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'check that it is yours or point PAYROLL_OPS_HOME at another folder.',
      { cause: error },
    );
  }
}
