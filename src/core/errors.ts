/**
 * One error hierarchy for the whole tool. Every error carries a stable code; the CLI maps the
 * error's `kind` to an exit code, and retry/abort decisions are made on `retryable`, never on
 * message text.
 */

export const ErrorKind = {
  /** Bad flags, files, periods or amounts: exit 2, nothing written. */
  BadInput: 'bad-input',
  /** The operation ran and failed (a run rolled back, a check failed, a conflict): exit 1. */
  OperationFailed: 'operation-failed',
  /** The operator interrupted (Ctrl-C): exit 130. */
  Interrupted: 'interrupted',
  /** Something outside our control misbehaved (emulator, network, AWS): exit 1. */
  Infrastructure: 'infrastructure',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

export interface PayrollOpsErrorOptions {
  readonly cause?: unknown;
  /** A transient failure worth retrying (throttling, a timeout, a lost connection). */
  readonly retryable?: boolean;
  /** Extra machine-readable facts for `--output json` error reports. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class PayrollOpsError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(kind: ErrorKind, code: string, message: string, options: PayrollOpsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PayrollOpsError';
    this.kind = kind;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }

  static isPayrollOpsError(value: unknown): value is PayrollOpsError {
    return value instanceof PayrollOpsError;
  }
}

/** Bad input: names the problem and the fix in one line. Exit code 2. */
export class BadInputError extends PayrollOpsError {
  constructor(code: string, message: string, options: PayrollOpsErrorOptions = {}) {
    super(ErrorKind.BadInput, code, message, options);
    this.name = 'BadInputError';
  }

  static isBadInput(value: unknown): value is BadInputError {
    return value instanceof BadInputError;
  }
}

/** The operation was carried out and did not succeed (or was refused by the state of the world). */
export class OperationFailedError extends PayrollOpsError {
  constructor(code: string, message: string, options: PayrollOpsErrorOptions = {}) {
    super(ErrorKind.OperationFailed, code, message, options);
    this.name = 'OperationFailedError';
  }
}

/** A failure of the backend or the embedded stack rather than of the operator's input. */
export class InfrastructureError extends PayrollOpsError {
  constructor(code: string, message: string, options: PayrollOpsErrorOptions = {}) {
    super(ErrorKind.Infrastructure, code, message, options);
    this.name = 'InfrastructureError';
  }
}

/** A transient infrastructure failure: the saga's Retry policy retries exactly these. */
export class TransientError extends InfrastructureError {
  constructor(code: string, message: string, options: Omit<PayrollOpsErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...options, retryable: true });
    this.name = 'TransientError';
  }
}

export class InterruptedError extends PayrollOpsError {
  constructor(message = 'Interrupted.') {
    super(ErrorKind.Interrupted, 'INTERRUPTED', message);
    this.name = 'InterruptedError';
  }
}

/** Describes a value of unknown type for error messages without trusting it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
