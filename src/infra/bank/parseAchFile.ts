/**
 * Reads a NACHA file (fixed-width 94-character records) back into entries and control totals.
 * Written independently of the generator so tests, `verify` and the bank gateway can check a
 * file without trusting the library that produced it. Structural problems throw; the control
 * totals are returned as the file declares them, for callers to compare with computeAchControl.
 * Error messages name lines and fields, never their content (entry records hold account numbers).
 */
import { BadInputError } from '../../core/errors.js';
import type { Cents } from '../../core/money.js';
import type { AchControl } from './achControl.js';

export const ACH_RECORD_LENGTH = 94;
export const ACH_BLOCKING_FACTOR = 10;

export interface ParsedAchHeader {
  readonly immediateDestination: string;
  readonly immediateOrigin: string;
  /** YYMMDD as written. */
  readonly fileCreationDate: string;
  /** HHMM as written. */
  readonly fileCreationTime: string;
  readonly fileIdModifier: string;
  readonly immediateDestinationName: string;
  readonly immediateOriginName: string;
  readonly referenceCode: string;
}

export interface ParsedAchEntry {
  readonly transactionCode: string;
  /** Nine digits: receiving DFI identification plus check digit. */
  readonly routing: string;
  readonly account: string;
  readonly amount: Cents;
  readonly individualId: string;
  readonly name: string;
  readonly traceNumber: string;
}

export interface ParsedAchBatch {
  readonly serviceClassCode: string;
  readonly companyName: string;
  readonly companyId: string;
  readonly standardEntryClassCode: string;
  readonly companyEntryDescription: string;
  readonly companyDescriptiveDate: string;
  /** YYMMDD as written. */
  readonly effectiveEntryDate: string;
  readonly originatingDfi: string;
  readonly batchNumber: number;
  readonly entries: readonly ParsedAchEntry[];
  /** As declared by the batch control record. */
  readonly control: AchControl;
}

export interface ParsedAchFile {
  readonly header: ParsedAchHeader;
  readonly batches: readonly ParsedAchBatch[];
  /** As declared by the file control record. */
  readonly control: AchControl;
  readonly batchCount: number;
  readonly blockCount: number;
  /** Records in the file, including the 9s padding. */
  readonly recordCount: number;
}

export function parseAchFile(text: string): ParsedAchFile {
  const records = text.split(/\r?\n/);
  if (records.at(-1) === '') records.pop();
  records.forEach((record, index) => {
    if (record.length !== ACH_RECORD_LENGTH) {
      fail(index, `is ${record.length} characters long, not ${ACH_RECORD_LENGTH}`);
    }
  });
  if (records.length === 0 || records.length % ACH_BLOCKING_FACTOR !== 0) {
    fail(
      records.length - 1,
      `ends a file of ${records.length} records, not a multiple of ${ACH_BLOCKING_FACTOR}`,
    );
  }

  let index = 0;
  const next = (): string => records[index++] ?? '';
  const expectType = (record: string, type: string, what: string): void => {
    if (record.charAt(0) !== type) fail(index - 1, `should be a ${what} (record type ${type})`);
  };

  const headerRecord = next();
  expectType(headerRecord, '1', 'file header');
  const header = parseHeader(headerRecord);

  const batches: ParsedAchBatch[] = [];
  while (records[index]?.charAt(0) === '5') {
    const headerLine = index;
    const batchHeader = next();
    const entries: ParsedAchEntry[] = [];
    while (records[index]?.charAt(0) === '6') entries.push(parseEntry(next(), index - 1));
    const batchControl = next();
    expectType(batchControl, '8', 'batch control');
    batches.push(parseBatch(batchHeader, headerLine, entries, batchControl, index - 1));
  }

  const controlLine = index;
  const fileControl = next();
  expectType(fileControl, '9', 'file control');
  while (index < records.length) {
    const padding = next();
    if (!/^9+$/.test(padding)) fail(index - 1, 'after the file control should be 9s padding');
  }

  return {
    header,
    batches,
    control: {
      entryCount: numeric(fileControl, 13, 21, controlLine),
      entryHash: numeric(fileControl, 21, 31, controlLine),
      totalDebit: numeric(fileControl, 31, 43, controlLine) as Cents,
      totalCredit: numeric(fileControl, 43, 55, controlLine) as Cents,
    },
    batchCount: numeric(fileControl, 1, 7, controlLine),
    blockCount: numeric(fileControl, 7, 13, controlLine),
    recordCount: records.length,
  };
}

function parseHeader(record: string): ParsedAchHeader {
  return {
    immediateDestination: record.slice(3, 13).trim(),
    immediateOrigin: record.slice(13, 23).trim(),
    fileCreationDate: record.slice(23, 29),
    fileCreationTime: record.slice(29, 33),
    fileIdModifier: record.slice(33, 34),
    immediateDestinationName: record.slice(40, 63).trimEnd(),
    immediateOriginName: record.slice(63, 86).trimEnd(),
    referenceCode: record.slice(86, 94).trimEnd(),
  };
}

function parseEntry(record: string, line: number): ParsedAchEntry {
  const routing = record.slice(3, 12);
  if (!/^\d{9}$/.test(routing)) fail(line, 'has a routing number that is not nine digits');
  return {
    transactionCode: record.slice(1, 3),
    routing,
    account: record.slice(12, 29).trimEnd(),
    amount: numeric(record, 29, 39, line) as Cents,
    individualId: record.slice(39, 54).trimEnd(),
    name: record.slice(54, 76).trimEnd(),
    traceNumber: record.slice(79, 94),
  };
}

function parseBatch(
  header: string,
  headerLine: number,
  entries: readonly ParsedAchEntry[],
  control: string,
  controlLine: number,
): ParsedAchBatch {
  return {
    serviceClassCode: header.slice(1, 4),
    companyName: header.slice(4, 20).trimEnd(),
    companyId: header.slice(40, 50),
    standardEntryClassCode: header.slice(50, 53),
    companyEntryDescription: header.slice(53, 63).trimEnd(),
    companyDescriptiveDate: header.slice(63, 69).trimEnd(),
    effectiveEntryDate: header.slice(69, 75),
    originatingDfi: header.slice(79, 87),
    batchNumber: numeric(header, 87, 94, headerLine),
    entries,
    control: {
      entryCount: numeric(control, 4, 10, controlLine),
      entryHash: numeric(control, 10, 20, controlLine),
      totalDebit: numeric(control, 20, 32, controlLine) as Cents,
      totalCredit: numeric(control, 32, 44, controlLine) as Cents,
    },
  };
}

function numeric(record: string, start: number, end: number, line: number): number {
  const field = record.slice(start, end);
  if (!/^\d+$/.test(field)) fail(line, `has a non-numeric field at columns ${start + 1}–${end}`);
  return Number(field);
}

function fail(index: number, problem: string): never {
  throw new BadInputError('ACH_FILE_INVALID', `Not a valid NACHA file: record ${index + 1} ${problem}.`);
}
