/**
 * Dead letters: pointer messages a queue consumer failed on maxReceiveCount times, parked in the
 * queue's DLQ for the operator. `payroll-ops dlq` groups them by run and consumer step, with the
 * last error each message's handler recorded, and moves them back when the cause is cleared —
 * safe because every consumer is idempotent.
 */
import type { OutboxMessage } from './saga/records.js';

/**
 * The scheduled redrive moves a dead letter back to its queue at most this many times, then
 * parks it: an error that three fresh rounds of deliveries did not clear needs a person.
 */
export const MAX_AUTOMATIC_REDRIVES = 3;

/** Parked: redriven as often as the schedule will, so it waits in the DLQ for `dlq redrive`. */
export function isParked(letter: Pick<DeadLetter, 'redriveCount'>): boolean {
  return letter.redriveCount >= MAX_AUTOMATIC_REDRIVES;
}

export type ConsumerQueue = OutboxMessage['queue'];

/** The handler behind each queue (the step name its idempotency keys carry). */
export const CONSUMER_OF_QUEUE: Readonly<Record<ConsumerQueue, string>> = {
  'bank-gateway': 'BankGateway',
  'payslip-delivery': 'PayslipDelivery',
};

export const CONSUMER_QUEUES = Object.keys(CONSUMER_OF_QUEUE) as readonly ConsumerQueue[];

/** The last failure of a message's handler, kept by the message's pointer id. */
export interface MessageFailure {
  readonly messageId: string;
  readonly runId: string;
  readonly error: string;
  readonly code?: string;
  readonly at: string;
  /** How many times the queue had delivered the message when it failed. */
  readonly receiveCount?: number;
  /**
   * When the scheduled redrive gave up on the message (deadLetterRedrive.ts): it stays in the DLQ
   * for an operator. Absent while it is still redriven automatically.
   */
  readonly parkedAt?: string;
  /** How many times it had been redriven when it was parked. */
  readonly redriveCount?: number;
}

export interface MessageFailureStore {
  recordFailure(failure: MessageFailure): Promise<void>;
  getFailure(runId: string, messageId: string): Promise<MessageFailure | undefined>;
}

/** One message in a DLQ, as peeked (it stays there). */
export interface DeadLetter {
  readonly queue: ConsumerQueue;
  /** SQS's id of this copy of the message. */
  readonly sqsMessageId: string;
  readonly body: string;
  /** The pointer's id and run, when the body is one of ours. */
  readonly messageId?: string;
  readonly runId?: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
  /** How many times it was moved back to its queue from a DLQ (kept on the message itself). */
  readonly redriveCount: number;
}

export interface DeadLetterQueues {
  /** Every message of the queue's DLQ, left where it is. */
  peek(queue: ConsumerQueue): Promise<readonly DeadLetter[]>;
  /**
   * Moves the DLQ messages `select` accepts back to the queue (sent, then deleted), counting the
   * redrive on each message; returns those, with their count before the move.
   */
  redrive(queue: ConsumerQueue, select: (letter: DeadLetter) => boolean): Promise<readonly DeadLetter[]>;
}

/** The pointer fields of a message body (`{"messageId":"<runId>#…","runId":…}`), if it has them. */
export function pointerOf(body: string): { readonly messageId?: string; readonly runId?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object') return {};
  const { messageId, runId } = parsed as Record<string, unknown>;
  return {
    ...(typeof messageId === 'string' ? { messageId } : {}),
    ...(typeof runId === 'string' ? { runId } : {}),
  };
}

/** One message of a group as `dlq list` shows it. */
export interface DeadLetterView {
  readonly messageId: string;
  readonly redriveCount: number;
  /** Left in the DLQ for an operator: the scheduled redrive no longer moves it. */
  readonly parked: boolean;
  readonly parkedAt: string | null;
}

export interface DeadLetterGroup {
  readonly queue: ConsumerQueue;
  readonly step: string;
  /** Null for messages that are not pay-run pointers. */
  readonly runId: string | null;
  readonly messages: number;
  readonly messageIds: readonly string[];
  /** The same messages, in the same order, with their redrive counts. */
  readonly letters: readonly DeadLetterView[];
  /** The recorded error of the group's oldest message that has one. */
  readonly firstError: string | null;
  readonly firstErrorAt: string | null;
}

/** Groups by queue and run (oldest message first within a group); groups sorted by queue, then run. */
export function groupDeadLetters(
  letters: readonly DeadLetter[],
  failures: ReadonlyMap<string, MessageFailure>,
): DeadLetterGroup[] {
  const groups = new Map<string, DeadLetter[]>();
  for (const letter of letters) {
    const id = `${letter.queue}\n${letter.runId ?? ''}`;
    const group = groups.get(id) ?? [];
    group.push(letter);
    groups.set(id, group);
  }
  const result: DeadLetterGroup[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => (a.sentAt ?? '').localeCompare(b.sentAt ?? ''));
    const first = sorted[0] as DeadLetter;
    const failureOf = (letter: DeadLetter) => (letter.messageId ? failures.get(letter.messageId) : undefined);
    const failure = sorted.map(failureOf).find((f) => f !== undefined);
    result.push({
      queue: first.queue,
      step: CONSUMER_OF_QUEUE[first.queue],
      runId: first.runId ?? null,
      messages: sorted.length,
      messageIds: sorted.map((letter) => letter.messageId ?? letter.sqsMessageId),
      letters: sorted.map((letter) => ({
        messageId: letter.messageId ?? letter.sqsMessageId,
        redriveCount: letter.redriveCount,
        parked: isParked(letter),
        parkedAt: failureOf(letter)?.parkedAt ?? null,
      })),
      firstError: failure ? (failure.code ? `${failure.code}: ${failure.error}` : failure.error) : null,
      firstErrorAt: failure?.at ?? null,
    });
  }
  return result.sort(
    (a, b) => a.queue.localeCompare(b.queue) || (a.runId ?? '\uffff').localeCompare(b.runId ?? '\uffff'),
  );
}
