/**
 * Input files are read whole: one far larger than its contents can be (100,000 payments fit in a
 * few MB) is refused from its size, before it is read — a 300 MB payments file took two minutes
 * and 1.6 GB to be refused, a 700 MB one failed with a bare ERR_STRING_TOO_LONG.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_INPUT_BYTES, readInputFile } from '../../src/commands/readInputFile.js';

const dir = mkdtempSync(join(tmpdir(), 'payroll-ops-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readInputFile', () => {
  it('refuses a payments or timesheet file over its size limit in one line (exit 2), without reading it', () => {
    const path = join(dir, 'bonus.csv');
    writeFileSync(path, 'employee_id,amount,kind\n');
    truncateSync(path, MAX_INPUT_BYTES['--payments'] + 1);
    const error = (() => {
      try {
        readInputFile('--payments', path);
      } catch (e) {
        return e as Error & { code: string; kind: string };
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toMatchObject({ code: 'INPUT_FILE_TOO_LARGE', kind: 'bad-input' });
    expect(error.message).toBe(
      `--payments ${path}: 32.0 MB, more than the 32 MB a --payments file can need; check the file (a run takes at most 100000 payments: split them into several off-cycle runs).`,
    );
    truncateSync(path, MAX_INPUT_BYTES['--timesheet'] + 1);
    expect(() => readInputFile('--timesheet', path)).toThrow(
      /^--timesheet .*: 256\.0 MB, more than the 256 MB a --timesheet file/,
    );
  });

  it('reads a file within its limit', () => {
    const path = join(dir, 'ok.csv');
    writeFileSync(path, 'employee_id,amount,kind\nE1,1,bonus\n');
    expect(readInputFile('--payments', path)).toBe('employee_id,amount,kind\nE1,1,bonus\n');
  });
});
