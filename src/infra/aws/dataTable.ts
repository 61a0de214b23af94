/**
 * The data table as the stores see it: get, conditional put/update/delete that report whether the
 * condition held, paginated queries and batch writes. The only place the stores' SDK calls go
 * through, so every SDK error is translated here.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, translateAwsError } from './awsErrors.js';
import { type BatchWriteOptions, batchWrite, type WriteRequest } from './batchWriter.js';
import type { ItemKey } from './keys.js';
import { documentsSdk } from './sdk.js';
import type { GSI1 } from './tables.js';

const { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } = documentsSdk;

export type Item = Record<string, unknown>;

export interface Expression {
  readonly expression: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface UpdateSpec {
  readonly update: string;
  readonly condition?: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface QuerySpec {
  /** Query the sparse index `gsi1` (on gsi1pk/gsi1sk) instead of the table. */
  readonly index?: typeof GSI1;
  readonly pk: string;
  readonly skPrefix?: string;
  readonly newestFirst?: boolean;
  readonly limit?: number;
  readonly filter?: Expression;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

/** An item without its key attributes: the record the store keeps. */
export function withoutKeys(item: Item): Item {
  const copy: Item = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy;
}

function expressionParts(
  names?: Readonly<Record<string, string>>,
  values?: Readonly<Record<string, unknown>>,
) {
  return {
    ...(names && Object.keys(names).length > 0 ? { ExpressionAttributeNames: { ...names } } : {}),
    ...(values && Object.keys(values).length > 0 ? { ExpressionAttributeValues: { ...values } } : {}),
  };
}

/** The request fields of an optional condition expression. */
function conditionParts(condition: Expression | undefined) {
  return condition
    ? { ConditionExpression: condition.expression, ...expressionParts(condition.names, condition.values) }
    : {};
}

export class DataTable {
  constructor(
    readonly documents: DynamoDBDocumentClient,
    readonly name: string,
    private readonly batchOptions: BatchWriteOptions = {},
  ) {}

  async get(key: ItemKey): Promise<Item | undefined> {
    try {
      const output = await this.documents.send(
        new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }),
      );
      return output.Item;
    } catch (error) {
      throw translateAwsError('DynamoDB GetItem', error);
    }
  }

  /** Puts the item; false when `condition` did not hold (nothing was written). */
  async put(item: Item, condition?: Expression): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.name,
          Item: item,
          ...conditionParts(condition),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionalCheckFailed(error)) return false;
      throw translateAwsError('DynamoDB PutItem', error);
    }
  }

  /** Updates the item; the attributes afterwards, or undefined when the condition did not hold. */
  async update(key: ItemKey, spec: UpdateSpec): Promise<Item | undefined> {
    try {
      const output = await this.documents.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key,
          UpdateExpression: spec.update,
          ...(spec.condition ? { ConditionExpression: spec.condition } : {}),
          ...expressionParts(spec.names, spec.values),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return output.Attributes ?? {};
    } catch (error) {
      if (spec.condition && isConditionalCheckFailed(error)) return undefined;
      throw translateAwsError('DynamoDB UpdateItem', error);
    }
  }

  /** Deletes the item; false when `condition` did not hold. */
  async delete(key: ItemKey, condition?: Expression): Promise<boolean> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.name,
          Key: key,
          ...conditionParts(condition),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionalCheckFailed(error)) return false;
      throw translateAwsError('DynamoDB DeleteItem', error);
    }
  }

  /** Every matching item (all pages), or the first `limit` of them. */
  async query(spec: QuerySpec): Promise<Item[]> {
    const pkName = spec.index ? 'gsi1pk' : 'pk';
    const skName = spec.index ? 'gsi1sk' : 'sk';
    const names: Record<string, string> = { '#pk': pkName, ...spec.filter?.names };
    const values: Record<string, unknown> = { ':pk': spec.pk, ...spec.filter?.values };
    let keyCondition = '#pk = :pk';
    if (spec.skPrefix !== undefined) {
      names['#sk'] = skName;
      values[':skPrefix'] = spec.skPrefix;
      keyCondition += ' AND begins_with(#sk, :skPrefix)';
    }
    const input: QueryCommandInput = {
      TableName: this.name,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: !spec.newestFirst,
      // Secondary indexes are eventually consistent by nature; the table is read consistently
      // because a step often reads what the previous step wrote a moment ago.
      ...(spec.index ? { IndexName: spec.index } : { ConsistentRead: true }),
      ...(spec.filter ? { FilterExpression: spec.filter.expression } : {}),
      // Limit counts items before the filter, so a filtered query reads whole pages.
      ...(spec.limit !== undefined && !spec.filter ? { Limit: spec.limit } : {}),
    };
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      try {
        const output = await this.documents.send(
          new QueryCommand(startKey ? { ...input, ExclusiveStartKey: startKey } : input),
        );
        items.push(...(output.Items ?? []));
        startKey = output.LastEvaluatedKey;
      } catch (error) {
        throw translateAwsError('DynamoDB Query', error);
      }
    } while (startKey && (spec.limit === undefined || items.length < spec.limit));
    return spec.limit === undefined ? items : items.slice(0, spec.limit);
  }

  /** Unconditional puts in batches (see batchWriter.ts). */
  putAll(items: readonly Item[]): Promise<void> {
    return this.writeAll(items.map((item) => ({ PutRequest: { Item: item } })));
  }

  deleteAll(keys: readonly ItemKey[]): Promise<void> {
    return this.writeAll(keys.map((key) => ({ DeleteRequest: { Key: key } })));
  }

  writeAll(requests: readonly WriteRequest[]): Promise<void> {
    return batchWrite(this.documents, this.name, requests, this.batchOptions);
  }
}
