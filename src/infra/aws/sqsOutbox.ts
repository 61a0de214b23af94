/**
 * The outbox: a message is recorded in DynamoDB (PENDING, on the sparse index) before it is sent
 * to SQS as a pointer, and leaves the index when its consumer marks it done. Queues can lose
 * messages (the local ones live in memory); the store cannot, so whatever is still pending is
 * simply published again, and consumers are idempotent.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { BadInputError } from '../../core/errors.js';
import type { Outbox } from '../../core/ports.js';
import type { OutboxMessage } from '../../core/saga/records.js';
import { translateAwsError } from './awsErrors.js';
import type { DataTable, Item } from './dataTable.js';
import { gsi1, keys, runIdOfMessage } from './keys.js';
import { sqsSdk } from './sdk.js';
import { GSI1, type OutboxQueue, QUEUE_NAMES } from './tables.js';

const { SendMessageCommand } = sqsSdk;

export interface SqsOutboxOptions {
  readonly table: DataTable;
  readonly sqs: SQSClient;
  /** The URL of a queue by its SQS name (e.g. `payroll-ops-bank-gateway`). */
  readonly queueUrl: (queueName: string) => Promise<string>;
  /** The SQS queue behind each outbox queue; the local target's names by default. */
  readonly queueNames?: Readonly<Record<OutboxQueue, string>>;
}

function messageFromItem(item: Item): OutboxMessage {
  return {
    messageId: String(item.messageId),
    runId: String(item.runId),
    queue: item.queue as OutboxMessage['queue'],
    body: (item.body ?? {}) as Record<string, unknown>,
    status: item.status as OutboxMessage['status'],
    createdAt: String(item.createdAt),
  };
}

export class SqsOutbox implements Outbox {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly options: SqsOutboxOptions) {}

  async publish(message: Omit<OutboxMessage, 'status'>): Promise<void> {
    if (runIdOfMessage(message.messageId) !== message.runId) {
      throw new BadInputError(
        'OUTBOX_MESSAGE_ID_INVALID',
        `Outbox message id "${message.messageId}" must start with its run id "${message.runId}#".`,
      );
    }
    const queueName = (this.options.queueNames ?? QUEUE_NAMES)[message.queue];
    if (queueName === undefined) {
      throw new BadInputError('OUTBOX_QUEUE_UNKNOWN', `The outbox has no queue "${String(message.queue)}".`);
    }
    const recorded = await this.options.table.put(
      {
        ...keys.outbox(message.messageId),
        gsi1pk: gsi1.outboxPending,
        gsi1sk: gsi1.outboxSort(message.createdAt, message.messageId),
        messageId: message.messageId,
        runId: message.runId,
        queue: message.queue,
        body: message.body,
        status: 'PENDING',
        createdAt: message.createdAt,
      },
      {
        // A message its consumer already finished is not sent again.
        expression: 'attribute_not_exists(pk) OR #status <> :done',
        names: { '#status': 'status' },
        values: { ':done': 'DONE' },
      },
    );
    if (!recorded) return;
    const body = JSON.stringify({ messageId: message.messageId, runId: message.runId, ...message.body });
    try {
      const url = await this.queueUrl(queueName);
      await this.options.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    } catch (error) {
      throw translateAwsError(`SQS SendMessage to ${queueName}`, error);
    }
  }

  async markDone(messageId: string): Promise<void> {
    // No record, nothing to finish (the condition keeps UpdateItem from creating a stub).
    await this.options.table.update(keys.outbox(messageId), {
      update: 'SET #status = :done REMOVE gsi1pk, gsi1sk',
      condition: 'attribute_exists(pk)',
      names: { '#status': 'status' },
      values: { ':done': 'DONE' },
    });
  }

  async pending(): Promise<readonly OutboxMessage[]> {
    const items = await this.options.table.query({ index: GSI1, pk: gsi1.outboxPending });
    return items.map(messageFromItem);
  }

  private queueUrl(queueName: string): Promise<string> {
    let url = this.urls.get(queueName);
    if (!url) {
      url = this.options.queueUrl(queueName);
      // A failed lookup is not remembered: the next publish asks again.
      url.catch(() => this.urls.delete(queueName));
      this.urls.set(queueName, url);
    }
    return url;
  }
}
