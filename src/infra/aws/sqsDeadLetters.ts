/**
 * The consumer queues' DLQs over SQS. Peeking receives every message with a visibility hold and
 * then releases them at once (visibility 0), so nothing is deleted and the listing sees each
 * message once; a redrive sends the chosen messages back to their source queue, then deletes them
 * from the DLQ (a crash between the two leaves a duplicate, which the idempotent consumers absorb).
 */
import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import {
  type ConsumerQueue,
  type DeadLetter,
  type DeadLetterQueues,
  pointerOf,
} from '../../core/deadLetters.js';
import { InfrastructureError } from '../../core/errors.js';
import { translateAwsError } from './awsErrors.js';
import { sqsSdk } from './sdk.js';
import { PAYROLL_QUEUES, QUEUE_NAMES } from './tables.js';

const {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} = sqsSdk;

/**
 * The message attribute counting redrives. SQS's own receive count starts again with every send,
 * so the count travels on the message: each redrive sends it back one higher.
 */
export const REDRIVE_COUNT_ATTRIBUTE = 'payroll-ops-redrive-count';

/** Long enough to read a whole DLQ before any message shows again; released right after. */
const HOLD_SECONDS = 60;
/** A DLQ holding more than this is a bigger incident than a listing can show. */
const MAX_MESSAGES = 1_000;

export interface SqsDeadLettersOptions {
  readonly sqs: SQSClient;
  /** The URL of a queue by its SQS name. */
  readonly queueUrl: (queueName: string) => Promise<string>;
  /** The target's queue and DLQ names; the local stack's by default. */
  readonly names?: {
    readonly queues: Readonly<Record<ConsumerQueue, string>>;
    readonly dlqs: Readonly<Record<ConsumerQueue, string>>;
  };
}

/** The SQS name of a consumer queue's DLQ, from the queue specs both targets are built from. */
export function dlqNameOf(queue: ConsumerQueue): string {
  const source = QUEUE_NAMES[queue];
  const dlq = PAYROLL_QUEUES.find((spec) => spec.name === source)?.dlq?.name;
  if (!dlq) throw new InfrastructureError('NO_DLQ', `Queue ${source} has no dead-letter queue.`);
  return dlq;
}

function redriveCountOf(message: Message): number {
  const count = Number(message.MessageAttributes?.[REDRIVE_COUNT_ATTRIBUTE]?.StringValue);
  return Number.isSafeInteger(count) && count > 0 ? count : 0;
}

function letterOf(queue: ConsumerQueue, message: Message): DeadLetter {
  const body = message.Body ?? '';
  const sent = Number(message.Attributes?.SentTimestamp);
  const received = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    queue,
    sqsMessageId: message.MessageId ?? '',
    body,
    ...pointerOf(body),
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
    ...(Number.isFinite(received) ? { receiveCount: received } : {}),
    redriveCount: redriveCountOf(message),
  };
}

export class SqsDeadLetters implements DeadLetterQueues {
  constructor(private readonly options: SqsDeadLettersOptions) {}

  /** The SQS name of a consumer queue's DLQ on this target. */
  dlqName(queue: ConsumerQueue): string {
    return this.options.names?.dlqs[queue] ?? dlqNameOf(queue);
  }

  async peek(queue: ConsumerQueue): Promise<readonly DeadLetter[]> {
    const dlqUrl = await this.url(this.dlqName(queue));
    const held = await this.receiveAll(dlqUrl);
    await this.release(dlqUrl, held);
    return held.map((message) => letterOf(queue, message));
  }

  async redrive(
    queue: ConsumerQueue,
    select: (letter: DeadLetter) => boolean,
  ): Promise<readonly DeadLetter[]> {
    const dlqUrl = await this.url(this.dlqName(queue));
    const sourceUrl = await this.url(this.options.names?.queues[queue] ?? QUEUE_NAMES[queue]);
    const held = await this.receiveAll(dlqUrl);
    const moved: DeadLetter[] = [];
    const kept: Message[] = [];
    try {
      for (const message of held) {
        const letter = letterOf(queue, message);
        if (!select(letter)) {
          kept.push(message);
          continue;
        }
        await this.call('SendMessage', (sqs) =>
          sqs.send(
            new SendMessageCommand({
              QueueUrl: sourceUrl,
              MessageBody: message.Body ?? '',
              MessageAttributes: {
                ...attributesOf(message),
                [REDRIVE_COUNT_ATTRIBUTE]: {
                  DataType: 'Number',
                  StringValue: String(letter.redriveCount + 1),
                },
              },
            }),
          ),
        );
        await this.call('DeleteMessage', (sqs) =>
          sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle })),
        );
        moved.push(letter);
      }
    } finally {
      const movedIds = new Set(moved.map((letter) => letter.sqsMessageId));
      await this.release(
        dlqUrl,
        held.filter((message) => !movedIds.has(message.MessageId ?? '')),
      );
    }
    return moved;
  }

  /** Every message, each held invisible until released; stops at the first empty long poll. */
  private async receiveAll(queueUrl: string): Promise<Message[]> {
    const seen = new Map<string, Message>();
    for (let waitSeconds = 0; seen.size < MAX_MESSAGES; ) {
      const out = await this.call('ReceiveMessage', (sqs) =>
        sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: HOLD_SECONDS,
            WaitTimeSeconds: waitSeconds,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
            MessageAttributeNames: ['All'],
          }),
        ),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) {
        // A short poll may sample only some SQS servers; one long poll confirms the queue is drained.
        if (waitSeconds > 0) break;
        waitSeconds = 1;
        continue;
      }
      for (const message of messages) seen.set(message.MessageId ?? '', message);
    }
    return [...seen.values()];
  }

  private async release(queueUrl: string, messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      await this.call('ChangeMessageVisibilityBatch', (sqs) =>
        sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        ),
      );
    }
  }

  private url(queueName: string): Promise<string> {
    return this.options.queueUrl(queueName).catch((error: unknown) => {
      throw translateAwsError(`SQS GetQueueUrl ${queueName}`, error);
    });
  }

  private async call<T>(operation: string, request: (sqs: SQSClient) => Promise<T>): Promise<T> {
    try {
      return await request(this.options.sqs);
    } catch (error) {
      throw translateAwsError(`SQS ${operation}`, error);
    }
  }
}

function attributesOf(message: Message): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      {
        DataType: value.DataType,
        ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
      },
    ]),
  );
}
