/**
 * The idempotency table as `payroll-ops idempotency` and the local host's recovery see it: reads
 * of Powertools' records and the two conditional writes an operator (or a restarted host) makes.
 * The rules of what may be expired live in src/core/idempotencyRules.ts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { InfrastructureError } from '../../core/errors.js';
import {
  IDEMPOTENCY_STATUSES,
  type IdempotencyStatus,
  type IdempotencyStore,
  runSegment,
  type StoredIdempotencyRecord,
} from '../../core/idempotencyRules.js';
import { isConditionalCheckFailed, translateAwsError } from './awsErrors.js';
import { documentsSdk } from './sdk.js';
import { IDEMPOTENCY_TABLE_NAME } from './tables.js';

const { GetCommand, ScanCommand, UpdateCommand } = documentsSdk;

/**
 * The attribute names of the records: Powertools' DynamoDB persistence layer defaults, passed to it
 * explicitly (src/infra/lambda/idempotency.ts) so that what it writes is what this store reads.
 */
export const IDEMPOTENCY_ATTRIBUTES = {
  keyAttr: 'id',
  statusAttr: 'status',
  expiryAttr: 'expiration',
  inProgressExpiryAttr: 'in_progress_expiration',
  dataAttr: 'data',
  validationKeyAttr: 'validation',
} as const;

const A = IDEMPOTENCY_ATTRIBUTES;
const NAMES = {
  '#id': A.keyAttr,
  '#status': A.statusAttr,
  '#expiry': A.expiryAttr,
  '#ipe': A.inProgressExpiryAttr,
} as const;

type Item = Record<string, unknown>;

function recordFromItem(item: Item): StoredIdempotencyRecord {
  const key = String(item[A.keyAttr]);
  const status = item[A.statusAttr];
  if (!(IDEMPOTENCY_STATUSES as readonly unknown[]).includes(status)) {
    throw new InfrastructureError(
      'IDEMPOTENCY_RECORD_INVALID',
      `Idempotency record ${key} has status ${String(status)}, which Powertools never writes.`,
      { details: { key } },
    );
  }
  const inProgress = item[A.inProgressExpiryAttr];
  const validation = item[A.validationKeyAttr];
  return {
    key,
    storedStatus: status as IdempotencyStatus,
    expiresAt: Number(item[A.expiryAttr] ?? 0),
    ...(inProgress !== undefined ? { inProgressExpiresAt: Number(inProgress) } : {}),
    ...(item[A.dataAttr] !== undefined ? { result: item[A.dataAttr] } : {}),
    ...(typeof validation === 'string' && validation !== '' ? { validationHash: validation } : {}),
  };
}

/** The condition that the record is exactly as read: nobody wrote it since. */
function unchanged(record: StoredIdempotencyRecord): { condition: string; values: Item } {
  const parts = ['#status = :was_status', '#expiry = :was_expiry'];
  const values: Item = { ':was_status': record.storedStatus, ':was_expiry': record.expiresAt };
  if (record.inProgressExpiresAt === undefined) parts.push('attribute_not_exists(#ipe)');
  else {
    parts.push('#ipe = :was_ipe');
    values[':was_ipe'] = record.inProgressExpiresAt;
  }
  return { condition: parts.join(' AND '), values };
}

export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string = IDEMPOTENCY_TABLE_NAME,
  ) {
    this.documents = documentsSdk.DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async list(filter: { readonly runId?: string }): Promise<readonly StoredIdempotencyRecord[]> {
    const records: StoredIdempotencyRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: ScanCommandOutput;
      try {
        page = await this.documents.send(
          new ScanCommand({
            TableName: this.tableName,
            ConsistentRead: true,
            ...(filter.runId !== undefined
              ? {
                  FilterExpression: 'contains(#id, :run)',
                  ExpressionAttributeNames: { '#id': A.keyAttr },
                  ExpressionAttributeValues: { ':run': runSegment(filter.runId) },
                }
              : {}),
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      } catch (error) {
        throw translateAwsError(`DynamoDB Scan of ${this.tableName}`, error);
      }
      for (const item of page.Items ?? []) records.push(recordFromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async get(key: string): Promise<StoredIdempotencyRecord | undefined> {
    try {
      const out = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: { [A.keyAttr]: key }, ConsistentRead: true }),
      );
      return out.Item ? recordFromItem(out.Item) : undefined;
    } catch (error) {
      throw translateAwsError(`DynamoDB GetItem ${key}`, error);
    }
  }

  async expire(record: StoredIdempotencyRecord, nowMs: number): Promise<'expired' | 'changed'> {
    const { condition, values } = unchanged(record);
    // Powertools overwrites a record whose `expiration` (seconds) is before now; an in-progress
    // expiry is moved into the past too, so the record reads as over from every angle.
    const sets = ['#expiry = :past'];
    const setValues: Item = { ':past': Math.floor(nowMs / 1000) - 1 };
    if (record.inProgressExpiresAt !== undefined) {
      sets.push('#ipe = :now_ms');
      setValues[':now_ms'] = Math.min(record.inProgressExpiresAt, nowMs - 1);
    }
    return (await this.conditionalUpdate(record.key, `SET ${sets.join(', ')}`, condition, {
      ...values,
      ...setValues,
    }))
      ? 'expired'
      : 'changed';
  }

  async endInProgress(record: StoredIdempotencyRecord, nowMs: number): Promise<'ended' | 'changed'> {
    const { condition, values } = unchanged(record);
    return (await this.conditionalUpdate(record.key, 'SET #ipe = :now_ms', condition, {
      ...values,
      ':now_ms': nowMs,
    }))
      ? 'ended'
      : 'changed';
  }

  private async conditionalUpdate(key: string, update: string, condition: string, values: Item) {
    const used = Object.fromEntries(
      Object.entries(NAMES).filter(([name]) => update.includes(name) || condition.includes(name)),
    );
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [A.keyAttr]: key },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(#id) AND ${condition}`,
          ExpressionAttributeNames: { ...used, '#id': A.keyAttr },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw translateAwsError(`DynamoDB UpdateItem ${key}`, error);
    }
  }
}
