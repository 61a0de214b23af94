import '../../node20.js';
import { ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { type MachineShape, prepareDefinition } from './definition.js';
import { EmulatorEventMapper } from './eventMapper.js';
import type { HistoryRecorder } from './historyRecorder.js';
import { MAX_PAYLOAD_BYTES, payloadBytes, StatesError, statesRuntime } from './taskErrors.js';
import { buildTaskHandlers, type InvokeLambda, type TaskRunHooks } from './taskHandlers.js';
import type { ExecutionRecord } from './types.js';

/** How one run of the emulator ended. `interrupted`: the service closed; the execution stays RUNNING. */
export type RunOutcome =
  | { readonly type: 'succeeded'; readonly output: string }
  | { readonly type: 'failed'; readonly error: string; readonly cause: string }
  | { readonly type: 'aborted'; readonly error?: string; readonly cause?: string }
  | { readonly type: 'timed-out' }
  | { readonly type: 'interrupted' };

export interface RunRequest {
  readonly record: ExecutionRecord;
  readonly definition: MachineShape;
  /** The state to start from (StartAt for a new execution, the failed state for a redrive). */
  readonly startAt: string;
  readonly input: unknown;
  readonly recorder: HistoryRecorder;
  readonly region: string;
  readonly invokeLambda: InvokeLambda;
  /** Replaces every Retry interval (milliseconds), for tests; AWS's intervals otherwise. */
  readonly retryIntervalMs?: number;
}

export interface ActiveRun {
  readonly finished: Promise<RunOutcome>;
  /** StopExecution: the run ends ABORTED. */
  stop(error?: string, cause?: string): void;
  /** The service is closing: the run lets go and records nothing more. */
  interrupt(): void;
}

type StopReason =
  | { readonly type: 'stop'; readonly error?: string; readonly cause?: string }
  | { readonly type: 'data-limit'; readonly what: string }
  | { readonly type: 'interrupt' };

/** Runs (part of) a definition in the emulator, recording AWS history events as it goes. */
export function startRun(request: RunRequest): ActiveRun {
  const { record, recorder } = request;
  const prepared = prepareDefinition(request.definition, request.startAt);
  let stopReason: StopReason | undefined;
  let rejectStopped: (reason: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_resolve, reject) => {
    rejectStopped = reject;
  });
  stopped.catch(() => undefined);

  const mapper = new EmulatorEventMapper(recorder, request.definition, prepared.tasks, (what) =>
    requestStop({ type: 'data-limit', what }),
  );
  const hooks: TaskRunHooks = {
    region: request.region,
    invokeLambda: request.invokeLambda,
    stopped,
    // setImmediate runs after every pending microtask, i.e. after the emulator's event log was drained
    // into the history: a task's events then follow its state's entry, and a stop is seen before any effect.
    checkpoint: () =>
      new Promise<void>((resolve, reject) =>
        setImmediate(() => (stopReason ? reject(statesRuntime('The execution was stopped.')) : resolve())),
      ),
    threadOf: (stateName) => mapper.taskThread(stateName),
    record: (thread, type, details) => {
      if (!stopReason) recorder.add(type, details, thread);
    },
  };

  const machine = new StateMachine(prepared.runnable, { validationOptions: { noValidate: true } });
  const retryIntervalOverrides =
    request.retryIntervalMs === undefined
      ? undefined
      : Object.fromEntries(prepared.retryableStates.map((name) => [name, request.retryIntervalMs!]));
  const execution = machine.run(request.input as never, {
    overrides: {
      taskResourceLocalHandlers: buildTaskHandlers(prepared.tasks, hooks),
      retryIntervalOverrides,
    },
    context: {
      Local: {
        Execution: {
          Id: record.arn,
          Name: record.name,
          Input: JSON.parse(record.input) as unknown,
          StartTime: new Date(record.startDate).toISOString(),
          RoleArn: record.roleArn,
          RedriveCount: record.redriveCount,
        },
        StateMachine: { Id: record.stateMachineArn, Name: record.stateMachineArn.split(':').at(-1) },
        States: prepared.stateContexts,
      },
    },
  });

  function requestStop(reason: StopReason): void {
    if (stopReason) return;
    stopReason = reason;
    rejectStopped(statesRuntime('The execution was stopped.'));
    execution.abort();
  }

  const consumed = (async () => {
    for await (const event of execution.eventLogs) {
      if (!stopReason) mapper.record(event);
    }
  })();

  const finished = (async (): Promise<RunOutcome> => {
    let outcome: RunOutcome;
    try {
      const output = JSON.stringify((await execution.result) ?? null);
      outcome =
        payloadBytes(output) > MAX_PAYLOAD_BYTES
          ? dataLimitOutcome('output of the execution')
          : { type: 'succeeded', output };
    } catch (error) {
      outcome = failureOutcome(error);
    }
    await consumed;
    // A state output over the quota may be noticed only once the log is drained.
    return stopOutcome(stopReason) ?? outcome;
  })();

  return {
    finished,
    stop: (error, cause) => requestStop({ type: 'stop', error, cause }),
    interrupt: () => requestStop({ type: 'interrupt' }),
  };
}

function stopOutcome(reason: StopReason | undefined): RunOutcome | undefined {
  switch (reason?.type) {
    case undefined:
      return undefined;
    case 'stop':
      return { type: 'aborted', error: reason.error, cause: reason.cause };
    case 'data-limit':
      return dataLimitOutcome(reason.what);
    case 'interrupt':
      return { type: 'interrupted' };
  }
}

const dataLimitOutcome = (what: string): RunOutcome => ({
  type: 'failed',
  error: 'States.DataLimitExceeded',
  cause: `The ${what} has a size exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`,
});

function failureOutcome(error: unknown): RunOutcome {
  if (error instanceof ExecutionTimeoutError) return { type: 'timed-out' };
  const reported = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (reported instanceof StatesError || reported instanceof Error) {
    return { type: 'failed', error: reported.name, cause: reported.message };
  }
  return { type: 'failed', error: 'States.Runtime', cause: String(reported) };
}
