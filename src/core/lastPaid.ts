/**
 * The last period an employer paid, as the payday plan needs it (payday.ts): the latest period
 * whose regular run was started and neither rolled back nor failed to start. Computed from the
 * runs actually made — never a counter kept beside them — so a rollback makes its period owed
 * again without anyone updating a schedule.
 */
import type { RunStore } from './ports.js';
import type { RunRecord } from './saga/records.js';
import { RunStatus } from './saga/steps.js';

export interface LastPaid {
  /** The period's id (`2026-03`, …). */
  readonly periodId: string;
  readonly runId: string;
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
    const paid = page.find(paysItsPeriod);
    if (paid) return { periodId: paid.period.id, runId: paid.runId };
    if (page.length < limit) return undefined;
  }
  return undefined;
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
