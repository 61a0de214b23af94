/**
 * The embedded stack through the real SDK clients: an in-process host on a temporary data folder,
 * running a small test app.
 */

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import {
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, OperationFailedError } from '../../src/core/errors.js';
import { type AwsClients, clientsFor } from '../../src/infra/aws/clients.js';
import { type RunningHost, startHost } from '../../src/infra/local/host.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { nextFirings } from '../../src/infra/local/scheduler.js';
import type { LocalApp } from '../../src/infra/resources.js';
import { until } from '../support/until.js';

/** How often each handler saw each message body. */
const seen = new Map<string, number>();
const see = (body: string) => seen.set(body, (seen.get(body) ?? 0) + 1);
type SqsEvent = { Records: { messageId: string; body: string }[] };

const testApp: LocalApp = {
  tables: [
    {
      name: 'payslips',
      partitionKey: 'pk',
      sortKey: 'sk',
      gsis: [{ name: 'byRun', partitionKey: 'runId', sortKey: 'sk' }],
    },
  ],
  queues: [
    { name: 'bank', visibilityTimeoutSeconds: 1, dlq: { name: 'bank-dlq', maxReceiveCount: 2 } },
    { name: 'delivery', visibilityTimeoutSeconds: 1, dlq: { name: 'delivery-dlq', maxReceiveCount: 5 } },
  ],
  lambdas: {
    // Fails every batch holding a poison message: the whole batch is retried, then dead-lettered.
    bankGateway: async (event) => {
      for (const record of (event as SqsEvent).Records) see(record.body);
      if ((event as SqsEvent).Records.some((record) => record.body.startsWith('poison'))) {
        throw new Error('bank rejected the file');
      }
    },
    // Reports the `fail-*` messages as failed on their first delivery only.
    payslipDelivery: async (event) => {
      const failures = (event as SqsEvent).Records.filter((record) => {
        see(record.body);
        return record.body.startsWith('fail') && seen.get(record.body) === 1;
      });
      return { batchItemFailures: failures.map((record) => ({ itemIdentifier: record.messageId })) };
    },
    offCycle: async (event) => {
      const request = event as { pathParameters: { employer: string }; body: string };
      return {
        statusCode: 202,
        body: JSON.stringify({ employer: request.pathParameters.employer, ...JSON.parse(request.body) }),
      };
    },
  },
  eventSourceMappings: [
    {
      queueName: 'bank',
      functionName: 'bankGateway',
      batchSize: 10,
      reportBatchItemFailures: false,
      maximumConcurrency: 1,
    },
    {
      queueName: 'delivery',
      functionName: 'payslipDelivery',
      batchSize: 10,
      reportBatchItemFailures: true,
      maximumConcurrency: 1,
    },
  ],
  stateMachines: [],
  schedules: [],
  api: { routes: [{ method: 'POST', path: '/employers/{employer}/off-cycle', functionName: 'offCycle' }] },
  // Stands in for the outbox: what DynamoDB records as pending goes back on its queue at start.
  recover: async (clients) => {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'delivery' }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'pending-payslip-7' }));
    return { reenqueued: 1 };
  },
};

let home: string;
let host: RunningHost;
let aws: AwsClients;

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>) => until(what, probe, 15_000);

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-localstack-'));
  host = await startHost({ home, app: testApp });
  aws = clientsFor({ kind: 'local', endpoints: host.endpoints, credentials: host.credentials });
});

afterAll(async () => {
  aws?.destroy();
  await host?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the local host', () => {
  it('records its endpoints and pid in host.json', () => {
    const record = readHostRecord(home);
    expect(record?.pid).toBe(process.pid);
    expect(record?.endpoints).toEqual(host.endpoints);
    expect(Object.values(host.endpoints).every((url) => url.startsWith('http://127.0.0.1:'))).toBe(true);
  });

  it('re-enqueues the outbox on start, and the pollers deliver it', async () => {
    expect(host.recovered).toEqual({ executions: [], reenqueued: 1 });
    await waitFor('the pending payslip to be delivered', async () => seen.get('pending-payslip-7'));
    expect(seen.get('pending-payslip-7')).toBe(1);
  });

  it('refuses a second owner of the data folder, naming the owner pid', async () => {
    const second = startHost({ home, app: testApp });
    await expect(second).rejects.toBeInstanceOf(OperationFailedError);
    await expect(second).rejects.toThrow(`pid ${process.pid}`);
    // The first host still serves.
    expect(readHostRecord(home)?.pid).toBe(process.pid);
  });
});

describe('DynamoDB (dynalite)', () => {
  const payslip = (runId: string, employee: string, netCents: number) => ({
    TableName: 'payslips',
    Item: {
      pk: { S: `${runId}#${employee}` },
      sk: { S: 'PAYSLIP' },
      runId: { S: runId },
      net: { N: String(netCents) },
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  });

  it('rejects a second conditional write and keeps the first', async () => {
    await aws.dynamodb.send(new PutItemCommand(payslip('run-a', 'e1', 412_50)));
    await expect(
      aws.dynamodb.send(new PutItemCommand(payslip('run-a', 'e1', 999_99))),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const stored = await aws.dynamodb.send(
      new GetItemCommand({ TableName: 'payslips', Key: { pk: { S: 'run-a#e1' }, sk: { S: 'PAYSLIP' } } }),
    );
    expect(stored.Item?.net?.N).toBe('41250');
  });

  it('queries a run through the GSI', async () => {
    await aws.dynamodb.send(new PutItemCommand(payslip('run-b', 'e1', 100_00)));
    await aws.dynamodb.send(new PutItemCommand(payslip('run-b', 'e2', 200_00)));
    await aws.dynamodb.send(new PutItemCommand(payslip('run-c', 'e1', 300_00)));
    const page = await aws.dynamodb.send(
      new QueryCommand({
        TableName: 'payslips',
        IndexName: 'byRun',
        KeyConditionExpression: 'runId = :run',
        ExpressionAttributeValues: { ':run': { S: 'run-b' } },
      }),
    );
    expect(page.Items?.map((item) => Number(item.net?.N)).sort((a, b) => a - b)).toEqual([100_00, 200_00]);
  });
});

describe('SQS (fauxqs) with event source mappings', () => {
  const queueUrl = (name: string) => host.provisioned.queues.get(name)!.url;

  it('moves a message whose batch keeps failing to the DLQ after maxReceiveCount', async () => {
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('bank'), MessageBody: 'poison-file-1' }));
    const dead = await waitFor('the DLQ to hold the poison message', async () => {
      const out = await aws.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl('bank-dlq'),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      return out.Messages?.length ? out.Messages : undefined;
    });
    expect(dead.map((message) => message.Body)).toEqual(['poison-file-1']);
    expect(seen.get('poison-file-1')).toBe(2);
  });

  it('deletes only the successes of a partially failed batch', async () => {
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('delivery'),
        Entries: ['ok-1', 'fail-1', 'ok-2'].map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
    await waitFor('the failed message to be redelivered', async () =>
      seen.get('fail-1') === 2 ? true : undefined,
    );
    // Give a wrongly kept success a visibility timeout to come back before counting.
    await sleep(1_500);
    expect([seen.get('ok-1'), seen.get('fail-1'), seen.get('ok-2')]).toEqual([1, 2, 1]);
    const left = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl('delivery-dlq'), WaitTimeSeconds: 0 }),
    );
    expect(left.Messages).toBeUndefined();
  });
});

describe('the HTTP API (API Gateway stand-in)', () => {
  const call = (authorization?: string) =>
    fetch(`${host.endpoints.api}/employers/acme/off-cycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ period: '2026-03' }),
    });

  it('answers 401 without the bearer token or with a wrong one', async () => {
    expect((await call()).status).toBe(401);
    expect((await call('Bearer not-the-token')).status).toBe(401);
  });

  it('routes to the handler with the token from the data folder (mode 0600)', async () => {
    const response = await call(`Bearer ${host.apiToken}`);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ employer: 'acme', period: '2026-03' });
    expect(statSync(join(home, 'api-token')).mode & 0o777).toBe(0o600);
  });
});

describe('the scheduler (EventBridge Scheduler stand-in)', () => {
  const saturday = new Date('2026-03-07T00:00:00Z');

  it('reads EventBridge cron expressions in UTC with Quartz day-of-week numbers', () => {
    expect(nextFirings('cron(0 12 ? * MON-FRI *)', 2, saturday).map((date) => date.toISOString())).toEqual([
      '2026-03-09T12:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
    ]);
    // 2 is Monday in EventBridge (1 is Sunday), not Tuesday as in Unix cron.
    expect(nextFirings('cron(30 6 ? * 2 *)', 1, saturday)[0]?.toISOString()).toBe('2026-03-09T06:30:00.000Z');
  });

  it('refuses an expression EventBridge would refuse', () => {
    expect(() => nextFirings('0 12 * * *', 1)).toThrow(BadInputError);
  });
});
