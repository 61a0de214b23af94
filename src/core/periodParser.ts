/**
 * Parses the operator's `--period` (and `--pay-date`) into a PayPeriod. Dates are whole UTC day
 * numbers, so no local timezone or daylight-saving change can move a period boundary.
 */
import { BadInputError } from './errors.js';
import { type IsoDate, PayFrequency, type PayPeriod } from './period.js';
import { shownInput } from './shownInput.js';

export interface ParsePeriodOptions {
  /** `YYYY-MM-DD`; defaults to the period's last day. */
  readonly payDate?: string;
  /** Where the period text came from, for error messages; `--period` unless told. */
  readonly source?: string;
  /** Where the pay date came from, for error messages; `--pay-date` unless told. */
  readonly payDateSource?: string;
}

export const ACCEPTED_PERIOD_FORMS =
  'YYYY-MM (monthly), YYYY-MM-1 or YYYY-MM-2 (semimonthly: 1st-15th, 16th-end), YYYY-Www (ISO week, weekly) ' +
  'or START..END (YYYY-MM-DD dates: 7 days weekly, 14 days biweekly, or exactly a month or half-month)';

const MS_PER_DAY = 86_400_000;
const MONTH = /^(\d{4})-(\d{2})$/;
const SEMIMONTH = /^(\d{4})-(\d{2})-([12])$/;
const ISO_WEEK = /^(\d{4})-W(\d{2})$/;
const RANGE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parsePeriod(text: string, options: ParsePeriodOptions = {}): PayPeriod {
  const flag = options.source ?? '--period';
  const input = text.trim();
  const range = periodRange(input, flag);
  const payDateFlag = options.payDateSource ?? '--pay-date';
  let payDay = range.end;
  if (options.payDate !== undefined) {
    payDay = parseDay(options.payDate.trim(), (problem) =>
      bad(
        'PAY_DATE_INVALID',
        `${payDateFlag} ${shownInput(options.payDate ?? '')}: ${problem}; give the pay date as YYYY-MM-DD.`,
        payDateFlag,
      ),
    );
    if (payDay < range.start) {
      throw bad(
        'PAY_DATE_BEFORE_PERIOD',
        `${payDateFlag} ${shownInput(options.payDate)} is before the period start ${formatDay(range.start)}; ` +
          'pay on or after the first day of the period.',
        payDateFlag,
      );
    }
  }
  const payDate = formatDay(payDay);
  return {
    id: range.id,
    start: formatDay(range.start),
    end: formatDay(range.end),
    frequency: range.frequency,
    payDate,
    taxYear: Number(payDate.slice(0, 4)),
  };
}

interface DayRange {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly frequency: PayFrequency;
}

function periodRange(input: string, flag: string): DayRange {
  const invalid = (problem: string) =>
    bad('PERIOD_INVALID', `${flag} ${shownInput(input)}: ${problem}; use ${ACCEPTED_PERIOD_FORMS}.`, flag);

  let match = MONTH.exec(input);
  if (match) {
    const year = checkYear(Number(match[1]), invalid);
    const month = checkMonth(Number(match[2]), invalid);
    return monthRange(year, month);
  }
  match = SEMIMONTH.exec(input);
  if (match) {
    const year = checkYear(Number(match[1]), invalid);
    const month = checkMonth(Number(match[2]), invalid);
    return semimonthRange(year, month, match[3] === '1' ? 1 : 2);
  }
  match = ISO_WEEK.exec(input);
  if (match) {
    const year = checkYear(Number(match[1]), invalid);
    const week = Number(match[2]);
    const weeks = isoWeeksInYear(year);
    if (week < 1 || week > weeks) throw invalid(`${year} has ISO weeks W01 to W${weeks}`);
    return isoWeekRange(year, week);
  }
  match = RANGE.exec(input);
  if (match) {
    const start = parseDay(match[1]!, invalid);
    const end = parseDay(match[2]!, invalid);
    if (end < start) throw invalid('the end date is before the start date');
    return canonicalRange(start, end, invalid);
  }
  throw invalid('not a pay period');
}

/**
 * A START..END range becomes the frequency its length implies (7 days weekly, 14 biweekly), or
 * the form it exactly covers (a month or half-month). A range equal to a named form takes that
 * form's id, so the same period always has the same id (pay runs are named after it). The day
 * count is checked first: a 14-day second half of a leap February counts as biweekly.
 */
function canonicalRange(start: number, end: number, invalid: (problem: string) => BadInputError): DayRange {
  const days = end - start + 1;
  if (days === 7) {
    if (weekdayIndex(start) === 0) {
      const { year, week } = isoWeekOf(start);
      return isoWeekRange(year, week);
    }
    return { id: `${formatDay(start)}..${formatDay(end)}`, start, end, frequency: PayFrequency.Weekly };
  }
  if (days === 14) {
    return { id: `${formatDay(start)}..${formatDay(end)}`, start, end, frequency: PayFrequency.Biweekly };
  }
  const { year, month, day } = civilOf(start);
  for (const candidate of [monthRange(year, month), semimonthRange(year, month, day === 1 ? 1 : 2)]) {
    if (candidate.start === start && candidate.end === end) return candidate;
  }
  throw invalid(`the range spans ${days} days, which is neither a week, two weeks, a month nor a half-month`);
}

function monthRange(year: number, month: number): DayRange {
  return {
    id: `${year}-${pad2(month)}`,
    start: dayNumber(year, month, 1),
    end: dayNumber(year, month, daysInMonth(year, month)),
    frequency: PayFrequency.Monthly,
  };
}

function semimonthRange(year: number, month: number, half: 1 | 2): DayRange {
  return {
    id: `${year}-${pad2(month)}-${half}`,
    start: dayNumber(year, month, half === 1 ? 1 : 16),
    end: dayNumber(year, month, half === 1 ? 15 : daysInMonth(year, month)),
    frequency: PayFrequency.Semimonthly,
  };
}

function isoWeekRange(year: number, week: number): DayRange {
  const start = mondayOfWeekOne(year) + (week - 1) * 7;
  return { id: `${year}-W${pad2(week)}`, start, end: start + 6, frequency: PayFrequency.Weekly };
}

function checkYear(year: number, invalid: (problem: string) => BadInputError): number {
  // Two-digit years would be read as 19xx by Date.UTC; no payroll runs before 1000 anyway.
  if (year < 1000) throw invalid(`year ${year} is out of range`);
  return year;
}

function checkMonth(month: number, invalid: (problem: string) => BadInputError): number {
  if (month < 1 || month > 12) throw invalid(`month ${month} does not exist`);
  return month;
}

/** Parses `YYYY-MM-DD` into a UTC day number, reporting an impossible date through `invalid`. */
function parseDay(text: string, invalid: (problem: string) => BadInputError): number {
  const match = DATE.exec(text);
  if (!match) throw invalid(`${shownInput(text)} is not a date in the form YYYY-MM-DD`);
  const year = checkYear(Number(match[1]), invalid);
  const month = checkMonth(Number(match[2]), invalid);
  const day = Number(match[3]);
  const last = daysInMonth(year, month);
  if (day < 1 || day > last)
    throw invalid(`${text} does not exist (${year}-${pad2(month)} has ${last} days)`);
  return dayNumber(year, month, day);
}

function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function civilOf(day: number): { year: number; month: number; day: number } {
  const date = new Date(day * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Monday = 0 … Sunday = 6 (ISO order). */
function weekdayIndex(day: number): number {
  return (new Date(day * MS_PER_DAY).getUTCDay() + 6) % 7;
}

/** ISO 8601: week 1 is the week holding 4 January; weeks start on Monday. */
function mondayOfWeekOne(year: number): number {
  const jan4 = dayNumber(year, 1, 4);
  return jan4 - weekdayIndex(jan4);
}

function isoWeeksInYear(year: number): number {
  return (mondayOfWeekOne(year + 1) - mondayOfWeekOne(year)) / 7;
}

function isoWeekOf(day: number): { year: number; week: number } {
  // The ISO year of a week is the calendar year of its Thursday.
  const thursday = day - weekdayIndex(day) + 3;
  const year = civilOf(thursday).year;
  return { year, week: Math.floor((thursday - mondayOfWeekOne(year)) / 7) + 1 };
}

function formatDay(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function bad(code: string, message: string, flag: string): BadInputError {
  return new BadInputError(code, message, { details: { flag } });
}
