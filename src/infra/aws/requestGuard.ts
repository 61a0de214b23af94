/**
 * RequestGuard over Powertools for AWS Lambda idempotency, in the idempotency table beside the
 * steps' records (`payroll-ops.StartRun#<hash>`, kept 24 hours): the caller's key is the record's
 * key and a hash of the request is its validation, so the same key with another request is refused
 * rather than answered with the first one's result. A request made while the first is still in
 * progress waits for it and gets its answer.
 */
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OperationFailedError, TransientError } from '../../core/errors.js';
import { IDEMPOTENCY_KEY_PREFIX } from '../../core/idempotencyRules.js';
import type { RequestGuard } from '../../core/ports.js';
import { IDEMPOTENCY_ATTRIBUTES } from './idempotencyStore.js';

/** Keys are kept a day: a client's retries come within minutes, a day covers an outage. */
const KEEP_SECONDS = 24 * 3600;
/** How long a request may hold its key before a retry may take it over (a crashed caller). */
const IN_PROGRESS_MS = 120_000;
/** How long a request waits for an identical one in progress. */
const WAIT_MS = 60_000;
const POLL_MS = 200;

export interface RequestGuardOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Which requests the keys guard, e.g. `StartRun`: one key space per kind of request. */
  readonly kind: string;
}

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
    ...IDEMPOTENCY_ATTRIBUTES,
  });
  return {
    async once<T>(key: string, request: unknown, work: () => Promise<T>): Promise<T> {
      const config = new IdempotencyConfig({
        eventKeyJmesPath: 'key',
        payloadValidationJmesPath: 'request',
        expiresAfterSeconds: KEEP_SECONDS,
        throwOnNoIdempotencyKey: true,
      });
      // Outside Lambda there is no invocation deadline: this one bounds how long a caller that
      // died mid-request keeps its key in progress.
      config.registerLambdaContext({ getRemainingTimeInMillis: () => IN_PROGRESS_MS } as never);
      const guarded = makeIdempotent(async (_data: { key: string; request: unknown }) => work(), {
        persistenceStore,
        config,
        keyPrefix: `${IDEMPOTENCY_KEY_PREFIX}.${options.kind}`,
      });
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        try {
          return (await guarded({ key, request })) as T;
        } catch (error) {
          if (error instanceof IdempotencyValidationError) {
            throw new OperationFailedError(
              'IDEMPOTENCY_KEY_REUSED',
              `Idempotency key ${key} was used for another request; send a new key for a new request.`,
              { cause: error },
            );
          }
          if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
          if (Date.now() > deadline) {
            throw new TransientError(
              'REQUEST_IN_PROGRESS',
              `A request with idempotency key ${key} is still in progress; try again shortly.`,
              { cause: error },
            );
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      }
    },
  };
}
