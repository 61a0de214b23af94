/**
 * Who is due on a payday: the pure decision behind the payday machine's first task. For each
 * employer with a schedule, the one next period after the last one paid is due when its due date
 * has come. At most one period per employer is listed per trigger, because an employer's runs are
 * serialized; a schedule that fell behind catches up one period per trigger, oldest first, never
 * skipping a period (its wages are owed).
 *
 * Catch-up window: a period due more than CATCH_UP_DAYS calendar days before `asOf` is not
 * started automatically. It is reported as skipped (`beyond-catch-up`) on every trigger until an
 * operator pays it by hand or moves the schedule's `from` past it: after a month of outage, or a
 * `from` set far in the past, a person decides, not the scheduler.
 */
import { calendarDaysBetween, isIsoDate } from './bankingDays.js';
import { BadInputError, describeError, PayrollOpsError } from './errors.js';
import { nextScheduledRun, type ScheduledRun } from './payCalendar.js';
import type { PaySchedule } from './paySchedule.js';
import type { IsoDate } from './period.js';

export const CATCH_UP_DAYS = 31;

export const SkipReason = {
  Paused: 'paused',
  /** The next period's due date is after `asOf`. */
  NotDue: 'not-due',
  /** The next period was due more than CATCH_UP_DAYS before `asOf`. */
  BeyondCatchUp: 'beyond-catch-up',
  /** The schedule cannot say what to pay next (e.g. its calendar changed after the last period paid). */
  InvalidSchedule: 'invalid-schedule',
  /** A second schedule for an employer already listed; only the first counts. */
  DuplicateSchedule: 'duplicate-schedule',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export interface DuePayRun extends ScheduledRun {
  /** Calendar days `asOf` is past the due date: 0 on time, more when catching up. */
  readonly daysLate: number;
}

export interface SkippedEmployer {
  readonly employerId: string;
  readonly reason: SkipReason;
  /** One line for the operator: what is next and when, or what to fix. */
  readonly detail: string;
}

export interface PaydayPlan {
  readonly asOf: IsoDate;
  /** By employer id. */
  readonly due: readonly DuePayRun[];
  /** By employer id: every schedule that starts nothing, and why. */
  readonly skipped: readonly SkippedEmployer[];
}

/**
 * `lastPaid` maps an employer to the id of the latest period whose regular run was started and
 * not rolled back (open or completed). So a second trigger, after the first started its runs,
 * lists none of them again; and a rolled-back period is due again, since its wages are still
 * owed (pause the schedule first when it must not be). Employers missing from the map have
 * paid nothing yet and start at the schedule's `from`.
 */
export function planPayday(
  schedules: readonly PaySchedule[],
  lastPaid: ReadonlyMap<string, string>,
  asOf: IsoDate,
  owed: ReadonlyMap<string, string> = new Map(),
): PaydayPlan {
  if (!isIsoDate(asOf)) {
    throw new BadInputError('AS_OF_INVALID', `--as-of ${asOf}: not a date; give it as YYYY-MM-DD.`, {
      details: { flag: '--as-of' },
    });
  }
  const due: DuePayRun[] = [];
  const skipped: SkippedEmployer[] = [];
  const seen = new Set<string>();
  for (const schedule of schedules) {
    const { employerId } = schedule;
    if (seen.has(employerId)) {
      skipped.push({
        employerId,
        reason: SkipReason.DuplicateSchedule,
        detail: 'a second schedule; the first is used',
      });
      continue;
    }
    seen.add(employerId);
    if (schedule.paused) {
      skipped.push({ employerId, reason: SkipReason.Paused, detail: 'the schedule is paused' });
      continue;
    }
    let next: ScheduledRun;
    try {
      next = nextScheduledRun(schedule, lastPaid.get(employerId), owed.get(employerId));
    } catch (error) {
      // One employer's bad schedule must not stop the others' payday.
      if (!PayrollOpsError.isPayrollOpsError(error)) throw error;
      skipped.push({ employerId, reason: SkipReason.InvalidSchedule, detail: describeError(error) });
      continue;
    }
    const daysLate = calendarDaysBetween(next.dueOn, asOf);
    const what = `${next.period.id} (pay date ${next.payDate})`;
    if (daysLate < 0) {
      skipped.push({ employerId, reason: SkipReason.NotDue, detail: `${what} is due on ${next.dueOn}` });
    } else if (daysLate > CATCH_UP_DAYS) {
      skipped.push({
        employerId,
        reason: SkipReason.BeyondCatchUp,
        detail:
          `${what} was due on ${next.dueOn}, more than ${CATCH_UP_DAYS} days ago; ` +
          `pay it with a regular run by hand, or move the schedule's --from past it.`,
      });
    } else {
      due.push({ ...next, daysLate });
    }
  }
  const byEmployer = (a: { employerId: string }, b: { employerId: string }) =>
    a.employerId < b.employerId ? -1 : a.employerId > b.employerId ? 1 : 0;
  return { asOf, due: due.sort(byEmployer), skipped: skipped.sort(byEmployer) };
}

/** The runs due on `asOf`: {employerId, period, payDate, dueOn, daysLate}, one per employer at most. */
export function dueEmployers(
  schedules: readonly PaySchedule[],
  lastPaid: ReadonlyMap<string, string>,
  asOf: IsoDate,
): readonly DuePayRun[] {
  return planPayday(schedules, lastPaid, asOf).due;
}
