/**
 * Limits on what the tool accepts, in one place. They keep every item under DynamoDB's 400 KB,
 * every execution input under Step Functions' 256 KiB, every run id a valid execution name, and
 * every total of the largest supported roster exact in integer cents (below 2^53).
 */
import { BadInputError } from './errors.js';

export const Limits = {
  /** Employees an employer may have: the largest roster the totals are proven exact for. */
  maxEmployees: 1_000_000,
  /** Employee ids: letters, digits, `_` and `-`, as a DynamoDB key and an ACH individual id allow. */
  maxEmployeeIdLength: 64,
  maxNameLength: 200,
  /**
   * Employer ids are part of run ids, which are Step Functions execution names (80 characters):
   * `<employer>-<period>-offcycle-1000` and its `-rollback-100` must fit.
   */
  maxEmployerIdLength: 30,
  maxReasonLength: 1_000,
  maxRequestedByLength: 200,
  /** Step Functions refuses an execution input over 256 KiB. */
  maxExecutionInputBytes: 262_144,
  /** DynamoDB refuses an item over 400 KB; one employee record must stay far below it. */
  maxItemBytes: 400_000,
} as const;

/**
 * The largest amounts accepted, in cents. With them, one payslip's gross stays under
 * $10,000,000.00 and the employer's cost under 1.2 × that, so a run's totals over
 * Limits.maxEmployees stay under 1.2 × 10^15 cents, far below 2^53 ≈ 9.007 × 10^15.
 */
export const AmountLimits = {
  /** Annual salary: $100M a year is at most $8.34M a period (12 periods a year at least). */
  annualSalary: 10_000_000_000,
  /** Hourly rate: $5,000.00 an hour over at most 744 hours (a 31-day month) is $5.58M. */
  hourlyRate: 500_000,
  /** Any other amount on a roster or payment row: $10M. */
  amount: 1_000_000_000,
  /** Hours in one period (regular plus overtime), in hundredths: 744 h. */
  periodHundredths: 74_400,
} as const;

export const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** UTF-8 byte length, without Buffer (src/core is runtime-neutral). */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Run ids are Step Functions execution names: up to 80 of [A-Za-z0-9_-]. */
const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;
const EMPLOYER_ID = /^[a-z0-9][a-z0-9_-]*$/;

/** Refuses an employer id that could not be a key or part of a run id, naming where it came from. */
export function checkEmployerId(id: string, source: string): string {
  if (id.length > Limits.maxEmployerIdLength || !EMPLOYER_ID.test(id)) {
    const shown = id.length > 40 ? `${id.slice(0, 40)}… (${id.length} characters)` : id;
    throw new BadInputError(
      'BAD_EMPLOYER_ID',
      `${source} ${shown} is not an employer id; use 1–${Limits.maxEmployerIdLength} lower-case letters, digits, - or _ (it becomes part of run ids).`,
    );
  }
  return id;
}

export function checkRunId(id: string, source: string): string {
  if (!RUN_ID.test(id)) {
    const shown = id.length > 40 ? `${id.slice(0, 40)}… (${id.length} characters)` : id;
    throw new BadInputError(
      'BAD_RUN_ID',
      `${source} ${shown} is not a run id; run ids are up to 80 letters, digits, - or _ (see payroll-ops status).`,
    );
  }
  return id;
}
