/**
 * How a followed run looks: the follow action's progress messages drawn as a redrawn live view on
 * a colour terminal, lines without one, JSON lines with `--output jsonl`, nothing but the final
 * document with `--output json`; then the final view printed as data (the `status RUN` view).
 */

import {
  FollowCode,
  type FollowOptions,
  type FollowPorts,
  followRun,
  type RunProgress,
  runEndedError,
} from '../actions/followRun.js';
import type { IIoHost, IoMessage, IoRequest } from '../core/ioMessages.js';
import type { RunDetail } from '../core/saga/runView.js';
import { RunStatus } from '../core/saga/steps.js';
import { type IoHost, OutputFormat, type Spinner } from './io/ioHost.js';
import {
  PLAIN,
  type RenderOptions,
  renderEventLine,
  renderFinishedLine,
  renderLiveView,
  renderRunDetail,
} from './io/runRender.js';

export interface FollowViewOptions extends FollowOptions {
  /**
   * Print the final state as data on stdout when the run ends (the `status RUN` view, or its
   * JSON with `--output json`); true by default. Callers that print their own result turn it off.
   */
  readonly printResult?: boolean;
}

/** What following reads; `Backend` satisfies it. */
export interface FollowBackend {
  readonly ports: FollowPorts;
}

/** Where the progress goes: JSON lines, a redrawn live view, or plain lines on stderr. */
interface ProgressSink {
  show(progress: RunProgress): void;
  end(view: RunDetail | undefined): void;
}

function renderOptions(io: IoHost): RenderOptions {
  return { paint: io.style, now: new Date().toISOString() };
}

function jsonlSink(io: IoHost): ProgressSink {
  return {
    show: ({ events }) => {
      for (const event of events) io.dataJson(event);
    },
    end: () => {},
  };
}

function plainSink(io: IoHost): ProgressSink {
  return {
    show: ({ events }) => {
      for (const event of events) {
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
    show: ({ view }) => {
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

/**
 * An IoHost for the follow action: its progress messages go to the sink, the rest to the CLI's
 * host. The sink closes with the view the run ended with; `end(undefined)` closes it after an
 * error (a second close does nothing).
 */
export function followHost(io: IoHost): IIoHost & { end(view: RunDetail | undefined): void } {
  const sink = sinkFor(io);
  let ended = false;
  const end = (view: RunDetail | undefined) => {
    if (ended) return;
    ended = true;
    sink.end(view);
  };
  return {
    async notify(message: IoMessage): Promise<void> {
      if (message.code === FollowCode.Progress) sink.show(message.data as RunProgress);
      else if (message.code === FollowCode.Finished) end((message.data as { view: RunDetail }).view);
      else await io.notify(message);
    },
    requestResponse<T, U>(request: IoRequest<T, U>): Promise<U> {
      return io.requestResponse(request);
    },
    end,
  };
}

/** Prints a run's final view as data: the `status RUN` table, or its JSON with `--output json`. */
export function printRunView(io: IoHost, view: RunDetail): void {
  if (io.output === OutputFormat.Json) io.dataJson(view);
  else if (io.output === OutputFormat.Table)
    io.data(
      renderRunDetail(view, { paint: io.stdoutIsTty ? io.style : PLAIN, now: new Date().toISOString() }),
    );
}

/** Follows the run until it ends, showing its progress, and returns its final view. */
export async function followRunView(
  backend: FollowBackend,
  io: IoHost,
  runId: string,
  options: FollowViewOptions = {},
): Promise<RunDetail> {
  const host = followHost(io);
  let final: RunDetail;
  try {
    final = await followRun(backend.ports, host, runId, options);
  } finally {
    host.end(undefined);
  }
  if (options.printResult ?? true) printRunView(io, final);
  return final;
}

/** followRunView for commands whose success is a completed run: anything else throws runEndedError. */
export async function followRunToCompletion(
  backend: FollowBackend,
  io: IoHost,
  runId: string,
  options: FollowViewOptions = {},
): Promise<RunDetail> {
  const view = await followRunView(backend, io, runId, options);
  if (view.status !== RunStatus.Completed) throw runEndedError(view);
  return view;
}
