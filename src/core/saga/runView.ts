/**
 * What `status` and `watch` show of a run: the JSON views of issue 4 (amounts as "1234.56"
 * strings) built from the run record, and the events `watch` emits between two views.
 * Pure: the commands fetch the records, these functions shape them.
 */
import { formatCents } from '../money.js';
import type { PayPeriod } from '../period.js';
import type { ChunkResult, RunRecord, RunTotals } from './records.js';
import {
  CompensationStatus,
  FORWARD_STEPS,
  isTerminal,
  type RunStatus,
  StepName,
  StepStatus,
} from './steps.js';
import { runTotalsOf } from './totals.js';

/** One row of `status` without a run: `{"runs":[...]}`. */
export interface RunListItem {
  readonly runId: string;
  readonly employer: string;
  readonly periodId: string;
  readonly status: RunStatus;
  /** Employees in the run once OpenRun has counted them; null before. */
  readonly employees: number | null;
  /** Net pay once FundPayroll has frozen the totals; null before. */
  readonly net: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

export interface StepView {
  readonly name: StepName;
  readonly status: StepStatus;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly error: string | null;
}

export interface TotalsView {
  readonly employees: number;
  readonly gross: string;
  readonly net: string;
  readonly federalIncomeTax: string;
  /** The employees' shares; the employer's are in employerTaxes. */
  readonly socialSecurity: string;
  readonly medicare: string;
  readonly additionalMedicare: string;
  /** Employer Social Security + employer Medicare + FUTA. */
  readonly employerTaxes: string;
  readonly fundingDebit: string;
}

export interface CompensationView {
  readonly step: StepName;
  readonly status: CompensationStatus;
  readonly at: string;
  readonly detail: string | null;
}

export interface FailureView {
  readonly step: StepName;
  readonly error: string;
  readonly cause: string;
}

/** `status RUN --output json`, and the state `watch` follows. */
export interface RunDetail {
  readonly runId: string;
  readonly employer: string;
  readonly period: Pick<PayPeriod, 'id' | 'start' | 'end' | 'frequency' | 'payDate' | 'taxYear'>;
  readonly runType: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly steps: readonly StepView[];
  /** Employees calculated so far out of the run's employees (null until OpenRun counted them). */
  readonly progress: { readonly calculated: number; readonly employees: number | null };
  /** Frozen by FundPayroll; before that, the running sum of the chunks calculated so far. */
  readonly totals: TotalsView;
  readonly compensations: readonly CompensationView[];
  readonly artifacts: { readonly achFile: string | null; readonly reversalFile: string | null };
  readonly failure: FailureView | null;
}

export function runListItem(run: RunRecord): RunListItem {
  return {
    runId: run.runId,
    employer: run.employerId,
    periodId: run.period.id,
    status: run.status,
    employees: run.employees ?? null,
    net: run.totals ? formatCents(run.totals.net) : null,
    startedAt: run.startedAt,
    endedAt: run.endedAt ?? null,
  };
}

/** Newest first; ties (runs started in the same millisecond) by id so the order is stable. */
export function runListView(runs: readonly RunRecord[]): { readonly runs: readonly RunListItem[] } {
  const sorted = [...runs].sort((a, b) =>
    a.startedAt === b.startedAt ? compare(a.runId, b.runId) : compare(b.startedAt, a.startedAt),
  );
  return { runs: sorted.map(runListItem) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function totalsView(totals: RunTotals): TotalsView {
  return {
    employees: totals.employees,
    gross: formatCents(totals.gross),
    net: formatCents(totals.net),
    federalIncomeTax: formatCents(totals.federalIncomeTax),
    socialSecurity: formatCents(totals.socialSecurity),
    medicare: formatCents(totals.medicare),
    additionalMedicare: formatCents(totals.additionalMedicare),
    employerTaxes: formatCents(
      totals.employer.socialSecurity + totals.employer.medicare + totals.employer.futa,
    ),
    fundingDebit: formatCents(totals.fundingDebit),
  };
}

/** Chunk results may be listed twice after a redelivery; each chunk counts once. */
function distinctChunks(results: readonly ChunkResult[]): ChunkResult[] {
  const byIndex = new Map<number, ChunkResult>();
  for (const result of results) byIndex.set(result.chunkIndex, result);
  return [...byIndex.values()];
}

/**
 * The detail view of one run. `chunkResults` are the chunks calculated so far: they give the
 * progress and, until FundPayroll freezes `run.totals`, the running totals.
 */
export function runDetailView(run: RunRecord, chunkResults: readonly ChunkResult[] = []): RunDetail {
  const running = runTotalsOf(distinctChunks(chunkResults));
  const totals = run.totals ?? running;
  const { id, start, end, frequency, payDate, taxYear } = run.period;
  return {
    runId: run.runId,
    employer: run.employerId,
    period: { id, start, end, frequency, payDate, taxYear },
    runType: run.runType,
    status: run.status,
    startedAt: run.startedAt,
    endedAt: run.endedAt ?? null,
    steps: FORWARD_STEPS.map((name) => {
      const step = run.steps[name];
      return {
        name,
        status: step?.status ?? StepStatus.Pending,
        startedAt: step?.startedAt ?? null,
        endedAt: step?.endedAt ?? null,
        error: step?.error ?? null,
      };
    }),
    progress: {
      calculated: Math.max(running.employees, run.totals?.employees ?? 0),
      employees: run.employees ?? null,
    },
    totals: totalsView(totals),
    compensations: run.compensations.map((c) => ({
      step: c.step,
      status: c.status,
      at: c.at,
      detail: c.detail ?? null,
    })),
    artifacts: {
      achFile: run.artifacts.achFile ?? null,
      reversalFile: run.artifacts.reversalFile ?? null,
    },
    failure: run.failure
      ? { step: run.failure.step, error: run.failure.error, cause: run.failure.cause }
      : null,
  };
}

/** One line of `watch --output jsonl`, and what the live and plain renderers draw. */
export type WatchEvent =
  | {
      readonly type: 'step';
      readonly step: StepName;
      readonly status: StepStatus;
      readonly at: string | null;
      readonly error?: string;
    }
  | {
      readonly type: 'progress';
      readonly calculated: number;
      readonly employees: number;
      readonly gross: string;
      readonly net: string;
    }
  | {
      readonly type: 'compensation';
      readonly step: StepName;
      readonly status: CompensationStatus;
      readonly at: string;
      readonly detail?: string;
    }
  | { readonly type: 'status'; readonly status: RunStatus; readonly failure?: FailureView }
  | {
      readonly type: 'run-finished';
      readonly status: RunStatus;
      readonly runId: string;
      readonly totals: TotalsView;
      readonly failure?: FailureView;
    };

export type WatchEventType = WatchEvent['type'];

function stepEvents(before: StepView | undefined, after: StepView): WatchEvent[] {
  const was = before?.status ?? StepStatus.Pending;
  if (was === after.status) return [];
  const events: WatchEvent[] = [];
  // A step that started and ended between two polls still shows its start, so a live watch and
  // a watch of a finished run tell the same story.
  const ended = after.status === StepStatus.Succeeded || after.status === StepStatus.Failed;
  if (ended && was === StepStatus.Pending && after.startedAt !== null) {
    events.push({ type: 'step', step: after.name, status: StepStatus.Running, at: after.startedAt });
  }
  events.push({
    type: 'step',
    step: after.name,
    status: after.status,
    at: after.endedAt ?? after.startedAt,
    ...(after.error !== null ? { error: after.error } : {}),
  });
  return events;
}

function compensationKey(c: CompensationView): string {
  return `${c.step}|${c.status}|${c.at}`;
}

function progressEvents(previous: RunDetail | undefined, next: RunDetail): WatchEvent[] {
  const { calculated, employees } = next.progress;
  if (employees === null) return [];
  if (
    previous !== undefined &&
    previous.progress.calculated === calculated &&
    previous.progress.employees === employees
  ) {
    return [];
  }
  return [{ type: 'progress', calculated, employees, gross: next.totals.gross, net: next.totals.net }];
}

/**
 * The events that lead from `previous` (undefined for the first poll) to `next`, in the order a
 * reader expects: a new non-final status first, step changes in forward order with progress
 * inside CalculatePay (after it started, before it ended), new compensations in the order
 * recorded, then a final status and `run-finished`. Final is by default a terminal status;
 * `rollback` follows a COMPLETED run until it is rolled back.
 */
export function diffRunViews(
  previous: RunDetail | undefined,
  next: RunDetail,
  isFinal: (status: RunStatus) => boolean = isTerminal,
): WatchEvent[] {
  const events: WatchEvent[] = [];
  const failure = next.failure ? { failure: next.failure } : {};
  const final = isFinal(next.status);
  const statusChanged = previous?.status !== next.status;
  if (statusChanged && !final) events.push({ type: 'status', status: next.status, ...failure });
  for (const [at, step] of next.steps.entries()) {
    const changes = stepEvents(previous?.steps[at], step);
    if (step.name !== StepName.CalculatePay) {
      events.push(...changes);
      continue;
    }
    const started = changes.filter((e) => e.type === 'step' && e.status === StepStatus.Running);
    const ended = changes.filter((e) => !started.includes(e));
    events.push(...started, ...progressEvents(previous, next), ...ended);
  }
  const seen = new Set(previous?.compensations.map(compensationKey));
  for (const c of next.compensations) {
    if (seen.has(compensationKey(c))) continue;
    events.push({
      type: 'compensation',
      step: c.step,
      status: c.status,
      at: c.at,
      ...(c.detail !== null ? { detail: c.detail } : {}),
    });
  }
  if (statusChanged && final) events.push({ type: 'status', status: next.status, ...failure });
  const wasFinal = previous !== undefined && previous.status === next.status && isFinal(previous.status);
  if (final && !wasFinal) {
    events.push({
      type: 'run-finished',
      status: next.status,
      runId: next.runId,
      totals: next.totals,
      ...failure,
    });
  }
  return events;
}

/** The one-line reason a run did not complete, for messages and exit errors. */
export function describeRunEnd(view: Pick<RunDetail, 'status' | 'failure' | 'compensations'>): string {
  const parts: string[] = [];
  if (view.failure) parts.push(`${view.failure.step} failed: ${view.failure.cause} (${view.failure.error})`);
  const latest = new Map<StepName, CompensationView>();
  for (const c of view.compensations) latest.set(c.step, c);
  for (const c of latest.values()) {
    if (c.status === CompensationStatus.Failed)
      parts.push(`compensation of ${c.step} failed${c.detail ? `: ${c.detail}` : ''}`);
  }
  return parts.length > 0 ? parts.join('; ') : `no failure recorded`;
}

/** Milliseconds between two ISO timestamps (0 if either is missing or unreadable). */
export function elapsedMs(from: string | null, to: string | null): number {
  if (from === null || to === null) return 0;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
