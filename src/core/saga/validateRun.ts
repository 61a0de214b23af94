/**
 * Before a run starts, the pay engine runs over the stored roster exactly as the saga will: bad
 * input (no employees in the period, an hourly employee without hours) fails here, before any
 * lock or record is written, whether the run was asked for by the CLI or the off-cycle API.
 */
import { BadInputError } from '../errors.js';
import { checkEmployerId } from '../limits.js';
import { type PayRunPreview, previewPayRun } from '../payroll/previewPayRun.js';
import type { PayPeriod } from '../period.js';
import type { RosterStore, YtdLedger } from '../ports.js';
import { type Employee, PayType, type Timesheet } from '../roster.js';
import { ytdBeforeRun } from '../ytd.js';

export interface RunValidationInput {
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
}

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

/** The employees a run of `period` pays, in id order; none is bad input naming the fix. */
export function employeesInPeriod(
  employees: readonly Employee[],
  employerId: string,
  period: PayPeriod,
): Employee[] {
  const inScope = employees
    .filter((employee) => employee.payFrequency === period.frequency)
    .sort((a, b) => (a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0));
  if (inScope.length === 0) {
    throw new BadInputError(
      'NO_EMPLOYEES_IN_PERIOD',
      `--period ${period.id}: employer ${employerId} has no ${period.frequency} employees; import a roster or pick a period of their pay frequency.`,
    );
  }
  return inScope;
}

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
  const inScope = employeesInPeriod(employees, input.employerId, input.period);
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
    // The same rule as OpenRun: the year's opening balance plus every run applied to the year.
    ytdFor: (id) => ytdBeforeRun(byId.get(id) as Employee, input.period.taxYear, ytd.get(id)),
  });
}
