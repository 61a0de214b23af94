/**
 * The last period an employer paid, as the payday plan needs it (payday.ts): the latest period
 * whose regular run was started and neither rolled back nor failed to start. Computed from the
 * runs actually made — never a counter kept beside them — so a rollback makes its period owed
 * again without anyone updating a schedule: the latest period, or an older one (rolled back after
 * a later period was paid — within its reversal window, so recent), which is then owed first.
 */
import { PayrollOpsError } from './errors.js';
import { nextScheduledRun } from './payCalendar.js';
import type { PaySchedule } from './paySchedule.js';
import type { PayPeriod } from './period.js';
import { parsePeriod } from './periodParser.js';
import type { PeriodLockStore, RunStore } from './ports.js';
import { type RunRecord, RunType } from './saga/records.js';
import { periodLockKey } from './saga/runIds.js';
import { RunStatus } from './saga/steps.js';

export interface LastPaid {
  /** The period's id (`2026-03`, …). */
  readonly periodId: string;
  readonly runId: string;
  /**
   * Older periods whose regular run was undone (rolled back, failed to start) and that no run among
   * those read pays again, latest first; lastPaidBySchedule keeps the schedule's own in `owed`.
   */
  readonly undone?: readonly string[];
  /** The schedule's oldest period that is owed again (its run was undone), to pay before the next. */
  readonly owed?: string;
}

/** Runs whose period is not paid by them: undone, or never begun. */
const UNPAID: readonly RunStatus[] = [RunStatus.RolledBack, RunStatus.FailedToStart];

/** A regular run pays its period while it is open, completed, or stuck half-compensated. */
export function paysItsPeriod(run: RunRecord): boolean {
  return !UNPAID.includes(run.status);
}

/**
 * Pages read per employer: most employers' latest run counts, so the first page of a few runs
 * almost always answers; a period retried many times reads more.
 */
const PAGE_LIMITS = [8, 64, 1_000] as const;

async function lastPaidOf(
  runs: Pick<RunStore, 'listRegularRuns'>,
  employerId: string,
): Promise<LastPaid | undefined> {
  for (const limit of PAGE_LIMITS) {
    const page = await runs.listRegularRuns(employerId, { limit });
    const at = page.findIndex(paysItsPeriod);
    const paid = page[at];
    if (paid) return { periodId: paid.period.id, runId: paid.runId, undone: undoneBefore(page, at) };
    if (page.length < limit) return undefined;
  }
  return undefined;
}

/** Periods of the runs after `at` (older) that were undone and that no run of the page pays. */
function undoneBefore(page: readonly RunRecord[], at: number): readonly string[] {
  const paying = new Set(page.filter(paysItsPeriod).map((run) => run.period.id));
  const undone = page.slice(at + 1).filter((run) => !paysItsPeriod(run) && !paying.has(run.period.id));
  return [...new Set(undone.map((run) => run.period.id))];
}

/** By employer id; employers that paid nothing yet are absent. */
export async function lastPaidPeriods(
  runs: Pick<RunStore, 'listRegularRuns'>,
  employerIds: readonly string[],
): Promise<ReadonlyMap<string, LastPaid>> {
  const found = await Promise.all(
    [...new Set(employerIds)].map(async (id) => [id, await lastPaidOf(runs, id)] as const),
  );
  return new Map(found.filter((entry): entry is [string, LastPaid] => entry[1] !== undefined));
}

/** The plan's view: employer id → period id. */
export function lastPaidPeriodIds(lastPaid: ReadonlyMap<string, LastPaid>): ReadonlyMap<string, string> {
  return new Map([...lastPaid].map(([employerId, paid]) => [employerId, paid.periodId]));
}

/** The plan's view of what is owed again: employer id → the oldest period owed (absent: none). */
export function owedPeriodIds(lastPaid: ReadonlyMap<string, LastPaid>): ReadonlyMap<string, string> {
  return new Map(
    [...lastPaid].flatMap(([employerId, paid]) => (paid.owed ? [[employerId, paid.owed] as const] : [])),
  );
}

export interface LastPaidPorts {
  readonly runs: Pick<RunStore, 'listRegularRuns' | 'getRun'>;
  readonly locks: Pick<PeriodLockStore, 'holder'>;
}

/**
 * The schedule's oldest period owed again: an undone period of its calendar, from its `from` on,
 * whose period lock no paying run holds (a run the listing missed may have paid it again).
 */
async function owedOf(
  ports: LastPaidPorts,
  schedule: PaySchedule,
  last: LastPaid | undefined,
): Promise<string | undefined> {
  let from: PayPeriod;
  try {
    from = parsePeriod(schedule.from);
  } catch (error) {
    // The plan reports a schedule that cannot say what is next.
    if (PayrollOpsError.isPayrollOpsError(error)) return undefined;
    throw error;
  }
  let owed: string | undefined;
  for (const id of last?.undone ?? []) {
    const period = parsePeriod(id);
    if (period.frequency !== schedule.calendar || period.start < from.start) continue;
    const holder = await ports.locks.holder(
      periodLockKey(schedule.employerId, period, RunType.Regular) as string,
    );
    const run = holder === undefined ? undefined : await ports.runs.getRun(holder);
    if (run && paysItsPeriod(run)) continue;
    // Latest first: the last one kept is the oldest.
    owed = id;
  }
  return owed;
}

/** Periods a schedule is walked forward by their locks at most, per read: a bound, not a rule. */
const MAX_LOCK_WALK = 12;

/**
 * The last period each schedule's employer paid: from its regular runs, then checked forward by
 * the period locks — a period whose lock is held by a run that pays it is paid, whether or not
 * that run was found by the first read (a run started before runs were listed per employer, or
 * one whose start died between writing the run and its pointer). One lock read per schedule when
 * nothing was missed.
 */
export async function lastPaidBySchedule(
  ports: LastPaidPorts,
  schedules: readonly PaySchedule[],
): Promise<ReadonlyMap<string, LastPaid>> {
  const found = new Map(
    await lastPaidPeriods(
      ports.runs,
      schedules.map((schedule) => schedule.employerId),
    ),
  );
  await Promise.all(
    schedules.map(async (schedule) => {
      const owed = await owedOf(ports, schedule, found.get(schedule.employerId));
      if (owed) found.set(schedule.employerId, { ...(found.get(schedule.employerId) as LastPaid), owed });
      for (let step = 0; step < MAX_LOCK_WALK; step++) {
        let next: ReturnType<typeof nextScheduledRun>;
        try {
          next = nextScheduledRun(schedule, found.get(schedule.employerId)?.periodId);
        } catch (error) {
          // The plan reports a schedule that cannot say what is next; nothing to walk.
          if (PayrollOpsError.isPayrollOpsError(error)) return;
          throw error;
        }
        const lockKey = periodLockKey(schedule.employerId, next.period, RunType.Regular) as string;
        const holder = await ports.locks.holder(lockKey);
        const run = holder === undefined ? undefined : await ports.runs.getRun(holder);
        if (!run || !paysItsPeriod(run)) return;
        found.set(schedule.employerId, {
          ...found.get(schedule.employerId),
          periodId: next.period.id,
          runId: run.runId,
        });
      }
    }),
  );
  return found;
}
