/**
 * Timesheet CSV → hours per employee for one period. Columns: employee_id, regular_hours,
 * overtime_hours (any order); hours are decimals with at most two places, kept in hundredths.
 * An empty overtime cell means none; regular hours must be written (0 when none), so a row that
 * was never filled in is caught rather than paid as zero.
 */
import { parseCsvRecords } from './csvRecords.js';
import { AmountLimits } from './limits.js';
import type { Timesheet } from './roster.js';

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
