/**
 * Follows a run to its end by polling its record, the way `watch`, `run --watch`, `demo`,
 * `rollback` and `redrive` show progress. Polling the store (not the execution) is what lets a
 * second process, or one started after the run ended, follow it just the same.
 */
import { BadInputError, OperationFailedError, PayrollOpsError } from '../core/errors.js';
import type { SagaPorts } from '../core/ports.js';
import { describeRunEnd, diffRunViews, type RunDetail, runDetailView } from '../core/saga/runView.js';
import { isTerminal, RunStatus } from '../core/saga/steps.js';
import { type IoHost, OutputFormat, type Spinner } from './io/ioHost.js';
import {
  PLAIN,
  type RenderOptions,
  renderEventLine,
  renderFinishedLine,
  renderLiveView,
  renderRunDetail,
} from './io/runRender.js';

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
  /**
   * Print the final state as data on stdout when the run ends (the `status RUN` view, or its
   * JSON with `--output json`); true by default. Callers that print their own result turn it off.
   */
  readonly printResult?: boolean;
}

/** What followRun reads: the run record and its chunk results. `Backend` satisfies it. */
export interface FollowBackend {
  readonly ports: Pick<SagaPorts, 'runs' | 'chunks'>;
}

export function runNotFound(runId: string): BadInputError {
  return new BadInputError('RUN_NOT_FOUND', `Run ${runId} not found; list runs with payroll-ops status.`, {
    details: { runId },
  });
}

/** The run's current view: chunk results are read only until FundPayroll froze the totals. */
export async function readRunDetail(backend: FollowBackend, runId: string): Promise<RunDetail | undefined> {
  const run = await backend.ports.runs.getRun(runId);
  if (!run) return undefined;
  const chunks = run.totals ? [] : await backend.ports.chunks.listChunkResults(runId);
  return runDetailView(run, chunks);
}

/** Where the progress goes: JSON lines, a redrawn live view, or plain lines on stderr. */
interface ProgressSink {
  show(view: RunDetail, previous: RunDetail | undefined, isFinal: (status: RunStatus) => boolean): void;
  end(view: RunDetail | undefined): void;
}

function renderOptions(io: IoHost): RenderOptions {
  return { paint: io.style, now: new Date().toISOString() };
}

function jsonlSink(io: IoHost): ProgressSink {
  return {
    show: (view, previous, isFinal) => {
      for (const event of diffRunViews(previous, view, isFinal)) io.dataJson(event);
    },
    end: () => {},
  };
}

function plainSink(io: IoHost): ProgressSink {
  return {
    show: (view, previous, isFinal) => {
      for (const event of diffRunViews(previous, view, isFinal)) {
        // The run-finished line repeats what the final summary says; the summary is enough.
        if (event.type !== 'run-finished') io.info(renderEventLine(event, io.style));
      }
    },
    end: (view) => {
      if (view) io.info(renderFinishedLine(view, renderOptions(io)));
    },
  };
}

function liveSink(io: IoHost): ProgressSink {
  let spinner: Spinner | undefined;
  return {
    show: (view) => {
      const text = renderLiveView(view, renderOptions(io));
      if (spinner) spinner.update(text);
      else spinner = io.spinner(text);
    },
    end: (view) => {
      if (!spinner) return;
      if (!view) spinner.stop();
      else if (view.status === RunStatus.Completed)
        spinner.succeed(renderFinishedLine(view, renderOptions(io)));
      else spinner.fail(renderFinishedLine(view, renderOptions(io)));
    },
  };
}

function sinkFor(io: IoHost): ProgressSink {
  if (io.output === OutputFormat.Jsonl) return jsonlSink(io);
  // With --output json only the final document is printed: progress would not be JSON.
  if (io.output === OutputFormat.Json) return { show: () => {}, end: () => {} };
  // io.spinner animates only on a colour TTY; elsewhere a redrawn view would be unreadable. A
  // pseudo-terminal without a size (script(1) in CI) reports 0 columns, and ora then computes an
  // endless number of lines to clear and never returns: plain lines there.
  const sized = (process.stderr.columns ?? 0) > 0;
  return io.stderrIsTty && io.style.level > 0 && sized ? liveSink(io) : plainSink(io);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until the run reaches a final status, showing each view on `sink`; returns the final view. */
async function pollUntilFinal(
  backend: FollowBackend,
  runId: string,
  sink: ProgressSink,
  options: FollowOptions,
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
      view = await readRunDetail(backend, runId);
      failures = 0;
      if (view === undefined && previous === undefined) throw runNotFound(runId);
    } catch (error) {
      // One slow or refused poll should not end a watch of a run that is going fine.
      if (!(error instanceof PayrollOpsError && error.retryable) || ++failures > MAX_TRANSIENT_POLL_FAILURES)
        throw error;
    }
    if (view !== undefined) {
      sink.show(view, previous, isFinal);
      previous = view;
      if (isFinal(view.status)) return view;
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

/** Follows the run until it ends and returns its final view; a run that does not exist is bad input. */
export async function followRunView(
  backend: FollowBackend,
  io: IoHost,
  runId: string,
  options: FollowOptions = {},
): Promise<RunDetail> {
  const sink = sinkFor(io);
  let final: RunDetail | undefined;
  try {
    final = await pollUntilFinal(backend, runId, sink, options);
  } finally {
    sink.end(final);
  }
  if (options.printResult ?? true) {
    if (io.output === OutputFormat.Json) io.dataJson(final);
    else if (io.output === OutputFormat.Table)
      io.data(
        renderRunDetail(final, { paint: io.stdoutIsTty ? io.style : PLAIN, now: new Date().toISOString() }),
      );
  }
  return final;
}

/** Follows the run to its end (see FollowOptions) and returns the status it ended with. */
export async function followRun(
  backend: FollowBackend,
  io: IoHost,
  runId: string,
  options: FollowOptions = {},
): Promise<RunStatus> {
  return (await followRunView(backend, io, runId, options)).status;
}

/** The error for a run that ended other than COMPLETED: the CLI exits 1 with it. */
export function runEndedError(view: RunDetail): OperationFailedError {
  return new OperationFailedError(
    'RUN_NOT_COMPLETED',
    `Run ${view.runId} ended ${view.status}: ${describeRunEnd(view)}`,
    { details: { runId: view.runId, status: view.status, failure: view.failure } },
  );
}

/** followRun for commands whose success is a completed run: anything else throws runEndedError. */
export async function followRunToCompletion(
  backend: FollowBackend,
  io: IoHost,
  runId: string,
  options: FollowOptions = {},
): Promise<RunDetail> {
  const view = await followRunView(backend, io, runId, options);
  if (view.status !== RunStatus.Completed) throw runEndedError(view);
  return view;
}
