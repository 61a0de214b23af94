/**
 * EventBridge Scheduler, locally: each schedule invokes its function with its payload on a cron
 * (croner) while the host runs. Schedules do not fire while no host runs, and missed firings are
 * not caught up: use `payroll-ops local start` for a host that stays up.
 */
import { Cron } from 'croner';
import { BadInputError, describeError } from '../../core/errors.js';
import type { ScheduleSpec } from '../resources.js';
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

function cronFor(expression: string, run?: () => Promise<void>): Cron {
  const { pattern, interval } = cronPattern(expression);
  const options = {
    timezone: 'UTC',
    mode: interval === undefined ? ('7-part' as const) : ('6-part' as const),
    alternativeWeekdays: interval === undefined,
    protect: true,
    ...(interval === undefined ? {} : { interval }),
  };
  return run ? new Cron(pattern, options, run) : new Cron(pattern, { ...options, paused: true });
}

/** The next firings of an expression after `from` (for status output and tests). */
export function nextFirings(expression: string, count: number, from = new Date()): Date[] {
  const job = cronFor(expression);
  try {
    return job.nextRuns(count, from);
  } finally {
    job.stop();
  }
}

export function startScheduler(
  schedules: readonly ScheduleSpec[],
  deps: {
    readonly invoke: LambdaInvoker;
    readonly activity: ActivityTracker;
    readonly log: (line: string) => void;
  },
): Scheduler {
  const jobs = schedules.map((schedule) => {
    const job = cronFor(schedule.cron, async () => {
      const done = deps.activity.begin();
      try {
        await deps.invoke(schedule.invoke, schedule.payload);
        deps.log(`schedule ${schedule.name} invoked ${schedule.invoke}`);
      } catch (error) {
        deps.log(`schedule ${schedule.name}: ${schedule.invoke} failed: ${describeError(error)}`);
      } finally {
        done();
      }
    });
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
