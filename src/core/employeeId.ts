/**
 * The employee id the roster accepts (rosterParser: up to 32 letters, digits, '.', '_' or '-',
 * starting with a letter or digit). Files that name employees by id (payments, timesheets) check
 * against the same pattern so that a typo is caught where it was typed, with its row.
 */
export const EMPLOYEE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export const EMPLOYEE_ID_RULE = "up to 32 letters, digits, '.', '_' or '-', e.g. E00042";

export function isEmployeeId(text: string): boolean {
  return EMPLOYEE_ID_PATTERN.test(text);
}
