/**
 * Bulk writes through BatchWriteItem: 25 items a call, several calls in flight, unprocessed items
 * retried with backoff. Every per-employee write (payslips, year-to-date balances, voiding) goes
 * through here: item-by-item writes cost a round trip and a conditional check each, which makes a
 * 10,000-employee run several times slower than the storage itself.
 */
import type { BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../../core/errors.js';
import { translateAwsError } from './awsErrors.js';
import { forEachLimited } from './pool.js';
import { documentsSdk } from './sdk.js';

const { BatchWriteCommand } = documentsSdk;

export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** DynamoDB's limit per BatchWriteItem call. */
export const BATCH_SIZE = 25;

export interface BatchWriteOptions {
  /** BatchWriteItem calls in flight at once. */
  readonly concurrency?: number;
  /** Calls per batch before unprocessed items count as a failure. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

const DEFAULTS: Required<BatchWriteOptions> = {
  concurrency: 4,
  maxAttempts: 10,
  baseDelayMs: 25,
  maxDelayMs: 2_000,
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function keyOf(request: WriteRequest): string {
  const key = request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {};
  return `${String(key.pk)}\u0000${String(key.sk)}`;
}

/** BatchWriteItem refuses a call that names one key twice; the last request for a key wins, as it would one by one. */
function dedupe(requests: readonly WriteRequest[]): readonly WriteRequest[] {
  const byKey = new Map<string, WriteRequest>();
  for (const request of requests) {
    const key = keyOf(request);
    byKey.delete(key);
    byKey.set(key, request);
  }
  return byKey.size === requests.length ? requests : [...byKey.values()];
}

/** Exponential backoff with jitter, so throttled writers do not retry in lockstep. */
function backoff(attempt: number, options: Required<BatchWriteOptions>): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

async function writeBatch(
  documents: DynamoDBDocumentClient,
  tableName: string,
  batch: WriteRequest[],
  options: Required<BatchWriteOptions>,
): Promise<void> {
  let pending = batch;
  for (let attempt = 1; ; attempt++) {
    let unprocessed: WriteRequest[] | undefined;
    try {
      const output = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      unprocessed = output.UnprocessedItems?.[tableName];
    } catch (error) {
      throw translateAwsError('DynamoDB BatchWriteItem', error);
    }
    if (!unprocessed || unprocessed.length === 0) return;
    if (attempt >= options.maxAttempts) {
      throw new TransientError(
        'DYNAMODB_BATCH_UNPROCESSED',
        `DynamoDB left ${unprocessed.length} of ${batch.length} items unwritten in ${tableName} after ${attempt} attempts.`,
        { details: { table: tableName, unprocessed: unprocessed.length } },
      );
    }
    pending = unprocessed;
    await sleep(backoff(attempt, options));
  }
}

export async function batchWrite(
  documents: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<void> {
  if (requests.length === 0) return;
  const settings = { ...DEFAULTS, ...options };
  const unique = dedupe(requests);
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < unique.length; start += BATCH_SIZE)
    batches.push(unique.slice(start, start + BATCH_SIZE));
  await forEachLimited(batches, settings.concurrency, (batch) =>
    writeBatch(documents, tableName, batch, settings),
  );
}
