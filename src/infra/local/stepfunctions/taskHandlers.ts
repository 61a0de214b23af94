import type { StateShape } from './definition.js';
import { resourceFields } from './eventMapper.js';
import { lambdaFunctionName } from './names.js';
import {
  dataLimitExceeded,
  lambdaFailure,
  MAX_PAYLOAD_BYTES,
  payloadBytes,
  StatesError,
  statesRuntime,
} from './taskErrors.js';

export type InvokeLambda = (functionName: string, event: unknown) => Promise<unknown>;
type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type TaskHandler = (input: JsonValue) => Promise<JsonValue>;
type Recorder = (type: string, details: Record<string, unknown>) => void;

/** What a task handler needs from the run it belongs to. */
export interface TaskRunHooks {
  readonly region: string;
  readonly invokeLambda: InvokeLambda;
  /** Resolves once the history has caught up with the emulator; rejects once the run is stopping. */
  checkpoint(): Promise<void>;
  /** Rejects when the run is stopped, so a task blocked on its function lets go. */
  readonly stopped: Promise<never>;
  /** The history thread (top level or a Map iteration) a Task state's events belong to. */
  threadOf(stateName: string): string;
  record(thread: string, type: string, details: Record<string, unknown>): void;
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_FUNCTION = /^arn:aws:lambda:[^:]*:[^:]*:function:/;

/**
 * One local handler per Task state (the emulator's `taskResourceLocalHandlers`, keyed by state name).
 * `arn:aws:states:::lambda:invoke` gets the `{ExecutedVersion, Payload, StatusCode}` envelope; a Lambda
 * function ARN gets the function's result directly. Any other resource is not emulated.
 */
export function buildTaskHandlers(
  tasks: ReadonlyMap<string, StateShape>,
  hooks: TaskRunHooks,
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  for (const [stateName, state] of tasks) {
    const resource = state.Resource ?? '';
    handlers[stateName] = async (input) => {
      await hooks.checkpoint();
      const thread = hooks.threadOf(stateName);
      const record: Recorder = (type, details) => hooks.record(thread, type, details);
      const parameters = JSON.stringify(input ?? null);
      if (payloadBytes(parameters) > MAX_PAYLOAD_BYTES)
        throw dataLimitExceeded(`input of state '${stateName}'`);
      if (resource === LAMBDA_INVOKE)
        return invokeWithEnvelope(stateName, resource, input, parameters, hooks, record);
      if (LAMBDA_FUNCTION.test(resource))
        return invokeFunctionArn(stateName, resource, input, parameters, hooks, record);
      throw statesRuntime(`Task resource '${resource}' of state '${stateName}' is not emulated locally.`);
    };
  }
  return handlers;
}

async function invokeWithEnvelope(
  stateName: string,
  resource: string,
  input: JsonValue,
  parameters: string,
  hooks: TaskRunHooks,
  record: Recorder,
): Promise<JsonValue> {
  const fields = resourceFields(resource);
  const request = input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
  const functionName = request.FunctionName;
  if (typeof functionName !== 'string') {
    throw statesRuntime(`State '${stateName}': lambda:invoke needs Parameters.FunctionName.`);
  }
  record('TaskScheduled', {
    taskScheduledEventDetails: { ...fields, region: hooks.region, parameters },
  });
  record('TaskStarted', { taskStartedEventDetails: fields });
  const payload = await invoke(hooks, functionName, request.Payload ?? {}, (error, cause) =>
    record('TaskFailed', { taskFailedEventDetails: { ...fields, error, cause } }),
  );
  const envelope: JsonValue = { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
  const output = JSON.stringify(envelope);
  if (payloadBytes(output) > MAX_PAYLOAD_BYTES) {
    const error = dataLimitExceeded(`result returned by state '${stateName}'`);
    record('TaskFailed', {
      taskFailedEventDetails: { ...fields, error: error.name, cause: error.message },
    });
    throw error;
  }
  record('TaskSucceeded', {
    taskSucceededEventDetails: { ...fields, output, outputDetails: { truncated: false } },
  });
  return envelope;
}

async function invokeFunctionArn(
  stateName: string,
  resource: string,
  input: JsonValue,
  parameters: string,
  hooks: TaskRunHooks,
  record: Recorder,
): Promise<JsonValue> {
  record('LambdaFunctionScheduled', {
    lambdaFunctionScheduledEventDetails: { resource, input: parameters, inputDetails: { truncated: false } },
  });
  record('LambdaFunctionStarted', {});
  const result = await invoke(hooks, resource, input, (error, cause) =>
    record('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause } }),
  );
  const output = JSON.stringify(result);
  if (payloadBytes(output) > MAX_PAYLOAD_BYTES) {
    const error = dataLimitExceeded(`result returned by state '${stateName}'`);
    record('LambdaFunctionFailed', {
      lambdaFunctionFailedEventDetails: { error: error.name, cause: error.message },
    });
    throw error;
  }
  record('LambdaFunctionSucceeded', {
    lambdaFunctionSucceededEventDetails: { output, outputDetails: { truncated: false } },
  });
  return result;
}

/** Calls the function in-process; its result goes through JSON as it would over the wire. */
async function invoke(
  hooks: TaskRunHooks,
  nameOrArn: string,
  event: unknown,
  onFailure: (error: string, cause: string) => void,
): Promise<JsonValue> {
  let result: unknown;
  try {
    result = await Promise.race([hooks.invokeLambda(lambdaFunctionName(nameOrArn), event), hooks.stopped]);
  } catch (thrown) {
    if (thrown instanceof StatesError && thrown.name === 'States.Runtime') throw thrown;
    const failure = lambdaFailure(thrown);
    onFailure(failure.name, failure.message);
    throw failure;
  }
  await hooks.checkpoint();
  return JSON.parse(JSON.stringify(result ?? null)) as JsonValue;
}
