/**
 * NACHA PPD files for a pay run: the credit file that pays net wages, and the reversal file that
 * claws them back. nach2 lays out the records; everything it would decide on its own is pinned
 * here so the same input always yields the same bytes (a redelivered message must not produce a
 * different file): creation date and time come from the input, trace numbers and batch numbers
 * are assigned here. Every file is parsed back and checked against independently computed
 * control totals before it is returned, so a generator bug can never reach the bank.
 */
import nach from 'nach2';
import { validateRouting } from '../../core/aba.js';
import { isIsoDate } from '../../core/bankingDays.js';
import { BadInputError, describeError, InfrastructureError } from '../../core/errors.js';
import { maskAccount } from '../../core/mask.js';
import { type Cents, formatCents } from '../../core/money.js';
import type { IsoDate } from '../../core/period.js';
import type { BankAccountType } from '../../core/roster.js';
import {
  type AchControl,
  AchServiceClass,
  AchTransactionCode,
  computeAchControl,
  sameControl,
} from './achControl.js';
import { type ParsedAchFile, parseAchFile } from './parseAchFile.js';

export { type AchControl, AchTransactionCode, computeAchControl } from './achControl.js';
export {
  type ParsedAchBatch,
  type ParsedAchEntry,
  type ParsedAchFile,
  parseAchFile,
} from './parseAchFile.js';

export interface AchEmployer {
  readonly name: string;
  /** Company Identification: ten digits, usually "1" followed by the EIN. */
  readonly achCompanyId: string;
  /** The employer's bank (ODFI), which receives the file: nine digits. */
  readonly fundingRouting: string;
  /** Shown as the immediate destination name; blank when absent. */
  readonly fundingBankName?: string;
}

export interface AchEntryInput {
  /** Becomes the individual identification number (at most 15 characters). */
  readonly employeeId: string;
  readonly name: string;
  readonly routing: string;
  readonly account: string;
  readonly accountType: BankAccountType;
  /** Positive cents; an employee with zero net pay gets no entry (leave them out). */
  readonly amount: Cents;
}

export interface AchFileInput {
  readonly employer: AchEmployer;
  /** The pay date: the batch's effective entry date. */
  readonly effectiveDate: IsoDate;
  /** A–Z or 0–9; defaults to A for the credit file and R for its reversal, so the two never share a file id. */
  readonly fileIdModifier?: string;
  /** Defaults to the effective date (never "now": the same input must give the same file). */
  readonly fileCreationDate?: IsoDate;
  /** HHMM, defaults to 0000. */
  readonly fileCreationTime?: string;
  readonly entries: readonly AchEntryInput[];
}

/** What may differ between an erroneous file and its reversal; everything else is mirrored. */
export interface AchReversalOptions {
  readonly effectiveDate?: IsoDate;
  readonly fileCreationDate?: IsoDate;
  readonly fileCreationTime?: string;
  readonly fileIdModifier?: string;
}

export interface AchFile {
  readonly text: string;
  readonly control: AchControl;
}

export const PAYROLL_ENTRY_DESCRIPTION = 'PAYROLL';
/** NACHA requires this exact company entry description on reversing entries. */
export const REVERSAL_ENTRY_DESCRIPTION = 'REVERSAL';

const MAX_ENTRY_AMOUNT = 9_999_999_999;
const MAX_ENTRIES = 9_999_999;

/** One PPD batch crediting each employee's account with their net pay. */
export function buildCreditFile(input: AchFileInput): Promise<AchFile> {
  return buildFile(input, {
    description: PAYROLL_ENTRY_DESCRIPTION,
    serviceClass: AchServiceClass.CreditsOnly,
    defaultModifier: 'A',
    checking: AchTransactionCode.CheckingCredit,
    savings: AchTransactionCode.SavingsCredit,
  });
}

/**
 * The reversal of a credit file built from `input`: the same company, accounts and amounts as
 * debits, with "REVERSAL" as company entry description. Pass the original input unchanged; the
 * options set the reversal's own dates and file id.
 */
export function buildReversalFile(input: AchFileInput, options: AchReversalOptions = {}): Promise<AchFile> {
  return buildFile(
    {
      ...input,
      effectiveDate: options.effectiveDate ?? input.effectiveDate,
      fileCreationDate: options.fileCreationDate ?? options.effectiveDate ?? input.fileCreationDate,
      fileCreationTime: options.fileCreationTime ?? input.fileCreationTime,
      fileIdModifier: options.fileIdModifier,
    },
    {
      description: REVERSAL_ENTRY_DESCRIPTION,
      serviceClass: AchServiceClass.DebitsOnly,
      defaultModifier: 'R',
      checking: AchTransactionCode.CheckingDebit,
      savings: AchTransactionCode.SavingsDebit,
      descriptiveDate: input.effectiveDate,
    },
  );
}

interface FileKind {
  readonly description: string;
  readonly serviceClass: AchServiceClass;
  readonly defaultModifier: string;
  readonly checking: AchTransactionCode;
  readonly savings: AchTransactionCode;
  /** The company descriptive date; a reversal keeps the original pay date so receivers can match it. */
  readonly descriptiveDate?: IsoDate;
}

interface PlannedEntry {
  readonly transactionCode: AchTransactionCode;
  readonly routing: string;
  readonly account: string;
  readonly amount: Cents;
  readonly individualId: string;
  readonly name: string;
  readonly traceNumber: string;
}

async function buildFile(input: AchFileInput, kind: FileKind): Promise<AchFile> {
  const { employer } = input;
  requireEmployer(employer);
  const effectiveDate = requireDate('effective date', input.effectiveDate);
  const creationDate = requireDate('file creation date', input.fileCreationDate ?? input.effectiveDate);
  const creationTime = input.fileCreationTime ?? '0000';
  if (!/^([01]\d|2[0-3])[0-5]\d$/.test(creationTime)) {
    throw new BadInputError('ACH_CREATION_TIME_INVALID', `File creation time ${creationTime} is not HHMM.`);
  }
  const modifier = input.fileIdModifier ?? kind.defaultModifier;
  if (!/^[A-Z0-9]$/.test(modifier)) {
    throw new BadInputError(
      'ACH_FILE_ID_MODIFIER_INVALID',
      `File id modifier ${modifier} is not one of A–Z, 0–9.`,
    );
  }
  if (input.entries.length === 0) {
    throw new BadInputError('ACH_NO_ENTRIES', 'An ACH file needs at least one entry.');
  }
  if (input.entries.length > MAX_ENTRIES) {
    throw new BadInputError('ACH_TOO_MANY_ENTRIES', `An ACH batch holds at most ${MAX_ENTRIES} entries.`);
  }

  const odfi8 = employer.fundingRouting.slice(0, 8);
  const planned = input.entries.map(
    (entry, index): PlannedEntry => ({
      transactionCode: entry.accountType === 'savings' ? kind.savings : kind.checking,
      routing: entry.routing,
      account: entry.account,
      amount: entry.amount,
      individualId: entry.employeeId,
      name: requireEntry(entry),
      // ODFI routing prefix + sequence: unique within the file and stable across rebuilds.
      traceNumber: `${odfi8}${String(index + 1).padStart(7, '0')}`,
    }),
  );

  const text = await generate(input, kind, planned, { effectiveDate, creationDate, creationTime, modifier });
  const control = computeAchControl(planned);
  selfCheck(text, planned, control, kind);
  return { text, control };
}

interface Dates {
  readonly effectiveDate: string;
  readonly creationDate: string;
  readonly creationTime: string;
  readonly modifier: string;
}

function generate(
  input: AchFileInput,
  kind: FileKind,
  entries: readonly PlannedEntry[],
  dates: Dates,
): Promise<string> {
  const { employer } = input;
  try {
    const file = new nach.File({
      immediateDestination: employer.fundingRouting,
      immediateOrigin: employer.achCompanyId,
      // nach2 rejects empty alphanumeric fields; blanks are what NACHA expects when there is nothing to say.
      immediateDestinationName: achText(employer.fundingBankName ?? '', 23) || ' ',
      immediateOriginName: achText(employer.name, 23),
      referenceCode: ' ',
      fileCreationDate: dates.creationDate,
      fileCreationTime: dates.creationTime,
      fileIdModifier: dates.modifier,
      // nach2 numbers batches from 0 by default; NACHA batch numbers start at 1.
      batchSequenceNumber: 1,
    });
    const batch = new nach.Batch({
      serviceClassCode: kind.serviceClass,
      companyName: achText(employer.name, 16),
      standardEntryClassCode: 'PPD',
      companyIdentification: employer.achCompanyId,
      companyEntryDescription: kind.description,
      companyDescriptiveDate: yymmdd(kind.descriptiveDate ?? input.effectiveDate),
      // nach2 formats a Date with local-time getters; a local midnight keeps the day whatever the zone.
      effectiveEntryDate: localDate(input.effectiveDate),
      originatingDFI: employer.fundingRouting,
    });
    batch.set('effectiveEntryDate', dates.effectiveDate);
    // Batch.addEntry re-totals every entry on each call (quadratic: 22 s for 10,000 entries), so
    // the entries are appended directly and the batch control totals are set from our own sums.
    for (const entry of entries) {
      batch._entries.push(
        new nach.Entry({
          receivingDFI: entry.routing,
          DFIAccount: entry.account,
          // nach2 takes dollars; a two-place decimal string keeps the cents exact.
          amount: formatCents(entry.amount),
          idNumber: entry.individualId,
          individualName: entry.name,
          discretionaryData: '  ',
          transactionCode: entry.transactionCode,
          traceNumber: entry.traceNumber,
        }),
      );
    }
    setBatchControl(batch, computeAchControl(entries));
    file.addBatch(batch);
    return new Promise((resolve) => file.generateFile(resolve));
  } catch (error) {
    // nach2's messages name fields and routing numbers, never account numbers.
    throw new InfrastructureError(
      'ACH_FILE_BUILD_FAILED',
      `The ACH file could not be built: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
}

function setBatchControl(batch: InstanceType<typeof nach.Batch>, control: AchControl): void {
  batch.control.addendaCount!.value = control.entryCount;
  batch.control.entryHash!.value = String(control.entryHash);
  // nach2 keeps amounts in dollars and prints them with toFixed(2); cents / 100 round-trips exactly.
  batch.control.totalDebit!.value = control.totalDebit / 100;
  batch.control.totalCredit!.value = control.totalCredit / 100;
}

/** Parses the generated file and compares every entry and every control total with what was asked for. */
function selfCheck(
  text: string,
  planned: readonly PlannedEntry[],
  control: AchControl,
  kind: FileKind,
): void {
  const problems = checkFile(parseAchFile(text), planned, control, kind);
  if (problems.length > 0) {
    throw new InfrastructureError(
      'ACH_FILE_SELF_CHECK_FAILED',
      `The generated ACH file does not match its input: ${problems.join('; ')}.`,
      { details: { problems } },
    );
  }
}

function checkFile(
  parsed: ParsedAchFile,
  planned: readonly PlannedEntry[],
  control: AchControl,
  kind: FileKind,
): string[] {
  const problems: string[] = [];
  const batch = parsed.batches[0];
  if (parsed.batches.length !== 1 || !batch) return [`expected one batch, found ${parsed.batches.length}`];
  if (batch.companyEntryDescription !== kind.description) problems.push('company entry description');
  if (batch.serviceClassCode !== kind.serviceClass) problems.push('service class code');
  if (!sameControl(batch.control, control)) problems.push('batch control totals');
  if (!sameControl(parsed.control, control)) problems.push('file control totals');
  if (parsed.batchCount !== 1) problems.push('batch count');
  if (parsed.blockCount * 10 !== parsed.recordCount) problems.push('block count');
  if (batch.entries.length !== planned.length) problems.push('entry count');
  batch.entries.forEach((entry, index) => {
    const want = planned[index];
    if (
      !want ||
      entry.transactionCode !== want.transactionCode ||
      entry.routing !== want.routing ||
      entry.account !== want.account ||
      entry.amount !== want.amount ||
      entry.individualId !== want.individualId ||
      entry.name !== want.name ||
      entry.traceNumber !== want.traceNumber
    ) {
      problems.push(
        `entry ${index + 1} (${want?.individualId ?? '?'}, account ${maskAccount(entry.account)})`,
      );
    }
  });
  return problems;
}

function requireEmployer(employer: AchEmployer): void {
  if (!/^\d{10}$/.test(employer.achCompanyId)) {
    throw new BadInputError(
      'ACH_COMPANY_ID_INVALID',
      `ACH company id ${employer.achCompanyId} must be ten digits (usually 1 followed by the EIN).`,
    );
  }
  if (!validateRouting(employer.fundingRouting)) {
    throw new BadInputError(
      'ACH_FUNDING_ROUTING_INVALID',
      `Funding routing number ${employer.fundingRouting} is not nine digits with a valid check digit.`,
    );
  }
  if (achText(employer.name, 16) === '') {
    throw new BadInputError(
      'ACH_COMPANY_NAME_INVALID',
      'The employer name has no characters an ACH file can carry.',
    );
  }
}

/** Validates one entry and returns its name as the file will carry it. Messages mask the account. */
function requireEntry(entry: AchEntryInput): string {
  const who = `employee ${entry.employeeId}`;
  if (!/^[\x21-\x7e][\x20-\x7e]{0,14}$/.test(entry.employeeId)) {
    throw new BadInputError(
      'ACH_INDIVIDUAL_ID_INVALID',
      `${who}: the id must be 1–15 printable ASCII characters.`,
    );
  }
  if (!validateRouting(entry.routing)) {
    throw new BadInputError(
      'ACH_ROUTING_INVALID',
      `${who}: routing number ${entry.routing} is not nine digits with a valid check digit.`,
    );
  }
  // nach2 would silently cut a longer account number, paying a different account.
  if (!/^[0-9A-Za-z]{1,17}$/.test(entry.account)) {
    throw new BadInputError(
      'ACH_ACCOUNT_INVALID',
      `${who}: account ${maskAccount(entry.account)} must be 1–17 letters or digits.`,
    );
  }
  if (entry.accountType !== 'checking' && entry.accountType !== 'savings') {
    throw new BadInputError('ACH_ACCOUNT_TYPE_INVALID', `${who}: account type must be checking or savings.`);
  }
  if (!Number.isSafeInteger(entry.amount) || entry.amount <= 0 || entry.amount > MAX_ENTRY_AMOUNT) {
    throw new BadInputError(
      'ACH_AMOUNT_INVALID',
      `${who}: amount ${entry.amount} must be whole cents between 1 and ${MAX_ENTRY_AMOUNT}.`,
    );
  }
  const name = achText(entry.name, 22);
  if (name === '')
    throw new BadInputError('ACH_NAME_INVALID', `${who}: the name has no characters an ACH file can carry.`);
  return name;
}

function requireDate(what: string, date: string): string {
  if (!isIsoDate(date))
    throw new BadInputError('ACH_DATE_INVALID', `The ${what} ${date} is not a YYYY-MM-DD date.`);
  return yymmdd(date);
}

function yymmdd(date: IsoDate): string {
  return `${date.slice(2, 4)}${date.slice(5, 7)}${date.slice(8, 10)}`;
}

function localDate(date: IsoDate): Date {
  return new Date(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/**
 * Upper-case ASCII as banks expect it: accents dropped (É → E), anything else outside the
 * NACHA character set turned into a space, then cut to the field width.
 */
function achText(value: string, width: number): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 &'\-.,/]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, width)
    .trimEnd();
}
