/**
 * `payroll-ops dlq list|redrive`: the messages the queue consumers (bank gateway, payslip
 * delivery) gave up on after maxReceiveCount deliveries, grouped by run with the error their
 * handler last recorded, how often each was redriven and whether the scheduled redrive parked it;
 * and moving them back to their queue once the cause is cleared — safe, because every consumer
 * is idempotent, and parked messages included. Listing leaves the messages where they are.
 */
import type { Command } from 'commander';
import {
  CONSUMER_OF_QUEUE,
  CONSUMER_QUEUES,
  type ConsumerQueue,
  type DeadLetter,
  type DeadLetterGroup,
  type DeadLetterQueues,
  groupDeadLetters,
  isParked,
  type MessageFailure,
  type MessageFailureStore,
} from '../core/deadLetters.js';
import { BadInputError } from '../core/errors.js';
import { dlqNameOf } from '../infra/aws/sqsDeadLetters.js';
import { QUEUE_NAMES } from '../infra/aws/tables.js';
import { recordAudit } from './auditTrail.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { renderTable } from './io/tables.js';

function deadLettersOf(backend: Backend): DeadLetterQueues {
  return backend.deadLetters;
}

function failuresOf(backend: Backend): MessageFailureStore {
  return backend.messageFailures;
}

/** A queue by its short name (bank-gateway), its SQS name or its DLQ's; all of them when omitted. */
export function parseQueues(text: string | undefined): readonly ConsumerQueue[] {
  if (text === undefined) return CONSUMER_QUEUES;
  const found = CONSUMER_QUEUES.find(
    (queue) => text === queue || text === QUEUE_NAMES[queue] || text === dlqNameOf(queue),
  );
  if (!found) {
    throw new BadInputError(
      'UNKNOWN_QUEUE',
      `${text} is not a queue with a DLQ; use one of ${CONSUMER_QUEUES.join(', ')}.`,
      { details: { queue: text } },
    );
  }
  return [found];
}

export interface DeadLetterReport {
  readonly queues: readonly {
    readonly queue: ConsumerQueue;
    readonly dlq: string;
    readonly messages: number;
  }[];
  readonly groups: readonly DeadLetterGroup[];
}

export async function listDeadLetters(
  dlq: DeadLetterQueues,
  failures: MessageFailureStore,
  queues: readonly ConsumerQueue[],
): Promise<DeadLetterReport> {
  const letters = (await Promise.all(queues.map((queue) => dlq.peek(queue)))).flat();
  const known = new Map<string, MessageFailure>();
  for (const letter of letters) {
    if (letter.messageId === undefined || letter.runId === undefined || known.has(letter.messageId)) continue;
    const failure = await failures.getFailure(letter.runId, letter.messageId);
    if (failure) known.set(letter.messageId, failure);
  }
  return {
    queues: queues.map((queue) => ({
      queue,
      dlq: dlqNameOf(queue),
      messages: letters.filter((letter) => letter.queue === queue).length,
    })),
    groups: groupDeadLetters(letters, known),
  };
}

export interface RedrivenGroup {
  readonly queue: ConsumerQueue;
  readonly runId: string | null;
  readonly messages: number;
  readonly messageIds: readonly string[];
  /** Each message's redrive count after this one, and whether the scheduled redrive had parked it. */
  readonly letters: readonly {
    readonly messageId: string;
    readonly redriveCount: number;
    readonly wasParked: boolean;
  }[];
}

function groupMoved(queue: ConsumerQueue, moved: readonly DeadLetter[]): RedrivenGroup[] {
  const byRun = new Map<string | null, DeadLetter[]>();
  for (const letter of moved) {
    const run = letter.runId ?? null;
    byRun.set(run, [...(byRun.get(run) ?? []), letter]);
  }
  return [...byRun.entries()].map(([runId, letters]) => ({
    queue,
    runId,
    messages: letters.length,
    messageIds: letters.map((letter) => letter.messageId ?? letter.sqsMessageId),
    letters: letters.map((letter) => ({
      messageId: letter.messageId ?? letter.sqsMessageId,
      redriveCount: letter.redriveCount + 1,
      wasParked: isParked(letter),
    })),
  }));
}

/** `3`, or `0, 3` when a group's messages differ. */
const counts = (values: readonly number[]) => [...new Set(values)].sort((a, b) => a - b).join(', ');

function parkedCell(parked: number, of: number): string {
  if (parked === 0) return 'no';
  return parked === of ? 'yes' : `${parked} of ${of}`;
}

async function redriveDeadLetters(
  ctx: CommandContext,
  backend: Backend,
  queues: readonly ConsumerQueue[],
  options: { readonly runId?: string; readonly reason?: string },
): Promise<RedrivenGroup[]> {
  const dlq = deadLettersOf(backend);
  const result: RedrivenGroup[] = [];
  for (const queue of queues) {
    const moved = await dlq.redrive(
      queue,
      (letter) => options.runId === undefined || letter.runId === options.runId,
    );
    result.push(...groupMoved(queue, moved));
  }
  // One audit record per run and queue, so `audit --run` shows what was replayed for that run.
  for (const group of result) {
    await recordAudit(ctx, backend, {
      action: 'dlq.redrive',
      ...(group.runId !== null ? { runId: group.runId } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
      details: { queue: group.queue, messages: group.messages, messageIds: group.messageIds },
    });
  }
  return result;
}

export function registerDlq(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('inspect and redrive the dead-letter queues of the bank gateway and payslip delivery');

  dlq
    .command('list')
    .description(
      'messages parked in the DLQs, grouped by run and step, with the first error (nothing is removed)',
    )
    .argument('[queue]', `${CONSUMER_QUEUES.join(' or ')} (default: both)`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ payroll-ops dlq list\n  $ payroll-ops dlq list bank-gateway --output json',
    )
    .action(async (queue: string | undefined, _raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      const queues = parseQueues(queue);
      const report = await withBackend(ctx, (backend) =>
        listDeadLetters(deadLettersOf(backend), failuresOf(backend), queues),
      );
      const { io } = ctx;
      if (io.json) {
        io.dataJson(report);
        return;
      }
      if (report.groups.length === 0) {
        io.info(`No dead letters in ${report.queues.map((q) => q.dlq).join(', ')}.`);
        return;
      }
      io.data(
        renderTable(
          ['Queue', 'Step', 'Run', 'Messages', 'First error', 'Redrives', 'Parked'],
          report.groups.map((group) => [
            group.queue,
            group.step,
            group.runId ?? '(not a run message)',
            String(group.messages),
            group.firstError ?? '(not recorded)',
            counts(group.letters.map((letter) => letter.redriveCount)),
            parkedCell(group.letters.filter((letter) => letter.parked).length, group.messages),
          ]),
          { align: ['left', 'left', 'left', 'right', 'left', 'right', 'left'] },
        ),
      );
    });

  dlq
    .command('redrive')
    .description('move DLQ messages back to their queue (all, or one run’s) to be processed again')
    .argument('[queue]', `${CONSUMER_QUEUES.join(' or ')} (default: both)`)
    .option('--run <run>', 'only the messages of this run')
    .option('--reason <text>', 'why (kept in the audit record)')
    .addHelpText(
      'after',
      `
Safe to repeat: the consumers are idempotent, so a message already processed does nothing again.
Parked messages (redriven 3 times by the 15-minute schedule, then left here) are moved too; each
redrive adds one to the message's redrive count.

Examples:
  $ payroll-ops dlq redrive --run acme-2026-03-regular
  $ payroll-ops dlq redrive bank-gateway --reason "bank connection restored"`,
    )
    .action(async (queue: string | undefined, raw: { run?: string; reason?: string }, command: Command) => {
      const ctx = contextFor(command);
      const queues = parseQueues(queue);
      const options = {
        ...(raw.run !== undefined ? { runId: raw.run } : {}),
        ...(raw.reason !== undefined ? { reason: raw.reason } : {}),
      };
      const moved = await withBackend(ctx, (backend) => redriveDeadLetters(ctx, backend, queues, options));
      const { io } = ctx;
      if (io.json) io.dataJson({ moved });
      const total = moved.reduce((sum, group) => sum + group.messages, 0);
      if (total === 0) {
        io.info(`No dead letters${raw.run ? ` of run ${raw.run}` : ''} to redrive.`);
        return;
      }
      if (!io.json) {
        io.data(
          renderTable(
            ['Queue', 'Step', 'Run', 'Moved', 'Redrives', 'Were parked'],
            moved.map((group) => [
              group.queue,
              CONSUMER_OF_QUEUE[group.queue],
              group.runId ?? '(not a run message)',
              String(group.messages),
              counts(group.letters.map((letter) => letter.redriveCount)),
              parkedCell(group.letters.filter((letter) => letter.wasParked).length, group.messages),
            ]),
            { align: ['left', 'left', 'left', 'right', 'right', 'left'] },
          ),
        );
      }
      io.success(`Moved ${total} message(s) back to their queue; the consumers process them again.`);
    });
}
