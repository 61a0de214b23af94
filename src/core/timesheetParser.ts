/**
 * Timesheet CSV → hours per employee for one period. Columns: employee_id, regular_hours,
 * overtime_hours (any order); hours are decimals with at most two places, kept in hundredths.
 * An empty overtime cell means none; regular hours must be written (0 when none), so a row that
 * was never filled in is caught rather than paid as zero.
 */
import { parseCsvRecords } from './csvRecords.js';
import { EMPLOYEE_ID_RULE, isEmployeeId } from './employeeId.js';
import { BadInputError } from './errors.js';
import { AmountLimits } from './limits.js';
import { parseCents } from './money.js';
import type { Timesheet } from './roster.js';
import { shownInput } from './shownInput.js';

export const TIMESHEET_COLUMNS = {
  required: ['employee_id', 'regular_hours', 'overtime_hours'],
  optional: [],
} as const;

export function parseTimesheet(csvText: string, file: string): Map<string, Timesheet> {
  const byEmployee = new Map<string, Timesheet>();
  const recordOf = new Map<string, number>();
  parseCsvRecords(csvText, file, TIMESHEET_COLUMNS, (cells) => {
    const employeeId = cells.text('employee_id');
    if (employeeId === '') throw cells.error('employee_id', 'empty; give the employee id.', 'MISSING_VALUE');
    const earlier = recordOf.get(employeeId);
    if (earlier !== undefined) {
      throw cells.error(
        'employee_id',
        `${employeeId} is already on row ${cells.rowOf(earlier)}; give one row per employee with the period's total hours.`,
        'DUPLICATE_EMPLOYEE',
      );
    }
    const regular = cells.hundredths('regular_hours', 'hours', AmountLimits.periodHundredths);
    if (regular === undefined) {
      throw cells.error(
        'regular_hours',
        `empty for ${employeeId}; give the regular hours worked (0 if none).`,
        'MISSING_HOURS',
      );
    }
    const overtime = cells.hundredths('overtime_hours', 'hours', AmountLimits.periodHundredths) ?? 0;
    if (regular + overtime > AmountLimits.periodHundredths) {
      throw cells.error(
        'overtime_hours',
        `regular and overtime hours add up to more than ${AmountLimits.periodHundredths / 100} in one period; check ${employeeId}'s hours.`,
        'HOURS_TOO_LARGE',
      );
    }
    const timesheet: Timesheet = { employeeId, regularHundredths: regular, overtimeHundredths: overtime };
    recordOf.set(employeeId, cells.record);
    byEmployee.set(employeeId, timesheet);
    return undefined;
  });
  return byEmployee;
}

const TIMESHEET_FIELDS = ['employeeId', 'regularHours', 'overtimeHours'] as const;

function hoursFrom(value: unknown, where: string, required: boolean): number {
  if (value === undefined && !required) return 0;
  // A JSON number counts when its shortest decimal form has at most two places (37.5, 40).
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  const hundredths = typeof text === 'string' ? parseCents(text.trim()) : undefined;
  if (hundredths === undefined) {
    throw new BadInputError(
      'BAD_HOURS',
      `${where}: ${shownInput(JSON.stringify(value) ?? 'nothing')} is not a number of hours; give a decimal with at most two places, e.g. "37.5".`,
    );
  }
  if (hundredths > AmountLimits.periodHundredths) {
    throw new BadInputError(
      'HOURS_TOO_LARGE',
      `${where}: ${text} is more than ${AmountLimits.periodHundredths / 100} hours in one period; check the hours.`,
    );
  }
  return hundredths;
}

/**
 * The HTTP API's hours owed, `[{ "employeeId", "regularHours", "overtimeHours" }]`, validated into
 * the same timesheets as the CSV, one line per problem naming the entry and field.
 */
export function validateTimesheetRows(value: unknown, source = 'timesheet'): Map<string, Timesheet> {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadInputError(
      'BAD_TIMESHEET',
      `${source}: give a non-empty list of { "employeeId", "regularHours", "overtimeHours" } objects.`,
    );
  }
  const byEmployee = new Map<string, Timesheet>();
  value.forEach((entry: unknown, position) => {
    const at = `${source}[${position}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new BadInputError('BAD_TIMESHEET', `${at}: give an object with "employeeId" and "regularHours".`);
    }
    const row = entry as Record<string, unknown>;
    const unknown = Object.keys(row).find((key) => !(TIMESHEET_FIELDS as readonly string[]).includes(key));
    if (unknown !== undefined) {
      throw new BadInputError(
        'BAD_TIMESHEET',
        `${at}: ${shownInput(JSON.stringify(unknown))} is not a field; use ${TIMESHEET_FIELDS.join(', ')}.`,
      );
    }
    const employeeId = row.employeeId;
    if (typeof employeeId !== 'string' || !isEmployeeId(employeeId)) {
      throw new BadInputError(
        'BAD_TIMESHEET',
        `${at}.employeeId: give an employee id of ${EMPLOYEE_ID_RULE}.`,
      );
    }
    if (byEmployee.has(employeeId)) {
      throw new BadInputError(
        'DUPLICATE_EMPLOYEE',
        `${at}.employeeId: ${employeeId} is listed twice; give one row per employee.`,
      );
    }
    const regular = hoursFrom(row.regularHours, `${at}.regularHours`, true);
    const overtime = hoursFrom(row.overtimeHours, `${at}.overtimeHours`, false);
    if (regular + overtime > AmountLimits.periodHundredths) {
      throw new BadInputError(
        'HOURS_TOO_LARGE',
        `${at}: regular and overtime hours add up to more than ${AmountLimits.periodHundredths / 100}.`,
      );
    }
    byEmployee.set(employeeId, { employeeId, regularHundredths: regular, overtimeHundredths: overtime });
  });
  return byEmployee;
}
