/**
 * The payday machine's tasks that are pure payroll rules (definition.ts wires them): which
 * employers are due on a day — with the skipped ones and why — and the report of what the
 * fan-out did. Starting each run goes through the start action every run uses
 * (src/actions/startPayRun.ts), from the Lambda handler.
 */
import { isIsoDate } from '../bankingDays.js';
import { BadInputError } from '../errors.js';
import {
  type LastPaid,
  type LastPaidPorts,
  lastPaidBySchedule,
  lastPaidPeriodIds,
  owedPeriodIds,
} from '../lastPaid.js';
import { scheduledRun } from '../payCalendar.js';
import { planPayday, type SkippedEmployer, SkipReason } from '../payday.js';
import type { PaySchedule } from '../paySchedule.js';
import type { IsoDate } from '../period.js';
import { parsePeriod } from '../periodParser.js';
import type { ScheduleStore } from '../ports.js';
import { shownInput } from '../shownInput.js';

/** Why an employer's run was not started: the plan's reasons, and the fan-out's own. */
export const PaydaySkipReason = {
  ...SkipReason,
  /** The run the schedule owed by this day was started already (by an earlier trigger, or by hand). */
  AlreadyStarted: 'already-started',
} as const;
export type PaydaySkipReason = (typeof PaydaySkipReason)[keyof typeof PaydaySkipReason];

export interface PaydaySkip {
  readonly employerId: string;
  readonly reason: PaydaySkipReason;
  readonly detail: string;
}

/** One item of the fan-out: what the start needs, and nothing else. */
export interface DueRunItem {
  readonly asOf: IsoDate;
  readonly employerId: string;
  readonly period: string;
  readonly payDate: IsoDate;
}

export interface PaydayPlanResult {
  readonly asOf: IsoDate;
  readonly due: readonly DueRunItem[];
  readonly skipped: readonly PaydaySkip[];
}

/**
 * The day a trigger is for: an ISO date, or the date part of the scheduler's timestamp
 * (`2026-03-27T06:00:00Z`, UTC, as EventBridge Scheduler sends `<aws.scheduler.scheduled-time>`).
 */
export function paydayDate(asOf: unknown): IsoDate {
  const text = typeof asOf === 'string' ? asOf.trim() : '';
  const date = text.slice(0, 10);
  const rest = text.slice(10);
  if (!isIsoDate(date) || (rest !== '' && !rest.startsWith('T'))) {
    throw new BadInputError(
      'AS_OF_INVALID',
      `--as-of ${shownInput(String(asOf))}: not a date; give it as YYYY-MM-DD (or an ISO timestamp, whose date is used).`,
      { details: { flag: '--as-of' } },
    );
  }
  return date;
}

/**
 * A schedule that is up to date is "not due" by the plan; when the run it owed by `asOf` was
 * started already, the operator is told that instead — a second trigger on a payday then says
 * `already-started`, naming the run.
 */
function explain(
  skip: SkippedEmployer,
  schedule: PaySchedule | undefined,
  last: LastPaid | undefined,
  asOf: IsoDate,
): PaydaySkip {
  if (skip.reason !== SkipReason.NotDue || !schedule || !last) return skip;
  const lastPeriod = parsePeriod(last.periodId);
  // A period paid before the schedule's first one was not owed by it: the schedule is just not due.
  if (lastPeriod.end < parsePeriod(schedule.from).start) return skip;
  if (scheduledRun(schedule, lastPeriod).dueOn > asOf) return skip;
  return {
    employerId: skip.employerId,
    reason: PaydaySkipReason.AlreadyStarted,
    detail: `${last.periodId} was started as ${last.runId}; next: ${skip.detail}`,
  };
}

export interface PlanPaydayPorts extends LastPaidPorts {
  readonly schedules: Pick<ScheduleStore, 'list'>;
}

/** The first task: every schedule, the last period each employer paid, and who is due on `asOf`. */
export async function planPaydayTask(
  ports: PlanPaydayPorts,
  input: { readonly asOf?: unknown },
): Promise<PaydayPlanResult> {
  const asOf = paydayDate(input.asOf);
  const schedules = await ports.schedules.list();
  const lastPaid = await lastPaidBySchedule(ports, schedules);
  const plan = planPayday(schedules, lastPaidPeriodIds(lastPaid), asOf, owedPeriodIds(lastPaid));
  const scheduleOf = new Map(schedules.map((schedule) => [schedule.employerId, schedule]));
  return {
    asOf,
    due: plan.due.map((run) => ({
      asOf,
      employerId: run.employerId,
      period: run.period.id,
      payDate: run.payDate,
    })),
    skipped: plan.skipped.map((skip) =>
      explain(skip, scheduleOf.get(skip.employerId), lastPaid.get(skip.employerId), asOf),
    ),
  };
}

/** What one iteration of the fan-out ends with: a run started, a start refused, or a failure caught. */
export type StartOutcome =
  | { readonly employerId: string; readonly runId: string }
  | { readonly employerId: string; readonly skipped: PaydaySkipReason; readonly detail: string }
  | { readonly employerId: string; readonly error: string; readonly cause?: string };

export interface PaydayFailure {
  readonly employerId: string;
  readonly error: string;
}

/** The machine's output, and what `schedule run-due` prints. */
export interface PaydayReport {
  readonly asOf: IsoDate;
  /** Run ids, by employer id. */
  readonly started: readonly string[];
  readonly skipped: readonly PaydaySkip[];
  /** Employers whose start failed (an open run, a roster that no longer validates, …). */
  readonly failed: readonly PaydayFailure[];
}

/** Lambda's error document (`{"errorType","errorMessage",…}`) carries the one line worth showing. */
function failureMessage(error: string, cause: string | undefined): string {
  if (cause === undefined) return error;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string' && parsed.errorMessage !== '') return parsed.errorMessage;
  } catch {
    // Not Lambda's document: the cause as it is.
  }
  return cause === '' ? error : cause;
}

const byEmployer = (a: { employerId: string }, b: { employerId: string }) =>
  a.employerId < b.employerId ? -1 : a.employerId > b.employerId ? 1 : 0;

/** The last task: the plan's skipped employers and the fan-out's outcomes, in one report. */
export function reportPayday(input: {
  readonly asOf: IsoDate;
  readonly skipped: readonly PaydaySkip[];
  readonly results: readonly StartOutcome[];
}): PaydayReport {
  const started: { employerId: string; runId: string }[] = [];
  const skipped: PaydaySkip[] = [...input.skipped];
  const failed: PaydayFailure[] = [];
  for (const result of input.results) {
    if ('runId' in result) started.push(result);
    else if ('skipped' in result)
      skipped.push({ employerId: result.employerId, reason: result.skipped, detail: result.detail });
    else failed.push({ employerId: result.employerId, error: failureMessage(result.error, result.cause) });
  }
  return {
    asOf: input.asOf,
    started: started.sort(byEmployer).map((run) => run.runId),
    skipped: skipped.sort(byEmployer),
    failed: failed.sort(byEmployer),
  };
}
