/**
 * US Federal Reserve banking days: Monday to Friday except the Fed's holidays. The holidays are
 * computed by rule for any year. A holiday on a Sunday is observed the following Monday; one on a
 * Saturday is not moved (the Fed stays open on the Friday before), which differs from the federal
 * government's own rule. Dates are ISO `YYYY-MM-DD` strings; all arithmetic is in UTC days, so
 * the host's time zone can never shift a date.
 */
import { BadInputError } from './errors.js';
import type { IsoDate } from './period.js';

/** NACHA: a reversal must be available to the receiving bank within five banking days of settlement. */
export const REVERSAL_WINDOW_BANKING_DAYS = 5;

export interface FedHoliday {
  /** The date the Fed is closed (the observed date). */
  readonly date: IsoDate;
  readonly name: string;
}

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;
/** Juneteenth became a federal holiday in June 2021; the Fed first closed for it in 2022. */
const JUNETEENTH_FIRST_YEAR = 2022;

export function isBankingDay(date: IsoDate): boolean {
  return isBankingDayNumber(toDayNumber(date));
}

/**
 * The date n banking days after `date` (before it when n is negative). The start date itself is
 * not counted, so adding 1 to a Friday gives the next Monday (or Tuesday after a Monday holiday).
 */
export function addBankingDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) {
    throw new BadInputError(
      'BANKING_DAYS_INVALID',
      `A number of banking days must be a whole number, got ${n}.`,
    );
  }
  let day = toDayNumber(date);
  const step = n < 0 ? -1 : 1;
  let remaining = Math.abs(n);
  while (remaining > 0) {
    day += step;
    if (isBankingDayNumber(day)) remaining--;
  }
  return fromDayNumber(day);
}

/**
 * Banking days after `a` up to and including `b` (negative when `b` is before `a`), so that
 * `bankingDaysBetween(a, addBankingDays(a, n)) === n` whenever `a` is a banking day.
 */
export function bankingDaysBetween(a: IsoDate, b: IsoDate): number {
  const from = toDayNumber(a);
  const to = toDayNumber(b);
  const [low, high, sign] = from <= to ? [from, to, 1] : [to, from, -1];
  let count = 0;
  for (let day = low + 1; day <= high; day++) if (isBankingDayNumber(day)) count++;
  return sign * count;
}

/** The date n calendar days after `date` (before it when n is negative). */
export function addCalendarDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) {
    throw new BadInputError('DAYS_INVALID', `A number of days must be a whole number, got ${n}.`);
  }
  return fromDayNumber(toDayNumber(date) + n);
}

/** Calendar days from `a` to `b`: 1 from a day to the next, negative when `b` is before `a`. */
export function calendarDaysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(b) - toDayNumber(a);
}

/** ISO weekday of a date: Monday = 1 … Sunday = 7. */
export function isoWeekday(date: IsoDate): number {
  return weekdayOf(toDayNumber(date)) || 7;
}

/** `date` itself when it is a banking day, otherwise the last banking day before it. */
export function bankingDayOnOrBefore(date: IsoDate): IsoDate {
  return isBankingDay(date) ? date : addBankingDays(date, -1);
}

/** `date` itself when it is a banking day, otherwise the first banking day after it. */
export function bankingDayOnOrAfter(date: IsoDate): IsoDate {
  return isBankingDay(date) ? date : addBankingDays(date, 1);
}

/** The last day a reversal may reach the receiving bank: the fifth banking day after settlement. */
export function reversalDeadline(settlementDate: IsoDate): IsoDate {
  return addBankingDays(settlementDate, REVERSAL_WINDOW_BANKING_DAYS);
}

/**
 * Whether an ACH credit that settled on `settlementDate` can still be reversed through ACH on
 * `today`: true up to and including the deadline day (a reversal sent that day can still be made
 * available that day with same-day ACH), false afterwards, when only manual recovery remains.
 */
export function isReversible(settlementDate: IsoDate, today: IsoDate): boolean {
  return toDayNumber(today) <= toDayNumber(reversalDeadline(settlementDate));
}

/** The Fed's holidays of a year, at their observed dates, in calendar order. */
export function fedHolidays(year: number): readonly FedHoliday[] {
  if (!Number.isSafeInteger(year) || year < 1 || year > 9999) {
    throw new BadInputError('YEAR_INVALID', `Year ${year} is outside 1–9999.`);
  }
  const holidays: [number, string][] = [
    [observed(dayNumber(year, 1, 1)), "New Year's Day"],
    [nthWeekday(year, 1, MONDAY, 3), 'Birthday of Martin Luther King, Jr.'],
    [nthWeekday(year, 2, MONDAY, 3), "Washington's Birthday"],
    [lastWeekday(year, 5, MONDAY), 'Memorial Day'],
  ];
  if (year >= JUNETEENTH_FIRST_YEAR) {
    holidays.push([observed(dayNumber(year, 6, 19)), 'Juneteenth National Independence Day']);
  }
  holidays.push(
    [observed(dayNumber(year, 7, 4)), 'Independence Day'],
    [nthWeekday(year, 9, MONDAY, 1), 'Labor Day'],
    [nthWeekday(year, 10, MONDAY, 2), 'Columbus Day'],
    [observed(dayNumber(year, 11, 11)), 'Veterans Day'],
    [nthWeekday(year, 11, THURSDAY, 4), 'Thanksgiving Day'],
    [observed(dayNumber(year, 12, 25)), 'Christmas Day'],
  );
  return holidays.map(([day, name]) => ({ date: fromDayNumber(day), name }));
}

const holidayCache = new Map<number, ReadonlySet<number>>();

function holidayDays(year: number): ReadonlySet<number> {
  let days = holidayCache.get(year);
  if (!days) {
    days = new Set(fedHolidays(year).map((holiday) => toDayNumber(holiday.date)));
    holidayCache.set(year, days);
  }
  return days;
}

function isBankingDayNumber(day: number): boolean {
  const weekday = weekdayOf(day);
  if (weekday === SATURDAY || weekday === SUNDAY) return false;
  return !holidayDays(new Date(day * MS_PER_DAY).getUTCFullYear()).has(day);
}

/** Sunday holidays move to Monday; Saturday ones stay put (the Fed does not close the Friday). */
function observed(day: number): number {
  return weekdayOf(day) === SUNDAY ? day + 1 : day;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  const first = dayNumber(year, month, 1);
  const offset = (weekday - weekdayOf(first) + 7) % 7;
  return first + offset + (n - 1) * 7;
}

function lastWeekday(year: number, month: number, weekday: number): number {
  const last = dayNumber(year, month + 1, 1) - 1;
  const offset = (weekdayOf(last) - weekday + 7) % 7;
  return last - offset;
}

function weekdayOf(day: number): number {
  // Day 0 (1970-01-01) was a Thursday.
  return (((day + THURSDAY) % 7) + 7) % 7;
}

function dayNumber(year: number, month: number, day: number): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not (and rolls month 13 into January).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / MS_PER_DAY);
}

function toDayNumber(date: IsoDate): number {
  const match = ISO_DATE.exec(date);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const day = Number(match[3]);
    const number = dayNumber(year, month, day);
    // Rejects 2025-02-30 and the like, which Date would silently roll over.
    if (month >= 1 && month <= 12 && day >= 1 && fromDayNumber(number) === date) return number;
  }
  throw new BadInputError('DATE_INVALID', `"${date}" is not a calendar date in the form YYYY-MM-DD.`);
}

function fromDayNumber(day: number): IsoDate {
  const date = new Date(day * MS_PER_DAY);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dayOfMonth = String(date.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${dayOfMonth}`;
}

/** True when `date` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(date: string): boolean {
  try {
    toDayNumber(date);
    return true;
  } catch {
    return false;
  }
}
