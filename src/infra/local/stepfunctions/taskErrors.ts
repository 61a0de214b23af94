import { OperationFailedError } from '../../../core/errors.js';

/** AWS's payload quota for state input/output, task results and execution input: 256 KiB. */
export const MAX_PAYLOAD_BYTES = 262_144;

export const payloadBytes = (json: string): number => Buffer.byteLength(json, 'utf8');

/**
 * An error a state reports to the emulator. The emulator matches Retry/Catch `ErrorEquals` against
 * `name` and puts `message` into the Catch output's `Cause`, so `name` is the States error name.
 */
export class StatesError extends OperationFailedError {
  constructor(
    errorName: string,
    cause: string,
    private readonly terminal = false,
  ) {
    super('STATES_ERROR', cause);
    this.name = errorName;
  }

  /** Read by the emulator: terminal errors are never retried. */
  get isRetryable(): boolean {
    return !this.terminal;
  }

  /**
   * Read by the emulator: terminal errors are never caught. On AWS `States.ALL` cannot catch
   * States.DataLimitExceeded or States.Runtime; the emulator cannot tell `States.ALL` from an explicit
   * name, so locally no catcher catches them.
   */
  get isCatchable(): boolean {
    return !this.terminal;
  }
}

export const dataLimitExceeded = (what: string): StatesError =>
  new StatesError(
    'States.DataLimitExceeded',
    `The ${what} has a size exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).`,
    true,
  );

export const statesRuntime = (message: string): StatesError =>
  new StatesError('States.Runtime', message, true);

/**
 * How Lambda reports a function error and Step Functions passes it on: the error name is the thrown
 * error's `name` (Lambda's errorType) and the cause is Lambda's JSON error document.
 */
export function lambdaFailure(thrown: unknown): StatesError {
  const error = thrown instanceof Error ? thrown : undefined;
  const errorType = error?.name && error.name !== '' ? error.name : 'Error';
  const errorMessage = error ? error.message : String(thrown);
  const trace = error?.stack ? error.stack.split('\n') : [];
  return new StatesError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}
