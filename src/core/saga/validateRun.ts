/**
 * Before a run starts, the pay engine runs over the stored roster exactly as the saga will: bad
 * input (no employees in the period, an hourly employee without hours) fails here, before any
 * lock or record is written, whether the run was asked for by the CLI or the off-cycle API.
 */
import { BadInputError } from '../errors.js';
import { checkEmployerId } from '../limits.js';
import type { OffCyclePayment } from '../offCyclePayments.js';
import type { RosterStore, YtdLedger } from '../ports.js';
import type { Timesheet } from '../roster.js';
import { type PayRunPreview, previewMembers } from './preview.js';
import { type RunShape, runMembers } from './runScope.js';

export async function employerMustExist(
  roster: Pick<RosterStore, 'getEmployer'>,
  employerId: string,
): Promise<void> {
  // An id that cannot be a key is refused here, before the store sees it.
  checkEmployerId(employerId, 'employer');
  if (!(await roster.getEmployer(employerId))) {
    throw new BadInputError(
      'EMPLOYER_NOT_FOUND',
      `Employer ${employerId} is not set up; run payroll-ops employer set ${employerId} --name ... first (or pass --employer).`,
    );
  }
}

export interface RunValidationInput extends RunShape {
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
  readonly payments?: ReadonlyMap<string, readonly OffCyclePayment[]>;
}

/** What the run will pay, computed exactly as CalculatePay will; bad input fails before any write. */
export async function validateRun(
  ports: {
    readonly roster: Pick<RosterStore, 'getEmployer' | 'listEmployees'>;
    readonly ytd: Pick<YtdLedger, 'entries'>;
  },
  input: RunValidationInput,
): Promise<PayRunPreview> {
  await employerMustExist(ports.roster, input.employerId);
  const [employees, ytd] = await Promise.all([
    ports.roster.listEmployees(input.employerId),
    ports.ytd.entries(input.employerId, input.period.taxYear),
  ]);
  return previewMembers(runMembers(input, employees, ytd, input), input.period);
}
