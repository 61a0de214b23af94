/** Reads a file named by a flag; a missing or unreadable file is bad input naming the flag and path. */
import { readFileSync, statSync } from 'node:fs';
import { BadInputError } from '../core/errors.js';
import { MAX_PAYMENTS } from '../core/offCyclePayments.js';

const MB = 1024 * 1024;

/**
 * Files read whole are refused from their size when they are far larger than their contents can
 * be: 100,000 payments take a few MB, a timesheet row per employee of the largest roster well
 * under 256 MB. Without it a 300 MB payments file took minutes and gigabytes to be refused.
 */
export const MAX_INPUT_BYTES = {
  '--payments': 32 * MB,
  '--timesheet': 256 * MB,
} as const;

const TOO_LARGE_FIX: Readonly<Record<string, string>> = {
  '--payments': `a run takes at most ${MAX_PAYMENTS} payments: split them into several off-cycle runs`,
  '--timesheet': 'give one row per employee with the period’s total hours',
};

function sizeLimit(flag: string, path: string): void {
  const limit = (MAX_INPUT_BYTES as Readonly<Record<string, number | undefined>>)[flag];
  if (limit === undefined) return;
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // readFileSync names the problem
  }
  if (size <= limit) return;
  throw new BadInputError(
    'INPUT_FILE_TOO_LARGE',
    `${flag} ${path}: ${(size / MB).toFixed(1)} MB, more than the ${limit / MB} MB a ${flag} file can need; check the file (${TOO_LARGE_FIX[flag]}).`,
    { details: { flag, path, size } },
  );
}

export function readInputFile(flag: string, path: string): string {
  sizeLimit(flag, path);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'no such file; check the path'
        : code === 'EISDIR'
          ? 'is a folder; give the path of a CSV file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read (permission denied); make it readable'
            : code === 'ERR_STRING_TOO_LONG'
              ? 'larger than can be read at once (over 512 MB); check the file, or split it'
              : `cannot be read (${code ?? 'unknown error'}); check the file`;
    throw new BadInputError('INPUT_FILE_UNREADABLE', `${flag} ${path}: ${problem}.`, {
      cause: error,
      details: { flag, path },
    });
  }
}
