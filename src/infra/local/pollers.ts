/**
 * SQS event source mappings: long-poll a queue, hand batches to a handler, delete what succeeded.
 * As on AWS, a throwing handler fails the whole batch (every message becomes visible again after
 * the visibility timeout, so the queue's redrive policy moves a poison message to its DLQ after
 * maxReceiveCount); with reportBatchItemFailures only the listed messages are kept.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { describeError } from '../../core/errors.js';
import { LOCAL_REGION } from '../aws/clients.js';
import { sqsSdk } from '../aws/sdk.js';
import type { EventSourceMappingSpec } from '../resources.js';
import type { ActivityTracker } from './activity.js';
import type { LambdaInvoker } from './lambdaRuntime.js';

const { DeleteMessageBatchCommand, ReceiveMessageCommand } = sqsSdk;

export interface PollerDeps {
  readonly sqs: SQSClient;
  readonly queues: ReadonlyMap<string, { readonly url: string; readonly arn: string }>;
  readonly invoke: LambdaInvoker;
  readonly activity: ActivityTracker;
  readonly log: (line: string) => void;
}

export interface Pollers {
  /** Stops polling and waits for the batches in flight to finish. */
  stop(): Promise<void>;
}

const LONG_POLL_SECONDS = 20;
const DEFAULT_CONCURRENCY = 2;

function sqsEvent(messages: readonly Message[], queueArn: string) {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId,
      receiptHandle: message.ReceiptHandle,
      body: message.Body ?? '',
      attributes: message.Attributes ?? {},
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            stringValue: value.StringValue,
            binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
            stringListValues: [],
            binaryListValues: [],
            dataType: value.DataType,
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: LOCAL_REGION,
    })),
  };
}

/**
 * The message ids to keep for redelivery, from a handler's answer. A malformed answer fails the
 * whole batch, as Lambda does.
 */
export function failedMessageIds(
  result: unknown,
  messages: readonly Message[],
  reportBatchItemFailures: boolean,
): ReadonlySet<string> {
  const all = new Set(messages.map((message) => message.MessageId ?? ''));
  if (!reportBatchItemFailures || result === null || typeof result !== 'object') return new Set();
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    ids.add(id);
  }
  return ids;
}

export function startPollers(mappings: readonly EventSourceMappingSpec[], deps: PollerDeps): Pollers {
  const controller = new AbortController();
  const { signal } = controller;

  async function processBatch(mapping: EventSourceMappingSpec, queueUrl: string, queueArn: string) {
    const received = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(Math.max(mapping.batchSize, 1), 10),
        WaitTimeSeconds: LONG_POLL_SECONDS,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return;
    const done = deps.activity.begin();
    try {
      let failed: ReadonlySet<string>;
      try {
        const result = await deps.invoke(mapping.functionName, sqsEvent(messages, queueArn));
        failed = failedMessageIds(result, messages, mapping.reportBatchItemFailures);
      } catch (error) {
        deps.log(`${mapping.functionName} failed a batch of ${messages.length}: ${describeError(error)}`);
        return;
      }
      const succeeded = messages.filter((message) => !failed.has(message.MessageId ?? ''));
      if (succeeded.length === 0) return;
      await deps.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: succeeded.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    } finally {
      done();
    }
  }

  async function poll(mapping: EventSourceMappingSpec): Promise<void> {
    const queue = deps.queues.get(mapping.queueName);
    if (!queue) {
      deps.log(`event source mapping skipped: no queue ${mapping.queueName}`);
      return;
    }
    while (!signal.aborted) {
      try {
        await processBatch(mapping, queue.url, queue.arn);
      } catch (error) {
        if (signal.aborted) return;
        deps.log(`poller for ${mapping.queueName}: ${describeError(error)}; retrying in 1 s`);
        await sleep(1_000, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  const loops = mappings.flatMap((mapping) =>
    Array.from({ length: mapping.maximumConcurrency ?? DEFAULT_CONCURRENCY }, () => poll(mapping)),
  );
  return {
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
    },
  };
}
