/** Reads a file named by a flag; a missing or unreadable file is bad input naming the flag and path. */
import { readFileSync } from 'node:fs';
import { BadInputError } from '../core/errors.js';

export function readInputFile(flag: string, path: string): string {
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
            : `cannot be read (${code ?? 'unknown error'}); check the file`;
    throw new BadInputError('INPUT_FILE_UNREADABLE', `${flag} ${path}: ${problem}.`, {
      cause: error,
      details: { flag, path },
    });
  }
}
