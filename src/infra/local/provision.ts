/**
 * Creates the app's resources in the emulators on every host start, idempotently: tables (kept on
 * disk, so usually there already; missing GSIs are added), queues with their DLQs and redrive
 * policies (in memory, so always new), and state machines (created or updated to the definition).
 */
import type { AttributeDefinition, DynamoDBClient, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID } from '../aws/clients.js';
import { dynamodbSdk, sfnSdk, sqsSdk } from '../aws/sdk.js';
import {
  type IndexSpec,
  type KeyAttribute,
  keyName,
  keyType,
  type QueueSpec,
  type StateMachineSpec,
  type TableSpec,
} from '../resources.js';

const { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, UpdateTableCommand } =
  dynamodbSdk;
const { CreateStateMachineCommand, ListStateMachinesCommand, UpdateStateMachineCommand } = sfnSdk;
const { CreateQueueCommand, GetQueueAttributesCommand } = sqsSdk;

export interface QueueAddress {
  readonly url: string;
  readonly arn: string;
}

const ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/payroll-ops-local`;

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: keyName(partitionKey), KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: keyName(sortKey), KeyType: 'RANGE' as const }] : []),
  ];
}

function attributeDefinitions(keys: readonly (KeyAttribute | undefined)[]): AttributeDefinition[] {
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) {
    if (key !== undefined)
      byName.set(keyName(key), { AttributeName: keyName(key), AttributeType: keyType(key) });
  }
  return [...byName.values()];
}

const indexKeys = (index: IndexSpec) => [index.partitionKey, index.sortKey];

function gsiCreate(index: IndexSpec) {
  return {
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  };
}

async function ensureTable(dynamodb: DynamoDBClient, table: TableSpec): Promise<void> {
  const gsis = table.gsis ?? [];
  let existing: Set<string> | undefined;
  try {
    const described = await dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    existing = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((gsi) => gsi.IndexName ?? ''));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (existing === undefined) {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        AttributeDefinitions: attributeDefinitions([
          table.partitionKey,
          table.sortKey,
          ...gsis.flatMap(indexKeys),
        ]),
        ...(gsis.length ? { GlobalSecondaryIndexes: gsis.map(gsiCreate) } : {}),
      }),
    );
    return;
  }
  for (const index of gsis.filter((gsi) => !existing.has(gsi.name))) {
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: table.name,
        AttributeDefinitions: attributeDefinitions(indexKeys(index)),
        GlobalSecondaryIndexUpdates: [{ Create: gsiCreate(index) }],
      }),
    );
  }
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<QueueAddress> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = created.QueueUrl!;
  const described = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: described.Attributes?.QueueArn ?? '' };
}

async function ensureQueue(sqs: SQSClient, queue: QueueSpec, into: Map<string, QueueAddress>) {
  const fifo = queue.fifo === true || queue.name.endsWith('.fifo');
  const base: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
  const attributes: Record<string, string> = {
    ...base,
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
  };
  if (queue.dlq) {
    const dlq = await createQueue(sqs, queue.dlq.name, base);
    into.set(queue.dlq.name, dlq);
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: queue.dlq.maxReceiveCount,
    });
  }
  into.set(queue.name, await createQueue(sqs, queue.name, attributes));
}

async function ensureStateMachines(sfn: SFNClient, machines: readonly StateMachineSpec[]) {
  const arns = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    for (const machine of page.stateMachines ?? []) arns.set(machine.name!, machine.stateMachineArn!);
    nextToken = page.nextToken;
  } while (nextToken);
  for (const machine of machines) {
    const definition = JSON.stringify(machine.definition);
    const arn = arns.get(machine.name);
    if (arn) {
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition }));
    } else {
      const created = await sfn.send(
        new CreateStateMachineCommand({ name: machine.name, definition, roleArn: ROLE_ARN }),
      );
      arns.set(machine.name, created.stateMachineArn!);
    }
  }
  return arns;
}

export interface Provisioned {
  readonly queues: ReadonlyMap<string, QueueAddress>;
  readonly stateMachines: ReadonlyMap<string, string>;
}

export async function provision(
  clients: { readonly dynamodb: DynamoDBClient; readonly sqs: SQSClient; readonly sfn: SFNClient },
  app: {
    readonly tables: readonly TableSpec[];
    readonly queues: readonly QueueSpec[];
    readonly stateMachines: readonly StateMachineSpec[];
  },
): Promise<Provisioned> {
  await Promise.all(app.tables.map((table) => ensureTable(clients.dynamodb, table)));
  const queues = new Map<string, QueueAddress>();
  for (const queue of app.queues) await ensureQueue(clients.sqs, queue, queues);
  const stateMachines = await ensureStateMachines(clients.sfn, app.stateMachines);
  return { queues, stateMachines };
}
