/**
 * Powertools idempotency for the saga's handlers: one DynamoDB persistence layer and key prefix
 * per step, so `payroll-ops idempotency` can tell which step a record guards. A repeated delivery
 * or a redriven execution gets the stored result and makes no second effect.
 */

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaContext } from '../resources.js';

export const IDEMPOTENCY_KEY_PREFIX = 'payroll-ops';
/** Records outlive any realistic redrive of a run. */
const EXPIRES_AFTER_SECONDS = 30 * 24 * 3600;

export interface IdempotencyOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** The prefix of a step's idempotency keys: `payroll-ops.<Step>#<hash of the key fields>`. */
export function keyPrefixFor(step: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}.${step}`;
}

export function idempotentHandler<E, R>(
  options: IdempotencyOptions,
  step: string,
  eventKeyJmesPath: string,
  handler: (event: E) => Promise<R>,
): (event: E, context: LambdaContext) => Promise<R> {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath,
    expiresAfterSeconds: EXPIRES_AFTER_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  // Wrapped as a Lambda handler (event, context) so Powertools sets the in-progress expiry from
  // the remaining invocation time: a crashed invocation's record can be taken over once it passes.
  const guarded = makeIdempotent(async (event: E, _context: LambdaContext) => handler(event), {
    persistenceStore,
    config,
    keyPrefix: keyPrefixFor(step),
  });
  return (event, context) => guarded(event, context) as Promise<R>;
}
