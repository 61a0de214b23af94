/**
 * The bulk writer's requests, checked with aws-sdk-client-mock where the local emulator cannot
 * show them: dynalite never leaves items unprocessed and never throttles, while DynamoDB on AWS
 * does both under a 100k-employee run. Every payslip and year-to-date row goes through here, so
 * an item left behind is a payslip missing from a run that says it is complete.
 */
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { batchWrite, type WriteRequest } from '../../src/infra/aws/batchWriter.js';

const TABLE = 'payroll-ops-data';
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const put = (n: number, amount = n * 100): WriteRequest => ({
  PutRequest: {
    Item: { pk: 'RUN#acme-2026-11-regular', sk: `PAYSLIP#E${String(n).padStart(5, '0')}`, net: amount },
  },
});
const FAST = { baseDelayMs: 1, maxDelayMs: 2 };

function sentItems(): WriteRequest[] {
  return dynamo
    .commandCalls(BatchWriteCommand)
    .flatMap((call) => (call.args[0].input.RequestItems?.[TABLE] ?? []) as WriteRequest[]);
}

describe('batchWrite against DynamoDB behaviour the emulator lacks', () => {
  it('sends 25 items a call and resends only the items DynamoDB left unprocessed, until all are written', async () => {
    const requests = Array.from({ length: 60 }, (_, i) => put(i + 1));
    const leftOnce = new Set<string>();
    dynamo.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => {
      const items = input.RequestItems[TABLE] ?? [];
      // The first time a call carries E00003 or E00030, DynamoDB leaves them (and only them) unwritten.
      const unprocessed = items.filter((item) => {
        const sk = String(item.PutRequest?.Item?.sk);
        if ((sk.endsWith('00003') || sk.endsWith('00030')) && !leftOnce.has(sk)) {
          leftOnce.add(sk);
          return true;
        }
        return false;
      });
      return { UnprocessedItems: unprocessed.length > 0 ? { [TABLE]: unprocessed } : {} };
    });

    await batchWrite(documents, TABLE, requests, FAST);

    const calls = dynamo
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.[TABLE]?.length);
    expect(calls.slice(0, 3).sort()).toEqual([10, 25, 25]);
    expect(calls.length).toBe(5);
    const sks = sentItems().map((item) => String(item.PutRequest?.Item?.sk));
    // Every payslip sent; the two left behind sent exactly twice, the rest once.
    expect(new Set(sks).size).toBe(60);
    expect(sks.filter((sk) => sk.endsWith('00003') || sk.endsWith('00030'))).toHaveLength(4);
    expect(sks).toHaveLength(62);
  });

  it('fails as a transient error, naming the table and the count, when items stay unprocessed', async () => {
    dynamo.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => ({
      UnprocessedItems: { [TABLE]: (input.RequestItems[TABLE] ?? []).slice(0, 2) },
    }));
    const error = await batchWrite(documents, TABLE, [put(1), put(2), put(3)], {
      ...FAST,
      maxAttempts: 4,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DYNAMODB_BATCH_UNPROCESSED', retryable: true });
    expect((error as Error).message).toBe(
      `DynamoDB left 2 of 3 items unwritten in ${TABLE} after 4 attempts.`,
    );
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(4);
  });

  it('turns throttling into a transient error the state machine retries', async () => {
    dynamo
      .on(BatchWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(batchWrite(documents, TABLE, [put(1)], FAST)).rejects.toMatchObject({ retryable: true });
  });

  it('sends one request per key, the last one, as writing them one by one would leave it', async () => {
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    await batchWrite(documents, TABLE, [put(1, 100), put(2), put(1, 999)], FAST);
    const items = sentItems();
    expect(items).toHaveLength(2);
    expect(items.find((i) => String(i.PutRequest?.Item?.sk).endsWith('00001'))?.PutRequest?.Item?.net).toBe(
      999,
    );
  });
});
