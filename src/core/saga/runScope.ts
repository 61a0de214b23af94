/**
 * Who a run pays and with what — the same answer when `run` checks a request and when OpenRun
 * freezes it. A regular run pays every employee of the period's pay frequency (hourly ones for
 * the hours given). An off-cycle run pays exactly what it is given: the listed supplemental
 * payments, or the listed hours owed to hourly employees; no one else gets a payslip or an ACH
 * entry.
 */
import { BadInputError } from '../errors.js';
import type { OffCyclePayment } from '../offCyclePayments.js';
import type { PayPeriod } from '../period.js';
import { type Employee, PayType, type Timesheet, type YtdBalances } from '../roster.js';
import { type YtdEntry, ytdBeforeRun } from '../ytd.js';
import { type EmployeeSnapshot, OffCycleBasis, RunType } from './records.js';

export interface RunInputs {
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
  readonly payments?: ReadonlyMap<string, readonly OffCyclePayment[]>;
}

export interface RunShape {
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly runType: RunType;
  readonly basis?: OffCycleBasis;
}

const byId = (a: Employee, b: Employee) =>
  a.employeeId < b.employeeId ? -1 : a.employeeId > b.employeeId ? 1 : 0;

/** The basis an off-cycle run takes from its inputs; none, or both, is bad input naming the fix. */
export function offCycleBasis(inputs: {
  readonly timesheets?: unknown;
  readonly payments?: unknown;
}): OffCycleBasis {
  if (inputs.payments !== undefined && inputs.timesheets !== undefined) {
    throw new BadInputError(
      'OFF_CYCLE_ONE_BASIS',
      '--off-cycle takes --payments FILE or --timesheet FILE, not both; make one run for each.',
    );
  }
  if (inputs.payments !== undefined) return OffCycleBasis.Payments;
  if (inputs.timesheets !== undefined) return OffCycleBasis.Hours;
  throw new BadInputError(
    'OFF_CYCLE_NEEDS_INPUT',
    '--off-cycle pays exactly what it is given: pass --payments FILE (employee_id,amount,kind) or --timesheet FILE (hours owed).',
  );
}

/** Where a roster came from, as messages name it: a file given to `preview`, or an employer's store. */
export interface RosterSource {
  /** `roster.csv`, `employer acme's roster` */
  readonly name: string;
  /** What to do about an empty one. */
  readonly emptyFix: string;
}

export function employerRoster(employerId: string): RosterSource {
  return {
    name: `employer ${employerId}'s roster`,
    emptyFix: `import one with payroll-ops employees import FILE --employer ${employerId}`,
  };
}

/** The employees a regular run of `period` pays, in id order; none is bad input naming the fix. */
export function employeesInPeriod(
  employees: readonly Employee[],
  source: RosterSource,
  period: PayPeriod,
): Employee[] {
  const inScope = employees.filter((employee) => employee.payFrequency === period.frequency).sort(byId);
  if (inScope.length === 0) {
    const paid = [...new Set(employees.map((employee) => employee.payFrequency))];
    const problem =
      paid.length === 0
        ? `${source.name} lists no employees; ${source.emptyFix}`
        : `no employee in ${source.name} is paid ${period.frequency} (it pays ${paid.join(', ')}); give a ${paid[0]} period to --period`;
    throw new BadInputError('NO_EMPLOYEES_IN_PERIOD', `--period ${period.id}: ${problem}.`, {
      details: { flag: '--period' },
    });
  }
  return inScope;
}

function listed(
  roster: ReadonlyMap<string, Employee>,
  ids: Iterable<string>,
  flag: string,
  employerId: string,
): Employee[] {
  const employees: Employee[] = [];
  for (const id of ids) {
    const employee = roster.get(id);
    if (!employee) {
      throw new BadInputError(
        'UNKNOWN_EMPLOYEE',
        `${flag}: ${id} is not on employer ${employerId}'s roster; check the id or import the employee first.`,
      );
    }
    employees.push(employee);
  }
  if (employees.length === 0) {
    throw new BadInputError(
      'NOTHING_TO_PAY',
      `${flag}: the file lists no one; an off-cycle run pays only who is listed.`,
    );
  }
  return employees.sort(byId);
}

/**
 * Each employee the run pays, with the balances it computes against and what it pays them: the
 * frozen members of the run's chunks. Bad input (an unknown or salaried employee in hours owed,
 * an hourly employee without hours) is refused naming the employee and the fix.
 */
export function runMembers(
  run: RunShape,
  roster: readonly Employee[],
  ytd: ReadonlyMap<string, YtdEntry>,
  inputs: RunInputs,
  source: RosterSource = employerRoster(run.employerId),
): EmployeeSnapshot[] {
  const ytdBefore = (employee: Employee): YtdBalances =>
    ytdBeforeRun(employee, run.period.taxYear, ytd.get(employee.employeeId));
  const timesheets = inputs.timesheets ?? new Map<string, Timesheet>();
  if (run.runType === RunType.OffCycle && run.basis === OffCycleBasis.Payments) {
    const payments = inputs.payments ?? new Map<string, readonly OffCyclePayment[]>();
    const employees = listed(
      new Map(roster.map((e) => [e.employeeId, e])),
      payments.keys(),
      '--payments',
      run.employerId,
    );
    return employees.map((employee) => ({
      employee,
      ytdBefore: ytdBefore(employee),
      payments: payments.get(employee.employeeId) ?? [],
    }));
  }
  const employees =
    run.runType === RunType.OffCycle
      ? listed(
          new Map(roster.map((e) => [e.employeeId, e])),
          timesheets.keys(),
          '--timesheet',
          run.employerId,
        )
      : employeesInPeriod(roster, source, run.period);
  if (run.runType === RunType.Regular && inputs.timesheets === undefined) {
    const hourly = employees.filter((employee) => employee.payType === PayType.Hourly);
    if (hourly.length > 0) {
      throw new BadInputError(
        'TIMESHEET_REQUIRED',
        `--timesheet is required: ${hourly.length} hourly employee${hourly.length === 1 ? ' is' : 's are'} paid in period ${run.period.id} (${hourly[0]!.employeeId} first); pass --timesheet FILE with their hours.`,
        { details: { flag: '--timesheet' } },
      );
    }
  }
  return employees.map((employee) => {
    const hours = timesheets.get(employee.employeeId);
    if (run.runType === RunType.OffCycle && employee.payType !== PayType.Hourly) {
      throw new BadInputError(
        'NOT_HOURLY',
        `--timesheet: ${employee.employeeId} (${employee.name}) is salaried, so hours owed cannot be paid; pay the difference with --payments (kind retro or correction).`,
      );
    }
    if (run.runType === RunType.OffCycle && employee.payFrequency !== run.period.frequency) {
      throw new BadInputError(
        'PAY_FREQUENCY_MISMATCH',
        `--timesheet: ${employee.employeeId} is paid ${employee.payFrequency}, not in the ${run.period.frequency} period ${run.period.id}; pick a period of their frequency.`,
      );
    }
    if (employee.payType === PayType.Hourly && !hours) {
      throw new BadInputError(
        'HOURS_MISSING',
        `--timesheet: hourly employee ${employee.employeeId} (${employee.name}) has no hours for period ${run.period.id}; add a timesheet row for ${employee.employeeId} (0 hours if they did not work).`,
        { details: { employeeId: employee.employeeId, period: run.period.id } },
      );
    }
    return hours
      ? { employee, ytdBefore: ytdBefore(employee), hours }
      : { employee, ytdBefore: ytdBefore(employee) };
  });
}
