/**
 * The employee id the roster accepts (src/core/limits.ts): 1 to 64 letters, digits, '_' or '-'.
 * Files that name employees by id (payments, timesheets) check against the same rule so that a
 * typo is caught where it was typed, with its row.
 */
import { ID_PATTERN, Limits } from './limits.js';

export const EMPLOYEE_ID_RULE = `1 to ${Limits.maxEmployeeIdLength} letters, digits, '_' or '-', e.g. E00042`;

export function isEmployeeId(text: string): boolean {
  return text.length > 0 && text.length <= Limits.maxEmployeeIdLength && ID_PATTERN.test(text);
}
