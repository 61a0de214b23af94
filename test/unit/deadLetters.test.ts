/** `dlq list` grouping: by queue and run, with the recorded error of each group's oldest message. */
import { describe, expect, it } from 'vitest';
import {
  type DeadLetter,
  groupDeadLetters,
  type MessageFailure,
  pointerOf,
} from '../../src/core/deadLetters.js';

const letter = (
  runId: string | undefined,
  messageId: string,
  sentAt: string,
  redriveCount = 0,
): DeadLetter => ({
  queue: 'bank-gateway',
  sqsMessageId: `sqs-${messageId}`,
  body: JSON.stringify({ messageId, runId }),
  ...(runId ? { runId, messageId } : {}),
  sentAt,
  redriveCount,
});

describe('dead letters', () => {
  it('are grouped by run with counts, the first recorded error, and each message redrive count', () => {
    const failures = new Map<string, MessageFailure>([
      [
        'r1#ach#REVERSAL',
        {
          messageId: 'r1#ach#REVERSAL',
          runId: 'r1',
          code: 'ACH_FILE_MISSING',
          error: 'No file',
          at: 't2',
          parkedAt: 't9',
          redriveCount: 3,
        },
      ],
    ]);
    const groups = groupDeadLetters(
      [
        letter('r1', 'r1#ach#REVERSAL', '2026-03-31T10:00:02Z', 3),
        letter('r2', 'r2#ach#CREDIT', '2026-03-31T10:00:00Z'),
        letter('r1', 'r1#ach#CREDIT', '2026-03-31T10:00:01Z'),
      ],
      failures,
    );
    expect(groups).toEqual([
      {
        queue: 'bank-gateway',
        step: 'BankGateway',
        runId: 'r1',
        messages: 2,
        messageIds: ['r1#ach#CREDIT', 'r1#ach#REVERSAL'],
        letters: [
          { messageId: 'r1#ach#CREDIT', redriveCount: 0, parked: false, parkedAt: null },
          { messageId: 'r1#ach#REVERSAL', redriveCount: 3, parked: true, parkedAt: 't9' },
        ],
        firstError: 'ACH_FILE_MISSING: No file',
        firstErrorAt: 't2',
      },
      {
        queue: 'bank-gateway',
        step: 'BankGateway',
        runId: 'r2',
        messages: 1,
        messageIds: ['r2#ach#CREDIT'],
        letters: [{ messageId: 'r2#ach#CREDIT', redriveCount: 0, parked: false, parkedAt: null }],
        firstError: null,
        firstErrorAt: null,
      },
    ]);
  });

  it('keep messages that are not run pointers in a group of their own', () => {
    const stray: DeadLetter = {
      queue: 'payslip-delivery',
      sqsMessageId: 'x',
      body: 'not json',
      redriveCount: 0,
    };
    expect(pointerOf('not json')).toEqual({});
    const [group] = groupDeadLetters([stray], new Map());
    expect(group).toMatchObject({ runId: null, step: 'PayslipDelivery', messages: 1, messageIds: ['x'] });
  });
});
