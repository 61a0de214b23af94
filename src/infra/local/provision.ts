/**
 * The emulators' side of applying a plan: what they hold now (observe), then the changes planDiff
 * found, made through the same SDK calls a client would use — tables created or given their new
 * indexes (kept on disk, so usually already there), queues created or given their attributes (in
 * memory, so new on every start), state machines created, updated or replaced; queues and state
 * machines the plan dropped are deleted. Tables are never deleted (planDiff refuses that).
 */
import type {
  AttributeDefinition,
  CreateTableCommandInput,
  DynamoDBClient,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID } from '../aws/clients.js';
import { dynamodbSdk, sfnSdk, sqsSdk } from '../aws/sdk.js';
import { type IndexSpec, type KeyAttribute, keyName, keyType } from '../resources.js';
import { rebuildTable } from './tableRebuild.js';
import type { LocalPlan, PlannedQueue, PlannedTable } from './template/localPlan.js';
import type {
  LocalChange,
  Observed,
  ObservedQueue,
  ObservedStateMachine,
  ObservedTable,
} from './template/planDiff.js';
import { ResourceType } from './template/resourceKinds.js';

const { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, ResourceNotFoundException } =
  dynamodbSdk;
const {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  UpdateStateMachineCommand,
} = sfnSdk;
const {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
} = sqsSdk;

export interface EmulatorClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sfn: SFNClient;
}

export interface QueueAddress {
  readonly url: string;
  readonly arn: string;
}

/** Where the plan's queues and state machines are, once applied. */
export interface Provisioned {
  readonly queues: ReadonlyMap<string, QueueAddress>;
  readonly stateMachines: ReadonlyMap<string, string>;
}

const ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/payroll-ops-local`;
const unique = <T>(items: readonly T[]) => [...new Set(items)];

async function observeTable(dynamodb: DynamoDBClient, name: string): Promise<ObservedTable | undefined> {
  try {
    const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    const types = new Map(
      (table?.AttributeDefinitions ?? []).map((d) => [d.AttributeName!, d.AttributeType!]),
    );
    const keys = (schema: KeySchemaElement[] | undefined) => {
      const key = (role: string): KeyAttribute | undefined => {
        const attribute = schema?.find((element) => element.KeyType === role)?.AttributeName;
        if (attribute === undefined) return undefined;
        const type = (types.get(attribute) ?? 'S') as 'S' | 'N' | 'B';
        return type === 'S' ? attribute : { name: attribute, type };
      };
      const sortKey = key('RANGE');
      return { partitionKey: key('HASH') ?? '', ...(sortKey ? { sortKey } : {}) };
    };
    return {
      ...keys(table?.KeySchema),
      gsis: (table?.GlobalSecondaryIndexes ?? []).map((gsi) => ({
        name: gsi.IndexName!,
        ...keys(gsi.KeySchema),
      })),
    };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function observeQueue(sqs: SQSClient, name: string): Promise<ObservedQueue | undefined> {
  let url: string;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
  } catch (error) {
    if ((error as { name?: string }).name?.includes('QueueDoesNotExist')) return undefined;
    throw error;
  }
  const answer = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  const attributes: Readonly<Record<string, string>> = answer.Attributes ?? {};
  const count = (name: string) => Number(attributes[name] ?? 0);
  return {
    url,
    attributes,
    messages:
      count('ApproximateNumberOfMessages') +
      count('ApproximateNumberOfMessagesNotVisible') +
      count('ApproximateNumberOfMessagesDelayed'),
  };
}

async function observeStateMachines(sfn: SFNClient, names: readonly string[]) {
  const arns = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    for (const machine of page.stateMachines ?? []) arns.set(machine.name!, machine.stateMachineArn!);
    nextToken = page.nextToken;
  } while (nextToken);
  const observed = new Map<string, ObservedStateMachine>();
  for (const name of names) {
    const arn = arns.get(name);
    if (!arn) continue;
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    observed.set(name, { arn, type: described.type ?? 'STANDARD', definition: described.definition ?? '' });
  }
  return observed;
}

/** What the emulators hold of every table, queue and state machine the plans name. */
export async function observe(clients: EmulatorClients, plans: readonly LocalPlan[]): Promise<Observed> {
  const tableNames = unique(plans.flatMap((plan) => plan.tables.map((table) => table.name)));
  const queueNames = unique(plans.flatMap((plan) => plan.queues.map((queue) => queue.name)));
  const machineNames = unique(plans.flatMap((plan) => plan.stateMachines.map((machine) => machine.name)));
  const [tables, queues, stateMachines] = await Promise.all([
    Promise.all(tableNames.map(async (name) => [name, await observeTable(clients.dynamodb, name)] as const)),
    Promise.all(queueNames.map(async (name) => [name, await observeQueue(clients.sqs, name)] as const)),
    observeStateMachines(clients.sfn, machineNames),
  ]);
  const present = <T>(entries: readonly (readonly [string, T | undefined])[]) =>
    new Map(entries.filter((entry): entry is readonly [string, T] => entry[1] !== undefined));
  return { tables: present(tables), queues: present(queues), stateMachines };
}

function keySchema(keys: { partitionKey: KeyAttribute; sortKey?: KeyAttribute }): KeySchemaElement[] {
  return [
    { AttributeName: keyName(keys.partitionKey), KeyType: 'HASH' },
    ...(keys.sortKey ? [{ AttributeName: keyName(keys.sortKey), KeyType: 'RANGE' as const }] : []),
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
const gsiCreate = (index: IndexSpec) => ({
  IndexName: index.name,
  KeySchema: keySchema(index),
  Projection: { ProjectionType: 'ALL' as const },
});
const sameKeys = (a: IndexSpec, b: IndexSpec) =>
  JSON.stringify(keySchema(a)) === JSON.stringify(keySchema(b)) &&
  JSON.stringify(attributeDefinitions(indexKeys(a))) === JSON.stringify(attributeDefinitions(indexKeys(b)));

const createTable = (table: PlannedTable): CreateTableCommandInput => ({
  TableName: table.name,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: keySchema(table),
  AttributeDefinitions: attributeDefinitions([
    table.partitionKey,
    table.sortKey,
    ...table.gsis.flatMap(indexKeys),
  ]),
  ...(table.gsis.length ? { GlobalSecondaryIndexes: table.gsis.map(gsiCreate) } : {}),
});

async function applyTable(
  dynamodb: DynamoDBClient,
  home: string,
  table: PlannedTable,
  observed: ObservedTable | undefined,
) {
  if (!observed) {
    await dynamodb.send(new CreateTableCommand(createTable(table)));
    return;
  }
  const sameIndexes =
    observed.gsis.length === table.gsis.length &&
    table.gsis.every((index) =>
      observed.gsis.some((held) => held.name === index.name && sameKeys(held, index)),
    );
  // dynalite's UpdateTable cannot add or drop an index: the table is made anew with its items.
  if (!sameIndexes) await rebuildTable(dynamodb, home, createTable(table));
}

async function applyQueue(
  sqs: SQSClient,
  queue: PlannedQueue,
  observed: ObservedQueue | undefined,
): Promise<string> {
  const { FifoQueue, ContentBasedDeduplication, ...mutable } = queue.attributes;
  const replacing = observed !== undefined && (observed.attributes.FifoQueue === 'true') !== queue.fifo;
  if (observed && !replacing) {
    // The redrive policy is removed by setting it empty.
    const attributes = {
      RedrivePolicy: '',
      ...mutable,
      ...(ContentBasedDeduplication ? { ContentBasedDeduplication } : {}),
    };
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: observed.url, Attributes: attributes }));
    return observed.url;
  }
  if (observed) await sqs.send(new DeleteQueueCommand({ QueueUrl: observed.url }));
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: queue.name,
      Attributes: {
        ...mutable,
        ...(FifoQueue ? { FifoQueue } : {}),
        ...(ContentBasedDeduplication ? { ContentBasedDeduplication } : {}),
      },
    }),
  );
  return created.QueueUrl!;
}

/** A queue's redrive target must exist before it: dead-letter queues first. */
const deadLettersFirst = (queues: readonly PlannedQueue[]) =>
  [...queues].sort(
    (a, b) =>
      Number(a.attributes.RedrivePolicy !== undefined) - Number(b.attributes.RedrivePolicy !== undefined),
  );

/** What one apply created, so that a failure part way can take it back. */
interface Created {
  readonly tables: string[];
  readonly queueUrls: string[];
  readonly stateMachineArns: string[];
}

/**
 * Takes back what a failed apply created — all of it new and empty, nothing else uses it yet — so
 * that a failure leaves the emulators as they were, as far as creations go. Best effort: the
 * failure that stopped the apply is the one reported.
 */
async function undoCreations(clients: EmulatorClients, created: Created): Promise<void> {
  const attempts = [
    ...created.stateMachineArns.map((stateMachineArn) =>
      clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn })),
    ),
    ...created.queueUrls.map((QueueUrl) => clients.sqs.send(new DeleteQueueCommand({ QueueUrl }))),
    ...created.tables.map((TableName) => clients.dynamodb.send(new DeleteTableCommand({ TableName }))),
  ];
  await Promise.allSettled(attempts);
}

/** Makes `changes` (none refused) in the emulators; returns where the plan's queues and machines are. */
export async function applyToEmulators(
  clients: EmulatorClients,
  observed: Observed,
  changes: readonly LocalChange[],
  plan: LocalPlan,
  home: string,
): Promise<Provisioned> {
  const created: Created = { tables: [], queueUrls: [], stateMachineArns: [] };
  try {
    return await makeChanges(clients, observed, changes, plan, home, created);
  } catch (error) {
    await undoCreations(clients, created);
    throw error;
  }
}

async function makeChanges(
  clients: EmulatorClients,
  observed: Observed,
  changes: readonly LocalChange[],
  plan: LocalPlan,
  home: string,
  created: Created,
): Promise<Provisioned> {
  const changed = (resourceTypes: readonly string[], name: string) =>
    changes.find((change) => resourceTypes.includes(change.resourceType) && change.name === name);
  await Promise.all(
    plan.tables
      .filter((table) => changed([table.resourceType], table.name))
      .map(async (table) => {
        const held = observed.tables.get(table.name);
        await applyTable(clients.dynamodb, home, table, held);
        if (!held) created.tables.push(table.name);
      }),
  );
  const queues = new Map<string, QueueAddress>();
  for (const queue of deadLettersFirst(plan.queues)) {
    const held = observed.queues.get(queue.name);
    const url =
      changed([ResourceType.Queue], queue.name) || !held
        ? await applyQueue(clients.sqs, queue, held)
        : held.url;
    if (!held) created.queueUrls.push(url);
    queues.set(queue.name, { url, arn: queue.arn });
  }
  const stateMachines = new Map<string, string>();
  for (const machine of plan.stateMachines) {
    const held = observed.stateMachines.get(machine.name);
    const change = changed([ResourceType.StateMachine], machine.name);
    if (held && change?.impact === 'WILL_UPDATE') {
      await clients.sfn.send(
        new UpdateStateMachineCommand({ stateMachineArn: held.arn, definition: machine.definition }),
      );
    }
    if (held && change?.impact !== 'WILL_REPLACE') {
      stateMachines.set(machine.name, held.arn);
      continue;
    }
    // Running executions keep the definition they started with, as on AWS.
    if (held) await clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: held.arn }));
    const made = await clients.sfn.send(
      new CreateStateMachineCommand({
        name: machine.name,
        definition: machine.definition,
        roleArn: ROLE_ARN,
        type: machine.type,
      }),
    );
    if (!held) created.stateMachineArns.push(made.stateMachineArn!);
    stateMachines.set(machine.name, made.stateMachineArn!);
  }
  for (const removal of changes.filter((change) => change.change === 'remove')) {
    const queue = observed.queues.get(removal.name);
    if (removal.resourceType === ResourceType.Queue && queue)
      await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
    const machine = observed.stateMachines.get(removal.name);
    if (removal.resourceType === ResourceType.StateMachine && machine) {
      await clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: machine.arn }));
    }
  }
  return { queues, stateMachines };
}
