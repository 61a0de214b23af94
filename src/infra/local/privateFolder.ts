/**
 * The data folder holds full bank account numbers (LevelDB, artifacts, execution history) and the
 * folder's credentials, so it is private to its owner whoever created it: the folder 0700, every
 * file 0600. The host and the CLI set the umask so that files created later (LevelDB's included,
 * which no option reaches) are born private; a folder found open to others is tightened, with a
 * warning, because it may have been written by an older version or by hand.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InfrastructureError } from '../../core/errors.js';

/** Owner-only: files 0600, folders 0700. */
export const PRIVATE_UMASK = 0o077;
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
const OPEN_TO_OTHERS = 0o077;

/** Makes every file this process creates from now on private to its owner. */
export function usePrivateUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/** Tightens `path` and, for a folder, everything under it; symbolic links are left alone. */
function tighten(path: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (!stat || stat.isSymbolicLink()) return;
  // Group and other bits go; the owner's stay as they were.
  if ((stat.mode & OPEN_TO_OTHERS) !== 0) chmodSync(path, stat.mode & 0o700);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) tighten(join(path, entry));
}

/**
 * Creates the data folder 0700 if missing; a folder readable, writable or searchable by group or
 * others is tightened (with its contents) and `warn` says so. Returns whether it was tightened.
 */
export function ensurePrivateFolder(home: string, warn: (message: string) => void = () => {}): boolean {
  try {
    mkdirSync(home, { recursive: true, mode: PRIVATE_DIR_MODE });
    const mode = statSync(home).mode & 0o777;
    if ((mode & OPEN_TO_OTHERS) === 0) return false;
    tighten(home);
    warn(
      `The data folder ${home} was open to other users (mode ${mode.toString(8).padStart(4, '0')}); ` +
        'made it and its files private to you (0700/0600).',
    );
    return true;
  } catch (error) {
    throw new InfrastructureError(
      'LOCAL_HOME_PRIVATE',
      `Cannot make the data folder ${home} private (${(error as NodeJS.ErrnoException).code ?? 'error'}); ` +
        'check that it is yours or point PAYROLL_OPS_HOME at another folder.',
      { cause: error },
    );
  }
}
