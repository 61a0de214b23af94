import { BadInputError } from './errors.js';

/**
 * Money is an integer number of cents. Plain numbers keep the hot paths fast; every constructor
 * here guarantees an integer, and amounts stay far below 2^53 cents (90 trillion dollars).
 */
export type Cents = number & { readonly __brand: 'Cents' };

export const ZERO = 0 as Cents;

export function cents(value: number): Cents {
  if (!Number.isSafeInteger(value)) {
    throw new BadInputError('MONEY_NOT_INTEGER', `Amount ${value} is not a whole number of cents.`);
  }
  return value as Cents;
}

const DECIMAL = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parses a plain non-negative decimal with at most two places ("1234.5", "1234.56", "0").
 * Returns undefined when the text is not such a decimal; callers name the field in their error.
 */
export function parseCents(text: string): Cents | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = match[2] === undefined ? 0 : Number(match[2].padEnd(2, '0'));
  return (whole * 100 + fraction) as Cents;
}

/** Formats cents as a plain decimal with two places: 123456 → "1234.56", -5 → "-0.05". */
export function formatCents(amount: number): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const whole = Math.trunc(abs / 100);
  const fraction = abs % 100;
  return `${negative ? '-' : ''}${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/** Formats with thousands separators for tables: 123456789 → "1,234,567.89". */
export function formatCentsGrouped(amount: number): string {
  const plain = formatCents(amount);
  const [whole = '', fraction = ''] = plain.split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction}`;
}

/**
 * Divides an integer numerator by a positive integer denominator, rounding half up (away from
 * zero for the positive amounts payroll deals in). Uses BigInt when the product could lose
 * precision, so the result is exact for any inputs.
 */
export function divideHalfUp(numerator: number, denominator: number): number {
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  if (Math.abs(numerator) * 2 + denominator < Number.MAX_SAFE_INTEGER) {
    const sign = numerator < 0 ? -1 : 1;
    const q = Math.floor((Math.abs(numerator) * 2 + denominator) / (2 * denominator));
    return sign * q;
  }
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const sign = n < 0n ? -1n : 1n;
  const abs = n < 0n ? -n : n;
  return Number(sign * ((abs * 2n + d) / (2n * d)));
}

/** amount × numerator / denominator, rounded to the cent half up (e.g. a rate of 6.2% = 62/1000). */
export function applyRate(amount: Cents, numerator: number, denominator: number): Cents {
  if (Math.abs(amount) * numerator < Number.MAX_SAFE_INTEGER) {
    return divideHalfUp(amount * numerator, denominator) as Cents;
  }
  const product = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  return Number((product * 2n + d) / (2n * d)) as Cents;
}

export function sumCents(values: Iterable<number>): Cents {
  let total = 0;
  for (const value of values) total += value;
  return total as Cents;
}
