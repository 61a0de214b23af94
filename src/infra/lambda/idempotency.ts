/**
 * Powertools idempotency for the saga's handlers: one DynamoDB persistence layer and key prefix
 * per step, so `payroll-ops idempotency` can tell which step a record guards. A repeated delivery
 * or a redriven execution gets the stored result and makes no second effect.
 */

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IDEMPOTENCY_KEY_PREFIX, isOrphaned, keyWithRun } from '../../core/idempotencyRules.js';
import { DynamoIdempotencyStore, IDEMPOTENCY_ATTRIBUTES } from '../aws/idempotencyStore.js';
import type { LambdaContext } from '../resources.js';

export { IDEMPOTENCY_KEY_PREFIX };

/** Records outlive any realistic redrive of a run. */
const EXPIRES_AFTER_SECONDS = 30 * 24 * 3600;

/**
 * Called inside the guarded section, after the record is INPROGRESS and before the handler runs.
 * Production passes none; the local host injects its `hang` fault here (src/infra/local/faults.ts),
 * the one place where a step can be held "in progress" the way a crashed invocation leaves it.
 */
export type InsideGuard = (step: string, event: unknown) => Promise<void>;

export interface IdempotencyOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly insideGuard?: InsideGuard;
}

/** The prefix of a step's idempotency keys: `payroll-ops.<Step>#<run id>#<hash of the key fields>`. */
export function keyPrefixFor(step: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}.${step}`;
}

type HashedData = Parameters<DynamoDBPersistenceLayer['deleteRecord']>[0];

function runIdOf(data: HashedData): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const runId = (data as Record<string, unknown>).runId;
  return typeof runId === 'string' ? runId : undefined;
}

/**
 * Powertools' DynamoDB layer with the run id in every key (see keyWithRun): every event the saga's
 * handlers guard carries `runId`. Overriding the one method that names records keeps the whole
 * lifecycle (put, get, update, delete) on the same key, with no extra write.
 */
class RunKeyedPersistenceLayer extends DynamoDBPersistenceLayer {
  protected override getHashedIdempotencyKey(data: HashedData): string {
    return keyWithRun(super.getHashedIdempotencyKey(data), runIdOf(data));
  }
}

export function idempotentHandler<E, R>(
  options: IdempotencyOptions,
  step: string,
  eventKeyJmesPath: string,
  handler: (event: E) => Promise<R>,
): (event: E, context: LambdaContext) => Promise<R> {
  const persistenceStore = new RunKeyedPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
    ...IDEMPOTENCY_ATTRIBUTES,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath,
    expiresAfterSeconds: EXPIRES_AFTER_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const inside = options.insideGuard;
  // Wrapped as a Lambda handler (event, context) so Powertools sets the in-progress expiry from
  // the remaining invocation time: a crashed invocation's record can be taken over once it passes.
  const guarded = makeIdempotent(
    async (event: E, _context: LambdaContext) => {
      if (inside) await inside(step, event);
      return handler(event);
    },
    { persistenceStore, config, keyPrefix: keyPrefixFor(step) },
  );
  return (event, context) => guarded(event, context) as Promise<R>;
}

/**
 * Ends the in-progress window of every record whose invocation would have ended before
 * `deadlineBefore` (epoch ms): the records of invocations that died with their process. Powertools
 * lets the next invocation take such a record over, as it does after a Lambda timeout; without
 * this, a redriven step would find its own dead invocation "in progress" until the full function
 * timeout passed, exhaust its retries and roll the run back. The write is conditional on the
 * record being unchanged, so one a live invocation re-created meanwhile is left alone. Returns how
 * many were ended.
 */
export async function expireOrphanedInProgress(
  options: IdempotencyOptions,
  deadlineBefore: number,
): Promise<number> {
  const store = new DynamoIdempotencyStore(options.client, options.tableName);
  const now = Date.now();
  let ended = 0;
  for (const record of await store.list({})) {
    if (!isOrphaned(record, deadlineBefore, now)) continue;
    if ((await store.endInProgress(record, now)) === 'ended') ended++;
  }
  return ended;
}
