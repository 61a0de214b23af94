/**
 * `npm run build && npm run bench:local`
 *
 * The ceilings of the embedded local stack on this machine, which later pay-run figures are
 * compared against: how long `payroll-ops local start --detach` takes until the host answers
 * (first start on an empty data folder, then restarts), raw DynamoDB throughput (conditional
 * PutItem and BatchWriteItem items/s), SQS throughput (send + receive + delete msg/s, one at a
 * time and in batches of 10), and the round-trip of DescribeExecution. Everything runs in a
 * temporary data folder through the built CLI and the same SDK clients the CLI uses.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchWriteItemCommand, CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { type AwsClients, clientsFor, LOCAL_ACCOUNT_ID } from '../src/infra/aws/clients.js';
import { localCredentials } from '../src/infra/local/credentials.js';
import { readHostRecord } from '../src/infra/local/hostRecord.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'bin', 'payroll-ops.js');
const home = mkdtempSync(join(tmpdir(), 'payroll-ops-bench-local-'));
const env = { ...process.env, PAYROLL_OPS_HOME: home, NO_COLOR: '1' };

const CONDITIONAL_PUTS = 3_000;
const BATCH_WRITE_ITEMS = 20_000;
const SINGLE_MESSAGES = 500;
const BATCHED_MESSAGES = 5_000;
const DESCRIBES = 500;
const RESTARTS = 3;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (value: number, digits = 0) => Number(value.toFixed(digits));

function payrollOps(...args: string[]): void {
  execFileSync(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function timeStart(): number {
  const start = performance.now();
  payrollOps('local', 'start', '--detach');
  return performance.now() - start;
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function perSecond(count: number, action: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await action();
  return round(count / ((performance.now() - start) / 1000));
}

async function dynamodbFigures(aws: AwsClients) {
  await aws.dynamodb.send(
    new CreateTableCommand({
      TableName: 'bench',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    }),
  );
  const item = (id: string) => ({ id: { S: id }, net: { N: '412345' }, status: { S: 'CALCULATED' } });
  const conditionalPutsPerSecond = await perSecond(CONDITIONAL_PUTS, () =>
    pool(CONDITIONAL_PUTS, 16, async (i) => {
      await aws.dynamodb.send(
        new PutItemCommand({
          TableName: 'bench',
          Item: item(`put-${i}`),
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
    }),
  );
  const batchWriteItemsPerSecond = await perSecond(BATCH_WRITE_ITEMS, () =>
    pool(BATCH_WRITE_ITEMS / 25, 8, async (batch) => {
      let requests: NonNullable<ConstructorParameters<typeof BatchWriteItemCommand>[0]['RequestItems']> = {
        bench: Array.from({ length: 25 }, (_, j) => ({
          PutRequest: { Item: item(`batch-${batch * 25 + j}`) },
        })),
      };
      while (Object.keys(requests).length > 0) {
        const out = await aws.dynamodb.send(new BatchWriteItemCommand({ RequestItems: requests }));
        requests = out.UnprocessedItems ?? {};
      }
    }),
  );
  return { conditionalPutsPerSecond, batchWriteItemsPerSecond };
}

async function sqsFigures(aws: AwsClients) {
  const { QueueUrl } = await aws.sqs.send(new CreateQueueCommand({ QueueName: 'bench' }));
  const singlePerSecond = await perSecond(SINGLE_MESSAGES, async () => {
    for (let i = 0; i < SINGLE_MESSAGES; i++) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `{"runId":"r","n":${i}}` }));
      const out = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
      const message = out.Messages![0]!;
      await aws.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  });
  let consumed = 0;
  const batchedPerSecond = await perSecond(BATCHED_MESSAGES, async () => {
    const producer = pool(BATCHED_MESSAGES / 10, 4, async (batch) => {
      await aws.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, j) => ({
            Id: String(j),
            MessageBody: `{"n":${batch * 10 + j}}`,
          })),
        }),
      );
    });
    const consumers = Array.from({ length: 4 }, async () => {
      while (consumed < BATCHED_MESSAGES) {
        const out = await aws.sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0) continue;
        consumed += messages.length;
        await aws.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    });
    await Promise.all([producer, ...consumers]);
  });
  return { singlePerSecond, batchedPerSecond };
}

async function describeFigures(aws: AwsClients) {
  const { stateMachineArn } = await aws.sfn.send(
    new CreateStateMachineCommand({
      name: 'bench-pass',
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/bench`,
      definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
    }),
  );
  const { executionArn } = await aws.sfn.send(
    new StartExecutionCommand({ stateMachineArn, name: 'bench', input: '{"runId":"bench"}' }),
  );
  const times: number[] = [];
  for (let i = 0; i < DESCRIBES; i++) {
    const start = performance.now();
    await aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    times.push(performance.now() - start);
  }
  return { medianMs: round(percentile(times, 50), 2), p95Ms: round(percentile(times, 95), 2) };
}

async function main(): Promise<void> {
  try {
    const firstStartMs = round(timeStart());
    const restartMs: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      payrollOps('local', 'stop');
      restartMs.push(round(timeStart()));
    }
    const record = readHostRecord(home)!;
    const aws = clientsFor({
      kind: 'local',
      endpoints: record.endpoints,
      credentials: localCredentials(home),
    });
    const dynamodb = await dynamodbFigures(aws);
    const sqs = await sqsFigures(aws);
    const describeExecution = await describeFigures(aws);
    aws.destroy();
    const results = {
      machine: { cpus: cpus().length, node: process.version, loadAverage1m: round(loadavg()[0]!, 1) },
      startToReadyMs: {
        firstStart: firstStartMs,
        restartMedian: percentile(restartMs, 50),
        restarts: restartMs,
      },
      dynamodb: { ...dynamodb, conditionalPuts: CONDITIONAL_PUTS, batchWriteItems: BATCH_WRITE_ITEMS },
      sqs: { ...sqs, singleMessages: SINGLE_MESSAGES, batchedMessages: BATCHED_MESSAGES },
      describeExecution: { ...describeExecution, calls: DESCRIBES },
    };
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    try {
      payrollOps('local', 'stop');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
}

await main();
