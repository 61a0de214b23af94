/**
 * SDK errors become the project's typed errors here, at the adapter boundary, so the saga decides
 * retry or abort by type: throttling, 5xx and lost connections are TransientError (the state
 * machine's Retry catches exactly those); anything else unexpected is an InfrastructureError.
 */
import { InfrastructureError, PayrollOpsError, TransientError } from '../../core/errors.js';

const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'KMSThrottlingException',
]);

const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TransactionInProgressException',
]);

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly cause?: unknown;
}

function shapeOf(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return shapeOf(error).name === 'ConditionalCheckFailedException';
}

export function isTransientAwsError(error: unknown): boolean {
  const shape = shapeOf(error);
  const name = typeof shape.name === 'string' ? shape.name : '';
  if (THROTTLING_NAMES.has(name) || TRANSIENT_NAMES.has(name)) return true;
  if (shape.$retryable) return true;
  const status = shape.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  // Node puts the socket error's code on the error or, through fetch/undici, on its cause.
  const code = typeof shape.code === 'string' ? shape.code : '';
  if (NETWORK_CODES.has(code)) return true;
  return shape.cause !== undefined && shape.cause !== error && isTransientAwsError(shape.cause);
}

/** The typed error for an SDK failure of `operation` (e.g. `DynamoDB PutItem`). */
export function translateAwsError(operation: string, error: unknown): PayrollOpsError {
  if (PayrollOpsError.isPayrollOpsError(error)) return error;
  const shape = shapeOf(error);
  const name = typeof shape.name === 'string' ? shape.name : 'Error';
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  if (isTransientAwsError(error)) {
    return new TransientError('AWS_TRANSIENT', `${operation} failed for now (${name}): ${message}`, {
      cause: error,
      details: { operation, error: name },
    });
  }
  return new InfrastructureError('AWS_REQUEST_FAILED', `${operation} failed (${name}): ${message}`, {
    cause: error,
    details: { operation, error: name },
  });
}
