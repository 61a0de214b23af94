/**
 * The scheduled DLQ redrive (every 15 minutes, a function on AWS and in the local host): a
 * message its consumer gave up on is moved back to its queue — every consumer is idempotent, so
 * a retry after a transient cause (the bank briefly down, throttling) just works — while it has
 * been redriven fewer than MAX_AUTOMATIC_REDRIVES times. Then it is parked: left in the DLQ, its
 * failure record marked with when, and not moved again; `payroll-ops dlq list` shows it and
 * `dlq redrive` moves it when an operator decides the cause is cleared.
 */
import {
  type ConsumerQueue,
  type DeadLetter,
  type DeadLetterQueues,
  isParked,
  type MessageFailureStore,
} from './deadLetters.js';

export interface ScheduledRedrivePorts {
  readonly dlq: DeadLetterQueues;
  readonly failures: MessageFailureStore;
  readonly now: () => string;
}

export interface QueueRedriveReport {
  readonly queue: ConsumerQueue;
  /** Moved back to the queue now. */
  readonly moved: number;
  /** Parked by this pass. */
  readonly parked: number;
  /** Parked before, and left alone. */
  readonly alreadyParked: number;
}

/** Marks a parked message's failure record once; false when it was marked already. */
async function park(ports: ScheduledRedrivePorts, letter: DeadLetter): Promise<boolean> {
  // A message that is not one of our pointers has no record to keep; it is parked all the same.
  if (letter.messageId === undefined || letter.runId === undefined) return false;
  const failure = await ports.failures.getFailure(letter.runId, letter.messageId);
  if (failure?.parkedAt !== undefined) return false;
  await ports.failures.recordFailure({
    messageId: letter.messageId,
    runId: letter.runId,
    error: failure?.error ?? 'no handler error was recorded',
    ...(failure?.code !== undefined ? { code: failure.code } : {}),
    at: failure?.at ?? ports.now(),
    ...(failure?.receiveCount !== undefined ? { receiveCount: failure.receiveCount } : {}),
    parkedAt: ports.now(),
    redriveCount: letter.redriveCount,
  });
  return true;
}

async function redriveQueue(ports: ScheduledRedrivePorts, queue: ConsumerQueue): Promise<QueueRedriveReport> {
  const moved = await ports.dlq.redrive(queue, (letter) => !isParked(letter));
  // What is left is parked (or arrived since, still young: moved on the next pass).
  let parked = 0;
  let alreadyParked = 0;
  for (const letter of await ports.dlq.peek(queue)) {
    if (!isParked(letter)) continue;
    if (await park(ports, letter)) parked++;
    else alreadyParked++;
  }
  return { queue, moved: moved.length, parked, alreadyParked };
}

/** One pass over the DLQs of `queues`; a queue that cannot be read does not stop the others. */
export async function redriveOnSchedule(
  ports: ScheduledRedrivePorts,
  queues: readonly ConsumerQueue[],
): Promise<readonly QueueRedriveReport[]> {
  const reports: QueueRedriveReport[] = [];
  const errors: unknown[] = [];
  for (const queue of queues) {
    try {
      reports.push(await redriveQueue(ports, queue));
    } catch (error) {
      errors.push(error);
    }
  }
  // The next pass retries; the invocation fails so the error is logged and alarmed on.
  if (errors.length > 0) throw errors[0];
  return reports;
}
