/**
 * The DynamoDB and SQS adapters on dynalite and fauxqs (behind the signing front), with the
 * tables and queues of the local stack created: for adapter and contract tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../src/core/ports.js';
import { LOCAL_REGION } from '../../src/infra/aws/clients.js';
import { type AwsSagaPorts, createSagaPorts } from '../../src/infra/aws/sagaPorts.js';
import { PAYROLL_QUEUES, PAYROLL_TABLES } from '../../src/infra/aws/tables.js';
import { keyName, keyType } from '../../src/infra/resources.js';
import { startSignedEmulators } from './signedEmulators.js';

export interface DynamoPorts {
  readonly ports: AwsSagaPorts;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  close(): Promise<void>;
}

export async function createTables(client: DynamoDBClient): Promise<void> {
  for (const table of PAYROLL_TABLES) {
    const keyAttributes = [
      table.partitionKey,
      table.sortKey,
      ...(table.gsis ?? []).flatMap((g) => [g.partitionKey, g.sortKey]),
    ];
    const definitions = new Map(
      keyAttributes
        .filter((k) => k !== undefined)
        .map((k) => [keyName(k), { AttributeName: keyName(k), AttributeType: keyType(k) }]),
    );
    const schema = (pk: typeof table.partitionKey, sk?: typeof table.sortKey) => [
      { AttributeName: keyName(pk), KeyType: 'HASH' as const },
      ...(sk ? [{ AttributeName: keyName(sk), KeyType: 'RANGE' as const }] : []),
    ];
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: schema(table.partitionKey, table.sortKey),
        AttributeDefinitions: [...definitions.values()],
        ...(table.gsis?.length
          ? {
              GlobalSecondaryIndexes: table.gsis.map((g) => ({
                IndexName: g.name,
                KeySchema: schema(g.partitionKey, g.sortKey),
                Projection: { ProjectionType: 'ALL' as const },
              })),
            }
          : {}),
      }),
    );
  }
}

/** `home` holds the LevelDB files and the signing credentials; removed on close. */
export async function startDynamoPorts(clock: Clock): Promise<DynamoPorts> {
  const home = await mkdtemp(join(tmpdir(), 'payroll-ops-ports-'));
  const emulators = await startSignedEmulators(home);
  const local = { region: LOCAL_REGION, credentials: emulators.credentials, endpoint: emulators.endpoint };
  const dynamodb = new DynamoDBClient(local);
  const sqs = new SQSClient({ ...local, useQueueUrlAsEndpoint: false });
  await createTables(dynamodb);
  for (const queue of PAYROLL_QUEUES) await sqs.send(new CreateQueueCommand({ QueueName: queue.name }));
  const ports = createSagaPorts({
    dynamodb,
    sqs,
    queueUrl: async (name) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!,
    clock,
  });
  return {
    ports,
    dynamodb,
    sqs,
    async close() {
      dynamodb.destroy();
      sqs.destroy();
      await emulators.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
