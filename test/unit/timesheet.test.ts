import { describe, expect, test } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { parseTimesheet } from '../../src/core/timesheetParser.js';

function timesheetError(text: string): string {
  try {
    parseTimesheet(text, 'hours.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as Error).message;
  }
  throw new Error('expected the timesheet to be refused');
}

describe('parseTimesheet', () => {
  test('reads hours as hundredths; an empty overtime cell is no overtime; columns in any order', () => {
    const hours = parseTimesheet(
      'overtime_hours,employee_id,regular_hours\n7.5,H1,80\n,H2,72.25\n0,H3,0\n',
      'hours.csv',
    );
    expect([...hours.values()]).toEqual([
      { employeeId: 'H1', regularHundredths: 8_000, overtimeHundredths: 750 },
      { employeeId: 'H2', regularHundredths: 7_225, overtimeHundredths: 0 },
      { employeeId: 'H3', regularHundredths: 0, overtimeHundredths: 0 },
    ]);
  });

  test('a duplicate employee names both rows', () => {
    expect(timesheetError('employee_id,regular_hours,overtime_hours\nH1,80,0\nH1,8,0\n')).toBe(
      "hours.csv row 3, column employee_id: H1 is already on row 2; give one row per employee with the period's total hours.",
    );
  });

  test('missing regular hours are an error naming the employee', () => {
    expect(timesheetError('employee_id,regular_hours,overtime_hours\nH1,,4\n')).toBe(
      'hours.csv row 2, column regular_hours: empty for H1; give the regular hours worked (0 if none).',
    );
  });

  test('negative or non-numeric hours', () => {
    expect(timesheetError('employee_id,regular_hours,overtime_hours\nH1,80,-2\n')).toBe(
      'hours.csv row 2, column overtime_hours: -2 is negative; hours must be 0 or more.',
    );
    expect(timesheetError('employee_id,regular_hours,overtime_hours\nH1,80h,0\n')).toBe(
      'hours.csv row 2, column regular_hours: 80h is not a number of hours; write a plain decimal with at most two places, e.g. 37.5.',
    );
  });

  test('a huge or unprintable value is shown cut and escaped, in one short line', () => {
    for (const value of [
      '9'.repeat(1_000_000),
      `-${'9'.repeat(1_000_000)}`,
      '"8\nerror: forged"',
      `${'h'.repeat(1_000_000)}`,
    ]) {
      const message = timesheetError(`employee_id,regular_hours,overtime_hours\nH1,${value},0\n`);
      expect(message.length).toBeLessThan(400);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a message must not carry
      expect(message).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
  });

  test('an unknown or missing column', () => {
    expect(timesheetError('employee_id,regular_hours,overtime_hours,notes\nH1,80,0,x\n')).toMatch(
      /^hours\.csv row 1, column notes: unknown column; remove it or rename it to one of: employee_id, regular_hours, overtime_hours\.$/,
    );
    expect(timesheetError('employee_id,regular_hours\nH1,80\n')).toBe(
      'hours.csv row 1: required column overtime_hours missing; add it to the header.',
    );
  });
});
