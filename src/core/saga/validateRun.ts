/**
 * Before a run starts, the pay engine runs over the stored roster exactly as the saga will: bad
 * input (no employees in the period, an hourly employee without hours) fails here, before any
 * lock or record is written, whether the run was asked for by the CLI or the off-cycle API.
 */
import { BadInputError } from '../errors.js';
import { type PayRunPreview, previewPayRun } from '../payroll/previewPayRun.js';
import type { PayPeriod } from '../period.js';
import type { RosterStore } from '../ports.js';
import { type Employee, PayType, type Timesheet } from '../roster.js';

export interface RunValidationInput {
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
}

export async function employerMustExist(
  roster: Pick<RosterStore, 'getEmployer'>,
  employerId: string,
): Promise<void> {
  if (!(await roster.getEmployer(employerId))) {
    throw new BadInputError(
      'EMPLOYER_NOT_FOUND',
      `Employer ${employerId} is not set up; run payroll-ops employer set ${employerId} --name ... first (or pass --employer).`,
    );
  }
}

export async function validateRun(
  roster: Pick<RosterStore, 'getEmployer' | 'listEmployees' | 'getYtd'>,
  input: RunValidationInput,
): Promise<PayRunPreview> {
  await employerMustExist(roster, input.employerId);
  const [employees, ytd] = await Promise.all([
    roster.listEmployees(input.employerId),
    roster.getYtd(input.employerId, input.period.taxYear),
  ]);
  const inScope = employees.filter((e) => e.payFrequency === input.period.frequency);
  if (inScope.length === 0) {
    throw new BadInputError(
      'NO_EMPLOYEES_IN_PERIOD',
      `--period ${input.period.id}: employer ${input.employerId} has no ${input.period.frequency} employees; import a roster or pick a period of their pay frequency.`,
    );
  }
  const hourlyWithout = inScope.find(
    (e) => e.payType === PayType.Hourly && !input.timesheets?.has(e.employeeId),
  );
  if (hourlyWithout) {
    throw new BadInputError(
      'TIMESHEET_REQUIRED',
      `--timesheet: hourly employee ${hourlyWithout.employeeId} (${hourlyWithout.name}) has no hours for ${input.period.id}; pass --timesheet FILE with their hours.`,
    );
  }
  const byId = new Map(inScope.map((e) => [e.employeeId, e]));
  return previewPayRun({
    employees: inScope,
    period: input.period,
    ...(input.timesheets ? { timesheets: input.timesheets } : {}),
    // The same rule as OpenRun: balances from completed runs, else the roster's opening balances.
    ytdFor: (id) => ytd.get(id) ?? (byId.get(id) as Employee).openingYtd,
  });
}
