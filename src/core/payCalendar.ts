/**
 * The date rules of planned runs. A period's nominal pay date is its last day (as periodParser
 * defines it for every form); a pay date on a weekend or Federal Reserve holiday moves to a
 * banking day by the schedule's rule; the run is due `leadDays` banking days before the pay date,
 * so the ACH credits can settle on it. Periods follow each other without gap or overlap: the
 * next period starts the day after the last one ended.
 */
import {
  addBankingDays,
  addCalendarDays,
  bankingDayOnOrAfter,
  bankingDayOnOrBefore,
  isoWeekday,
} from './bankingDays.js';
import { BadInputError } from './errors.js';
import { type PayDayRule, type PaySchedule, PayDayRule as Rule } from './paySchedule.js';
import type { IsoDate, PayFrequency, PayPeriod } from './period.js';
import { parsePeriod } from './periodParser.js';

/** One planned run: the period, its pay date after the rule, and the day it is due to start. */
export interface ScheduledRun {
  readonly employerId: string;
  /** `payDate` and `taxYear` are the scheduled ones (a December period paid in January is next year's). */
  readonly period: PayPeriod;
  readonly payDate: IsoDate;
  readonly dueOn: IsoDate;
}

/** The period right after `period` in the same calendar, with its nominal pay date (its last day). */
export function periodAfter(period: PayPeriod): PayPeriod {
  const start = addCalendarDays(period.end, 1);
  switch (period.frequency) {
    case 'monthly':
      return parsePeriod(start.slice(0, 7));
    case 'semimonthly':
      // The day after the 15th is the 16th (second half); after a month's end, the 1st.
      return parsePeriod(`${start.slice(0, 7)}-${start.endsWith('-01') ? 1 : 2}`);
    case 'weekly':
      return parsePeriod(`${start}..${addCalendarDays(start, 6)}`);
    case 'biweekly':
      return parsePeriod(`${start}..${addCalendarDays(start, 13)}`);
  }
}

/**
 * The period of `calendar` that holds `date`: the default first period of a new schedule.
 * Weekly and biweekly periods start on the Monday of the date's ISO week (a biweekly schedule
 * that must line up with earlier two-week periods is given its `from` explicitly).
 */
export function periodContaining(calendar: PayFrequency, date: IsoDate): PayPeriod {
  const monday = addCalendarDays(date, 1 - isoWeekday(date));
  switch (calendar) {
    case 'monthly':
      return parsePeriod(date.slice(0, 7));
    case 'semimonthly':
      return parsePeriod(`${date.slice(0, 7)}-${Number(date.slice(8, 10)) <= 15 ? 1 : 2}`);
    case 'weekly':
      return parsePeriod(`${monday}..${addCalendarDays(monday, 6)}`);
    case 'biweekly':
      return parsePeriod(`${monday}..${addCalendarDays(monday, 13)}`);
  }
}

/** The period's last day, moved off a weekend or Fed holiday by the rule. */
export function scheduledPayDate(period: PayPeriod, rule: PayDayRule): IsoDate {
  switch (rule) {
    case Rule.PreviousBankingDay:
      return bankingDayOnOrBefore(period.end);
    case Rule.NextBankingDay:
      return bankingDayOnOrAfter(period.end);
  }
}

/** The day the run must start: `leadDays` banking days before the pay date (itself a banking day). */
export function dueDate(payDate: IsoDate, leadDays: number): IsoDate {
  return addBankingDays(payDate, -leadDays);
}

/** The schedule's run for `period`. */
export function scheduledRun(schedule: PaySchedule, period: PayPeriod): ScheduledRun {
  const payDate = scheduledPayDate(period, schedule.payDayRule);
  return {
    employerId: schedule.employerId,
    period: parsePeriod(period.id, { payDate }),
    payDate,
    dueOn: dueDate(payDate, schedule.leadDays),
  };
}

/**
 * The next run of a schedule: a period owed again (`owed`: an older period whose run was undone
 * after a later one was paid — periods are never skipped, the oldest comes first), else the
 * period after `lastPaid` (the id of the last period paid), or the schedule's `from` when nothing
 * was paid yet or everything paid ended before `from`. A last period of another calendar cannot
 * be continued without a gap or an overlap; the operator must then set `from` past it.
 */
export function nextScheduledRun(schedule: PaySchedule, lastPaid?: string, owed?: string): ScheduledRun {
  const from = parsePeriod(schedule.from, { source: `schedule ${schedule.employerId} from` });
  if (owed !== undefined) return scheduledRun(schedule, parsePeriod(owed, { source: 'owed period' }));
  if (lastPaid === undefined) return scheduledRun(schedule, from);
  const last = parsePeriod(lastPaid, { source: `last period paid by ${schedule.employerId}` });
  if (last.end < from.start) return scheduledRun(schedule, from);
  if (last.frequency !== schedule.calendar) {
    throw new BadInputError(
      'SCHEDULE_CALENDAR_CHANGED',
      `Employer ${schedule.employerId} last paid ${last.id}, a ${last.frequency} period, but the schedule is ${schedule.calendar}; ` +
        `set --from to the first ${schedule.calendar} period to pay after ${last.end}.`,
      { details: { employerId: schedule.employerId, lastPaid: last.id } },
    );
  }
  return scheduledRun(schedule, periodAfter(last));
}
