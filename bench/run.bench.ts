/**
 * `npm run build && npm run bench:run [-- 10000 100000]`
 *
 * A whole pay run end to end on the embedded local stack — the real state machine, handlers,
 * Powertools idempotency, DynamoDB and SQS emulators — for 10k and 100k monthly employees: wall
 * time from the start request to COMPLETED, employees/s and the process's peak RSS (the host runs
 * in this process, as `payroll-ops local start` would). In the same run, the floor: the embedded
 * DynamoDB's raw BatchWriteItem time for as many items as the run wrote, of the same size, in a
 * scratch table. Aim (issue 4): run time ≤ 3 × that floor, and linear growth from 10k to 100k.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { parsePeriod } from '../src/core/periodParser.js';
import { RunStatus } from '../src/core/saga/steps.js';
import { DATA_TABLE_NAME } from '../src/infra/aws/tables.js';
import { setUpBenchEmployer, startBenchHost, startBenchRun, waitForRun } from './support.js';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const SIZES = sizes.length > 0 ? sizes : [10_000, 100_000];

interface Written {
  readonly items: number;
  readonly bytes: number;
}

/** Counts what the run left in its partition plus the year-to-date rows it rolled forward. */
async function countWritten(dynamodb: DynamoDBClient, pks: readonly string[]): Promise<Written> {
  let items = 0;
  let bytes = 0;
  for (const pk of pks) {
    let start: Record<string, never> | undefined;
    do {
      const out = await dynamodb.send(
        new QueryCommand({
          TableName: DATA_TABLE_NAME,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        items++;
        bytes += JSON.stringify(item).length;
      }
      start = out.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
  }
  return { items, bytes };
}

/** The floor: BatchWriteItem of `count` items of `size` bytes, 25 per call, 8 calls in flight. */
async function rawBatchWrite(
  dynamodb: DynamoDBClient,
  table: string,
  count: number,
  size: number,
): Promise<number> {
  const padding = 'x'.repeat(Math.max(0, size - 60));
  const batches: number[][] = [];
  for (let i = 0; i < count; i += 25)
    batches.push(Array.from({ length: Math.min(25, count - i) }, (_, k) => i + k));
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as number[];
      let requests = batch.map((i) => ({
        PutRequest: {
          Item: { pk: { S: `RAW#${Math.floor(i / 1000)}` }, sk: { S: `ITEM#${i}` }, data: { S: padding } },
        },
      }));
      while (requests.length > 0) {
        const out = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return performance.now() - started;
}

async function benchSize(employees: number) {
  const bench = await startBenchHost('run');
  const { clients, ports } = bench;
  try {
    await setUpBenchEmployer(ports, employees);
    const period = parsePeriod('2026-03');

    const started = performance.now();
    const { runId } = await startBenchRun(bench, period);
    const { status } = await waitForRun(ports, runId);
    const runMs = performance.now() - started;
    if (status !== RunStatus.Completed) throw new Error(`bench run ended ${status}`);

    const written = await countWritten(clients.dynamodb, [`RUN#${runId}`]);
    const ytdRows = employees; // CloseRun rolls one year-to-date row forward per employee.
    const items = written.items + ytdRows;
    const itemSize = Math.round(written.bytes / Math.max(1, written.items));
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: 'bench-raw',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const rawMs = await rawBatchWrite(clients.dynamodb, 'bench-raw', items, itemSize);
    return { employees, runMs, items, itemSize, rawMs, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await bench.close();
  }
}

const results = [];
for (const size of SIZES) {
  const r = await benchSize(size);
  results.push(r);
  console.log(
    `${r.employees} employees: run ${(r.runMs / 1000).toFixed(2)} s (${Math.round(r.employees / (r.runMs / 1000))} employees/s), ` +
      `${r.items} items written (~${r.itemSize} B each); raw BatchWriteItem of ${r.items} items ${(r.rawMs / 1000).toFixed(2)} s; ` +
      `ratio run/raw ${(r.runMs / r.rawMs).toFixed(2)}; peak RSS so far ${r.peakRssMb.toFixed(0)} MB`,
  );
}
if (results.length >= 2) {
  const [a, b] = [results[0]!, results[results.length - 1]!];
  console.log(
    `growth ${a.employees} → ${b.employees} employees (×${(b.employees / a.employees).toFixed(0)}): run time ×${(b.runMs / a.runMs).toFixed(2)}, raw floor ×${(b.rawMs / a.rawMs).toFixed(2)}`,
  );
}
