/**
 * ABA routing transit numbers: nine digits whose ninth is a check digit. With weights 3, 7, 1
 * repeated over all nine digits the weighted sum is a multiple of 10. Shared by roster parsing
 * and the NACHA file builder, so a bad routing number is caught before any money moves.
 */

import { BadInputError } from './errors.js';

const WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7, 1] as const;
const ZERO = 48;

/**
 * The first two digits of a routing number a payroll can credit: 01–12 (Federal Reserve
 * districts), 21–32 (thrift institutions), 61–72 (electronic transactions), 80 (traveler's
 * cheques). 00 (U.S. government) and every other prefix are not assigned to receiving banks —
 * `000000000` passes the check-digit test and would send money nowhere.
 */
export function hasAssignedPrefix(routing: string): boolean {
  const prefix = Number(routing.slice(0, 2));
  return (
    (prefix >= 1 && prefix <= 12) ||
    (prefix >= 21 && prefix <= 32) ||
    (prefix >= 61 && prefix <= 72) ||
    prefix === 80
  );
}

/** True when `routing` is nine ASCII digits with an assigned prefix and a valid ABA check digit. */
export function validateRouting(routing: string): boolean {
  if (routing.length !== 9 || !hasAssignedPrefix(routing)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const digit = routing.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return false;
    sum += digit * WEIGHTS[i]!;
  }
  return sum % 10 === 0;
}

/** The check digit that completes the first eight digits of a routing number (for generators and tests). */
export function abaCheckDigit(firstEight: string): number {
  if (!/^\d{8}$/.test(firstEight)) {
    throw new BadInputError(
      'ROUTING_PREFIX_INVALID',
      `${firstEight} is not eight digits; a check digit completes eight digits.`,
    );
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (firstEight.charCodeAt(i) - ZERO) * WEIGHTS[i]!;
  return (10 - (sum % 10)) % 10;
}
