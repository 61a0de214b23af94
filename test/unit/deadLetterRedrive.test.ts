/**
 * The scheduled DLQ redrive: a dead letter goes back to its queue while it has been redriven fewer
 * than three times, then it is parked — left in the DLQ with its failure record marked once — and
 * no later pass moves it; an operator's `dlq redrive` still does.
 */
import { describe, expect, it } from 'vitest';
import { redriveOnSchedule } from '../../src/core/deadLetterRedrive.js';
import { isParked, MAX_AUTOMATIC_REDRIVES } from '../../src/core/deadLetters.js';
import { MemoryDeadLetters, MemoryFailureStore } from '../support/memoryDeadLetters.js';

const RUN = 'acme-2026-03-regular';
const POISON = { messageId: `${RUN}#ach#REVERSAL`, runId: RUN };
const NOW = '2026-03-27T06:15:00.000Z';

function setUp() {
  const dlq = new MemoryDeadLetters();
  const failures = new MemoryFailureStore();
  const ports = { dlq, failures, now: () => NOW };
  return { dlq, failures, ports, pass: () => redriveOnSchedule(ports, ['bank-gateway']) };
}

describe('the scheduled DLQ redrive', () => {
  it('moves a poisoned message back three times, counting each on the message, then parks it', async () => {
    const { dlq, failures, pass } = setUp();
    await failures.recordFailure({
      ...POISON,
      error: 'No REVERSAL ACH file',
      code: 'ACH_FILE_MISSING',
      at: 't0',
    });
    dlq.deadLetter('bank-gateway', POISON);

    for (let round = 1; round <= MAX_AUTOMATIC_REDRIVES; round++) {
      expect(await pass()).toEqual([{ queue: 'bank-gateway', moved: 1, parked: 0, alreadyParked: 0 }]);
      expect(dlq.dlqs.get('bank-gateway')).toEqual([]);
      expect(dlq.sources.get('bank-gateway')!.map((letter) => letter.redriveCount)).toEqual([round]);
      dlq.failAgain('bank-gateway');
    }

    expect(await pass()).toEqual([{ queue: 'bank-gateway', moved: 0, parked: 1, alreadyParked: 0 }]);
    const [parked] = dlq.dlqs.get('bank-gateway')!;
    expect(parked).toMatchObject({ messageId: POISON.messageId, redriveCount: 3 });
    expect(isParked(parked!)).toBe(true);
    expect(dlq.sources.get('bank-gateway')).toEqual([]);
    // The handler's error is kept; the record now says when the message was parked, and after how many.
    expect(failures.failures.get(POISON.messageId)).toEqual({
      ...POISON,
      error: 'No REVERSAL ACH file',
      code: 'ACH_FILE_MISSING',
      at: 't0',
      parkedAt: NOW,
      redriveCount: 3,
    });
  });

  it('leaves a parked message alone on every later pass: not moved, its record not written again', async () => {
    const { dlq, failures, pass } = setUp();
    dlq.deadLetter('bank-gateway', POISON, 3);
    await pass();
    const writes = failures.writes;
    expect(await pass()).toEqual([{ queue: 'bank-gateway', moved: 0, parked: 0, alreadyParked: 1 }]);
    expect(await pass()).toEqual([{ queue: 'bank-gateway', moved: 0, parked: 0, alreadyParked: 1 }]);
    expect(failures.writes).toBe(writes);
    expect(dlq.dlqs.get('bank-gateway')).toHaveLength(1);
    expect(failures.failures.get(POISON.messageId)).toMatchObject({
      error: 'no handler error was recorded',
      parkedAt: NOW,
    });
  });

  it('moves young messages and parks old ones in the same pass', async () => {
    const { dlq, pass } = setUp();
    dlq.deadLetter('bank-gateway', { messageId: 'r1#ach#CREDIT', runId: 'r1' }, 0);
    dlq.deadLetter('bank-gateway', { messageId: 'r2#ach#CREDIT', runId: 'r2' }, 2);
    dlq.deadLetter('bank-gateway', { messageId: 'r3#ach#CREDIT', runId: 'r3' }, 3);
    expect(await pass()).toEqual([{ queue: 'bank-gateway', moved: 2, parked: 1, alreadyParked: 0 }]);
    expect(dlq.sources.get('bank-gateway')!.map((letter) => [letter.runId, letter.redriveCount])).toEqual([
      ['r1', 1],
      ['r2', 3],
    ]);
    expect(dlq.dlqs.get('bank-gateway')!.map((letter) => letter.runId)).toEqual(['r3']);
  });

  it("still lets an operator's redrive move a parked message, counting it", async () => {
    const { dlq, pass } = setUp();
    dlq.deadLetter('bank-gateway', POISON, 3);
    await pass();
    const moved = await dlq.redrive('bank-gateway', () => true);
    expect(moved.map((letter) => letter.messageId)).toEqual([POISON.messageId]);
    expect(dlq.sources.get('bank-gateway')!.map((letter) => letter.redriveCount)).toEqual([4]);
  });

  it('goes on with the other queues when one cannot be read, then reports the failure', async () => {
    const { dlq, ports } = setUp();
    dlq.deadLetter('payslip-delivery', { messageId: 'r1#payslips#0', runId: 'r1' });
    const broken = { ...ports, dlq: { ...dlq, peek: dlq.peek.bind(dlq), redrive: dlq.redrive.bind(dlq) } };
    broken.dlq.redrive = async (queue, select) => {
      if (queue === 'bank-gateway') throw new Error('SQS unavailable');
      return dlq.redrive(queue, select);
    };
    await expect(redriveOnSchedule(broken, ['bank-gateway', 'payslip-delivery'])).rejects.toThrow(
      'SQS unavailable',
    );
    expect(dlq.sources.get('payslip-delivery')!.map((letter) => letter.redriveCount)).toEqual([1]);
  });
});
