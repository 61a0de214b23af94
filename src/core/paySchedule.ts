/**
 * Pay schedules: when an employer's planned (regular) runs are paid. The contract the schedule
 * commands store and the payday machine reads; the date rules live in payCalendar.ts and the
 * choice of who is due in payday.ts.
 */
import { BadInputError } from './errors.js';
import { PAY_FREQUENCIES, type PayFrequency } from './period.js';
import { parsePeriod } from './periodParser.js';

/** Where a pay date that falls on a weekend or Fed holiday moves to. */
export const PayDayRule = {
  /** Pay early, on the last banking day before: employees are never paid late. */
  PreviousBankingDay: 'previous-banking-day',
  NextBankingDay: 'next-banking-day',
} as const;
export type PayDayRule = (typeof PayDayRule)[keyof typeof PayDayRule];

export const PAY_DAY_RULES: readonly PayDayRule[] = Object.values(PayDayRule);

/** ACH credits settle in one to two banking days: a run is started that many days before payday. */
export const DEFAULT_LEAD_DAYS = 2;
/** Two banking weeks: more lead than that is a misconfiguration, not a payroll practice. */
export const MAX_LEAD_DAYS = 10;
export const DEFAULT_PAY_DAY_RULE: PayDayRule = PayDayRule.PreviousBankingDay;

export interface PaySchedule {
  readonly employerId: string;
  /** Pay periods are those of the pay frequency of the same name (period.ts). */
  readonly calendar: PayFrequency;
  /** The first period to pay, as a canonical period id of the calendar (`2026-03`, `2026-W10`, …). */
  readonly from: string;
  /** Banking days between the day the run is due to start and the pay date. */
  readonly leadDays: number;
  readonly payDayRule: PayDayRule;
  /** A paused schedule is never due; resuming catches up from where it stopped (payday.ts). */
  readonly paused: boolean;
}

/** What `schedule set` (or the API) gives: text fields as typed, defaults for the rest. */
export interface PayScheduleInput {
  readonly employerId: string;
  readonly calendar: string;
  readonly from: string;
  readonly leadDays?: number;
  readonly payDayRule?: string;
  readonly paused?: boolean;
}

const FROM_EXAMPLE: Readonly<Record<PayFrequency, string>> = {
  monthly: 'YYYY-MM, e.g. 2026-03',
  semimonthly: 'YYYY-MM-1 or YYYY-MM-2, e.g. 2026-03-2',
  weekly: 'YYYY-Www or a 7-day START..END, e.g. 2026-W10',
  biweekly: 'a 14-day START..END, e.g. 2026-03-02..2026-03-15',
};

/** Validates a schedule and normalizes `from` to its canonical period id. Errors name the flag. */
export function paySchedule(input: PayScheduleInput): PaySchedule {
  if (input.employerId.trim() === '') {
    throw bad('SCHEDULE_EMPLOYER_MISSING', 'The schedule has no employer; give the employer id.', 'employer');
  }
  const calendar = input.calendar.trim();
  if (!(PAY_FREQUENCIES as readonly string[]).includes(calendar)) {
    throw bad(
      'SCHEDULE_CALENDAR_INVALID',
      `--calendar ${calendar}: not a pay calendar; use ${PAY_FREQUENCIES.join(', ')}.`,
      '--calendar',
    );
  }
  const frequency = calendar as PayFrequency;
  const from = parsePeriod(input.from, { source: '--from' });
  if (from.frequency !== frequency) {
    throw bad(
      'SCHEDULE_FROM_MISMATCH',
      `--from ${input.from.trim()} is a ${from.frequency} period but the calendar is ${frequency}; give ${FROM_EXAMPLE[frequency]}.`,
      '--from',
    );
  }
  const leadDays = input.leadDays ?? DEFAULT_LEAD_DAYS;
  if (!Number.isSafeInteger(leadDays) || leadDays < 0 || leadDays > MAX_LEAD_DAYS) {
    throw bad(
      'SCHEDULE_LEAD_DAYS_INVALID',
      `--lead-days ${leadDays}: give a whole number of banking days from 0 to ${MAX_LEAD_DAYS} (default ${DEFAULT_LEAD_DAYS}).`,
      '--lead-days',
    );
  }
  const rule = input.payDayRule?.trim() ?? DEFAULT_PAY_DAY_RULE;
  if (!(PAY_DAY_RULES as readonly string[]).includes(rule)) {
    throw bad(
      'SCHEDULE_PAY_DAY_RULE_INVALID',
      `--pay-day-rule ${rule}: use ${PAY_DAY_RULES.join(' or ')}.`,
      '--pay-day-rule',
    );
  }
  return {
    employerId: input.employerId.trim(),
    calendar: frequency,
    from: from.id,
    leadDays,
    payDayRule: rule as PayDayRule,
    paused: input.paused ?? false,
  };
}

function bad(code: string, message: string, flag: string): BadInputError {
  return new BadInputError(code, message, { details: { flag } });
}
