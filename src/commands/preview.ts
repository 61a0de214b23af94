/**
 * `payroll-ops preview`: computes a pay run from a roster (and a timesheet for hourly staff)
 * exactly as a run would, and prints it. Reads local files only; touches no backend.
 */
import type { Command } from 'commander';
import { BadInputError } from '../core/errors.js';
import { parsePeriod } from '../core/periodParser.js';
import type { Employee, Timesheet } from '../core/roster.js';
import { parseRoster } from '../core/rosterParser.js';
import { type PayRunPreview, previewRoster } from '../core/saga/preview.js';
import { parseTimesheet } from '../core/timesheetParser.js';
import { contextFor } from './context.js';
import { previewJson, renderPreviewTable } from './io/previewRenderer.js';
import { readInputFile } from './readInputFile.js';

export interface PreviewOptions {
  readonly roster: string;
  readonly timesheet?: string;
  readonly period: string;
  readonly payDate?: string;
}

/** The command's one core action: files in, preview out. Throws BadInputError on any bad input. */
export function runPreview(options: PreviewOptions): PayRunPreview {
  // The period is checked first: it is the cheapest input to get wrong and to report.
  const period = parsePeriod(options.period, { payDate: options.payDate });
  const employees = parseRoster(readInputFile('--roster', options.roster), options.roster);
  let timesheets: Map<string, Timesheet> | undefined;
  if (options.timesheet !== undefined) {
    timesheets = parseTimesheet(readInputFile('--timesheet', options.timesheet), options.timesheet);
    checkTimesheetIds(timesheets, employees, options);
  }
  // The same members and payslip rule as a run of the stored roster (src/core/saga/preview.ts).
  return previewRoster({
    employees,
    period,
    ...(timesheets ? { timesheets } : {}),
    source: { name: options.roster, emptyFix: 'add employee rows below the header' },
  });
}

/** A timesheet row for someone not on the roster is almost always a mistyped id. */
function checkTimesheetIds(
  timesheets: ReadonlyMap<string, Timesheet>,
  employees: readonly Employee[],
  options: PreviewOptions,
): void {
  const known = new Set(employees.map((employee) => employee.employeeId));
  for (const employeeId of timesheets.keys()) {
    if (!known.has(employeeId)) {
      throw new BadInputError(
        'TIMESHEET_UNKNOWN_EMPLOYEE',
        `${options.timesheet}: employee ${employeeId} is not in ${options.roster}; correct the employee_id or remove the row.`,
        { details: { file: options.timesheet, employeeId } },
      );
    }
  }
}

export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description('compute a pay run from a roster CSV and show every payslip; touches no backend')
    .requiredOption('--roster <file>', 'roster CSV (see examples/roster.csv)')
    .option('--timesheet <file>', 'timesheet CSV with hours for hourly employees')
    .requiredOption(
      '--period <period>',
      'pay period: YYYY-MM (monthly), YYYY-MM-1|YYYY-MM-2 (semimonthly), YYYY-Www (ISO week) or START..END',
    )
    .option('--pay-date <date>', 'pay date, YYYY-MM-DD (default: the last day of the period)')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops preview --roster examples/roster.csv --period 2026-03
  $ payroll-ops preview --roster examples/hourly-roster.csv --timesheet examples/hourly-timesheet.csv \\
      --period 2026-03-02..2026-03-15 --pay-date 2026-03-20
  $ payroll-ops --output json preview --roster examples/roster.csv --period 2026-03`,
    )
    .action((raw: Record<string, string | undefined>, command: Command) => {
      const { io } = contextFor(command);
      const preview = runPreview({
        roster: raw.roster!,
        timesheet: raw.timesheet,
        period: raw.period!,
        payDate: raw.payDate,
      });
      if (io.json) io.dataJson(previewJson(preview));
      else io.data(renderPreviewTable(preview));
    });
}
