/**
 * In-memory DLQs and failure records with the adapters' semantics: a redrive moves the selected
 * messages to their source queue and counts it on the message; a consumer that fails a message
 * maxReceiveCount times puts it back in the DLQ with its count. Not a model of SQS timing.
 */
import {
  CONSUMER_QUEUES,
  type ConsumerQueue,
  type DeadLetter,
  type DeadLetterQueues,
  type MessageFailure,
  type MessageFailureStore,
} from '../../src/core/deadLetters.js';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryDeadLetters implements DeadLetterQueues {
  readonly dlqs = new Map<ConsumerQueue, DeadLetter[]>(CONSUMER_QUEUES.map((queue) => [queue, []]));
  /** What was moved back, in order: the consumers would receive these. */
  readonly sources = new Map<ConsumerQueue, DeadLetter[]>(CONSUMER_QUEUES.map((queue) => [queue, []]));
  private next = 1;

  /** A message its consumer gave up on: it lands in the DLQ with the count it carried. */
  deadLetter(queue: ConsumerQueue, pointer: { messageId: string; runId: string }, redriveCount = 0): void {
    this.dlqs.get(queue)!.push({
      queue,
      sqsMessageId: `sqs-${this.next++}`,
      body: JSON.stringify(pointer),
      ...pointer,
      redriveCount,
    });
  }

  /** The consumers fail every message moved back: each returns to the DLQ with its new count. */
  failAgain(queue: ConsumerQueue): void {
    const moved = this.sources.get(queue)!.splice(0);
    for (const letter of moved) this.dlqs.get(queue)!.push({ ...letter, sqsMessageId: `sqs-${this.next++}` });
  }

  async peek(queue: ConsumerQueue): Promise<readonly DeadLetter[]> {
    return copy(this.dlqs.get(queue)!);
  }

  async redrive(
    queue: ConsumerQueue,
    select: (letter: DeadLetter) => boolean,
  ): Promise<readonly DeadLetter[]> {
    const dlq = this.dlqs.get(queue)!;
    const moved = dlq.filter((letter) => select(copy(letter)));
    this.dlqs.set(
      queue,
      dlq.filter((letter) => !moved.includes(letter)),
    );
    this.sources
      .get(queue)!
      .push(...moved.map((letter) => ({ ...letter, redriveCount: letter.redriveCount + 1 })));
    return copy(moved);
  }
}

export class MemoryFailureStore implements MessageFailureStore {
  readonly failures = new Map<string, MessageFailure>();
  writes = 0;

  async recordFailure(failure: MessageFailure): Promise<void> {
    this.writes++;
    this.failures.set(failure.messageId, copy(failure));
  }

  async getFailure(_runId: string, messageId: string): Promise<MessageFailure | undefined> {
    const failure = this.failures.get(messageId);
    return failure && copy(failure);
  }
}
