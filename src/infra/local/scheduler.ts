/**
 * EventBridge Scheduler, locally: each schedule invokes its function with its payload, or starts
 * an execution of its state machine with its input — `<aws.scheduler.scheduled-time>` filled in as
 * Scheduler fills it — on a cron (croner) while the host runs. Schedules do not fire while no host
 * runs, and missed firings are not caught up: use `payroll-ops local start` for a host that stays
 * up. A firing holds off an idle stop while it runs but does not count as someone needing the host.
 */
import { Cron } from 'croner';
import { BadInputError, describeError } from '../../core/errors.js';
import { SCHEDULED_TIME, type ScheduleSpec, type ScheduleTarget } from '../resources.js';
import type { ActivityTracker } from './activity.js';
import type { LambdaInvoker } from './lambdaRuntime.js';

export interface Scheduler {
  /** The next firing of each schedule, for status output. */
  nextRuns(): Readonly<Record<string, string | null>>;
  stop(): void;
}

const RATE_UNITS: Readonly<Record<string, number>> = {
  minute: 60,
  minutes: 60,
  hour: 3_600,
  hours: 3_600,
  day: 86_400,
  days: 86_400,
};

/**
 * A croner pattern and options for an EventBridge expression. `cron(m h dom mon dow year)` has
 * minute precision, Quartz day-of-week numbers (1 = Sunday) and a year field; `rate(n unit)`
 * fires every n units from now. Times are UTC, as EventBridge's default.
 */
export function cronPattern(expression: string): { pattern: string; interval?: number } {
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron) {
    const fields = cron[1]!.trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new BadInputError('BAD_SCHEDULE', `${expression}: cron() takes 6 fields (m h dom mon dow year).`);
    }
    return { pattern: `0 ${fields.join(' ')}` };
  }
  const rate = /^rate\((\d+)\s+([a-z]+)\)$/.exec(expression.trim());
  if (rate && RATE_UNITS[rate[2]!] && Number(rate[1]) > 0) {
    return { pattern: '* * * * * *', interval: Number(rate[1]) * RATE_UNITS[rate[2]!]! };
  }
  throw new BadInputError(
    'BAD_SCHEDULE',
    `${expression} is not a schedule expression; use cron(m h dom mon dow year) or rate(n minutes|hours|days).`,
  );
}

/** A schedule's timing: its expression, or (tests) a fixed interval in seconds instead. */
type Timing = string | { readonly everySeconds: number };

function cronFor(timing: Timing, run?: () => Promise<void>, timezone = 'UTC'): Cron {
  const { pattern, interval } =
    typeof timing === 'string'
      ? cronPattern(timing)
      : { pattern: '* * * * * *', interval: Math.max(1, Math.round(timing.everySeconds)) };
  const options = {
    timezone,
    mode: interval === undefined ? ('7-part' as const) : ('6-part' as const),
    alternativeWeekdays: interval === undefined,
    protect: true,
    // A rate fires one interval after the host starts, not at once: a restarted host must not
    // redrive its dead letters (say) the moment it comes up.
    ...(interval === undefined ? {} : { interval, startAt: new Date(Date.now() + interval * 1000) }),
  };
  return run ? new Cron(pattern, options, run) : new Cron(pattern, { ...options, paused: true });
}

/** The next firings of an expression after `from` (for status output and tests). */
export function nextFirings(expression: string, count: number, from = new Date(), timezone = 'UTC'): Date[] {
  const job = cronFor(expression, undefined, timezone);
  try {
    return job.nextRuns(count, from);
  } finally {
    job.stop();
  }
}

/** Starts an execution as EventBridge Scheduler does: a generated name, the target's input. */
export type StartExecution = (stateMachineArn: string, input: string) => Promise<void>;

/** The time of a firing as Scheduler writes it: ISO 8601 in UTC, to the second. */
export function scheduledTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** The execution input with every SCHEDULED_TIME keyword replaced by the firing's time. */
export function fillScheduledTime(input: string, at: Date): string {
  return input.replaceAll(SCHEDULED_TIME, scheduledTime(at));
}

const describeTarget = (target: ScheduleTarget) =>
  target.kind === 'lambda' ? target.functionName : `an execution of ${target.stateMachineArn}`;

export function startScheduler(
  schedules: readonly ScheduleSpec[],
  deps: {
    readonly invoke: LambdaInvoker;
    readonly startExecution: StartExecution;
    readonly activity: ActivityTracker;
    readonly log: (line: string) => void;
    /** Schedule name → a fixed interval in seconds replacing its expression (tests: no 15-minute waits). */
    readonly everySeconds?: Readonly<Record<string, number>>;
  },
): Scheduler {
  const fire = (target: ScheduleTarget): Promise<unknown> => {
    switch (target.kind) {
      case 'lambda':
        return deps.invoke(target.functionName, target.payload);
      case 'state-machine':
        return deps.startExecution(target.stateMachineArn, fillScheduledTime(target.input, new Date()));
    }
  };
  const jobs = schedules.map((schedule) => {
    const every = deps.everySeconds?.[schedule.name];
    const job = cronFor(
      every === undefined ? schedule.expression : { everySeconds: every },
      async () => {
        const done = deps.activity.hold();
        const what = describeTarget(schedule.target);
        try {
          await fire(schedule.target);
          deps.log(
            `schedule ${schedule.name} ${schedule.target.kind === 'lambda' ? 'invoked' : 'started'} ${what}`,
          );
        } catch (error) {
          deps.log(`schedule ${schedule.name}: ${what} failed: ${describeError(error)}`);
        } finally {
          done();
        }
      },
      schedule.timezone,
    );
    return { schedule, job };
  });
  return {
    nextRuns: () =>
      Object.fromEntries(
        jobs.map(({ schedule, job }) => [schedule.name, job.nextRun()?.toISOString() ?? null]),
      ),
    stop: () => {
      for (const { job } of jobs) job.stop();
    },
  };
}
