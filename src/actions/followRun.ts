/**
 * Following a run to its end by polling its record, as `watch`, `run --watch`, `demo`, `rollback`
 * and `redrive` do. Polling the store (not the execution) is what lets a second process, or one
 * started after the run ended, follow it just the same. The action prints nothing: each poll
 * that changed something is a coded progress message carrying the run's view and the events
 * since the last one, and the host decides how that looks (a redrawn view, lines, JSON lines).
 */
import { BadInputError, OperationFailedError, PayrollOpsError } from '../core/errors.js';
import { type IIoHost, ioMessage } from '../core/ioMessages.js';
import type { SagaPorts } from '../core/ports.js';
import {
  describeRunEnd,
  diffRunViews,
  type RunDetail,
  runDetailView,
  type WatchEvent,
} from '../core/saga/runView.js';
import { isTerminal, type RunStatus } from '../core/saga/steps.js';

/** The message codes of following: a view that changed, and the view the run ended with. */
export const FollowCode = {
  Progress: 'PAYROLL_RUN_I3001',
  Finished: 'PAYROLL_RUN_I3002',
} as const;

export interface RunProgress {
  readonly view: RunDetail;
  /** What happened since the previous view, in the order a reader expects. */
  readonly events: readonly WatchEvent[];
}

export const DEFAULT_POLL_INTERVAL_MS = 500;
/** Polls in a row that may fail transiently (a busy local host) before following gives up. */
const MAX_TRANSIENT_POLL_FAILURES = 20;

export interface FollowOptions {
  /** Between polls; 500 ms by default. */
  readonly intervalMs?: number;
  /** When following ends; by default a terminal status. `rollback` waits past COMPLETED. */
  readonly isFinal?: (status: RunStatus) => boolean;
  /** Give up (OperationFailedError WATCH_TIMEOUT) after this long; no limit by default. */
  readonly timeoutMs?: number;
}

/** What following reads: the run record and its chunk results. */
export type FollowPorts = Pick<SagaPorts, 'runs' | 'chunks'>;

export function runNotFound(runId: string): BadInputError {
  return new BadInputError('RUN_NOT_FOUND', `Run ${runId} not found; list runs with payroll-ops status.`, {
    details: { runId },
  });
}

/** The run's current view: chunk results are read only until FundPayroll froze the totals. */
export async function readRunDetail(ports: FollowPorts, runId: string): Promise<RunDetail | undefined> {
  const run = await ports.runs.getRun(runId);
  if (!run) return undefined;
  const chunks = run.totals ? [] : await ports.chunks.listChunkResults(runId);
  return runDetailView(run, chunks);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The message text, for hosts that show it as it is: where the run is. */
function progressText(view: RunDetail): string {
  const { calculated, employees } = view.progress;
  const counted = employees === null ? '' : ` (${calculated} of ${employees} employees calculated)`;
  return `Run ${view.runId} is ${view.status}${counted}.`;
}

/**
 * Polls until the run reaches a final status and returns the view it ended with. A run that does
 * not exist is bad input; a poll that fails transiently is retried up to twenty times in a row.
 */
export async function followRun(
  ports: FollowPorts,
  io: IIoHost,
  runId: string,
  options: FollowOptions = {},
): Promise<RunDetail> {
  const interval = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const isFinal = options.isFinal ?? isTerminal;
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  let previous: RunDetail | undefined;
  let failures = 0;
  for (;;) {
    let view: RunDetail | undefined;
    try {
      view = await readRunDetail(ports, runId);
      failures = 0;
      if (view === undefined && previous === undefined) throw runNotFound(runId);
    } catch (error) {
      // One slow or refused poll should not end a watch of a run that is going fine.
      if (!(error instanceof PayrollOpsError && error.retryable) || ++failures > MAX_TRANSIENT_POLL_FAILURES)
        throw error;
    }
    if (view !== undefined) {
      const events = diffRunViews(previous, view, isFinal);
      const progress: RunProgress = { view, events };
      await io.notify(ioMessage('info', FollowCode.Progress, progressText(view), progress, true));
      previous = view;
      if (isFinal(view.status)) {
        await io.notify(
          ioMessage('result', FollowCode.Finished, `Run ${runId} ended ${view.status}.`, { view }),
        );
        return view;
      }
    }
    if (Date.now() + interval > deadline) {
      throw new OperationFailedError(
        'WATCH_TIMEOUT',
        `Run ${runId} is still ${previous?.status ?? 'unknown'} after ${Math.round((options.timeoutMs ?? 0) / 1000)}s; ` +
          `follow it again with payroll-ops watch ${runId}.`,
      );
    }
    await sleep(interval);
  }
}

/** The error for a run that ended other than as expected: the CLI exits 1 with it. */
export function runEndedError(view: RunDetail): OperationFailedError {
  return new OperationFailedError(
    'RUN_NOT_COMPLETED',
    `Run ${view.runId} ended ${view.status}: ${describeRunEnd(view)}`,
    { details: { runId: view.runId, status: view.status, failure: view.failure } },
  );
}
