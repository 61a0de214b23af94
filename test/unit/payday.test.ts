import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { addCalendarDays } from '../../src/core/bankingDays.js';
import { BadInputError } from '../../src/core/errors.js';
import { nextScheduledRun } from '../../src/core/payCalendar.js';
import { CATCH_UP_DAYS, dueEmployers, planPayday } from '../../src/core/payday.js';
import { type PaySchedule, paySchedule } from '../../src/core/paySchedule.js';
import { scheduleArbitrary } from '../support/scheduleArbitrary.js';

// alpha: March 2026 ends Tue 31 → paid that day, due Fri Mar 27.
const alpha = paySchedule({ employerId: 'alpha', calendar: 'monthly', from: '2026-03' });
// bravo: Mar 2–15 ends Sun → paid Fri Mar 13, due Wed Mar 11.
const bravo = paySchedule({ employerId: 'bravo', calendar: 'biweekly', from: '2026-03-02..2026-03-15' });
// charlie: week 12 (Mar 16–22), paused.
const charlie = paySchedule({ employerId: 'charlie', calendar: 'weekly', from: '2026-W12', paused: true });
const ALL = [charlie, bravo, alpha];

const none = new Map<string, string>();
const due = (lastPaid: ReadonlyMap<string, string>, asOf: string) =>
  dueEmployers(ALL, lastPaid, asOf).map((run) => [
    run.employerId,
    run.period.id,
    run.payDate,
    run.dueOn,
    run.daysLate,
  ]);

describe('planPayday: who is due on a day', () => {
  test('due on the due date, not the day before; paused never; skipped ones say why', () => {
    expect(due(none, '2026-03-10')).toEqual([]);
    expect(planPayday(ALL, none, '2026-03-11')).toMatchObject({
      asOf: '2026-03-11',
      due: [
        {
          employerId: 'bravo',
          period: { id: '2026-03-02..2026-03-15' },
          payDate: '2026-03-13',
          dueOn: '2026-03-11',
        },
      ],
      skipped: [
        {
          employerId: 'alpha',
          reason: 'not-due',
          detail: '2026-03 (pay date 2026-03-31) is due on 2026-03-27',
        },
        { employerId: 'charlie', reason: 'paused', detail: 'the schedule is paused' },
      ],
    });
  });

  test('idempotent per employer and period: once started (lastPaid), a second trigger lists nothing', () => {
    const started = new Map([['bravo', '2026-03-02..2026-03-15']]);
    expect(due(started, '2026-03-11')).toEqual([]);
    expect(planPayday(ALL, started, '2026-03-11').skipped).toContainEqual({
      employerId: 'bravo',
      reason: 'not-due',
      // Mar 16–29 ends Sunday → Fri Mar 27, due Wed Mar 25.
      detail: '2026-03-16..2026-03-29 (pay date 2026-03-27) is due on 2026-03-25',
    });
  });

  test('a missed due date is still due, one period per employer per trigger, oldest first', () => {
    // Nothing ran since March: on Apr 20 alpha's March run is 24 days late, bravo's first is 40 days
    // late (due Mar 11) and beyond the catch-up window.
    const plan = planPayday(ALL, none, '2026-04-20');
    expect(plan.due.map((r) => [r.employerId, r.period.id, r.daysLate])).toEqual([['alpha', '2026-03', 24]]);
    expect(plan.skipped).toContainEqual({
      employerId: 'bravo',
      reason: 'beyond-catch-up',
      detail:
        `2026-03-02..2026-03-15 (pay date 2026-03-13) was due on 2026-03-11, more than ${CATCH_UP_DAYS} days ago; ` +
        "pay it with a regular run by hand, or move the schedule's --from past it.",
    });
    // With bravo's first two periods paid by hand, the third (Mar 30–Apr 12, paid Fri Apr 10,
    // due Wed Apr 8) is caught up: 12 days late.
    const byHand = new Map([['bravo', '2026-03-16..2026-03-29']]);
    expect(due(byHand, '2026-04-20')).toEqual([
      ['alpha', '2026-03', '2026-03-31', '2026-03-27', 24],
      ['bravo', '2026-03-30..2026-04-12', '2026-04-10', '2026-04-08', 12],
    ]);
  });

  test(`the catch-up window is ${CATCH_UP_DAYS} calendar days after the due date, inclusive`, () => {
    // alpha March is due Mar 27: Apr 27 is 31 days later (still due), Apr 28 is 32 (skipped).
    expect(dueEmployers([alpha], none, '2026-04-27').map((r) => r.daysLate)).toEqual([31]);
    expect(dueEmployers([alpha], none, '2026-04-28')).toEqual([]);
    expect(planPayday([alpha], none, '2026-04-28').skipped[0]!.reason).toBe('beyond-catch-up');
  });

  test('resuming a paused schedule continues after the last period paid', () => {
    const resumed: PaySchedule = { ...charlie, paused: false };
    // Paid through week 13 (Mar 23–29); week 14 is Mar 30–Apr 5 → Fri Apr 3, due Wed Apr 1.
    expect(dueEmployers([resumed], new Map([['charlie', '2026-W13']]), '2026-04-01')).toMatchObject([
      {
        employerId: 'charlie',
        period: { id: '2026-W14' },
        payDate: '2026-04-03',
        dueOn: '2026-04-01',
        daysLate: 0,
      },
    ]);
  });

  test("one employer's invalid schedule or a duplicate does not stop the others", () => {
    const lastPaid = new Map([['bravo', '2026-03']]); // a monthly period on a biweekly schedule
    const plan = planPayday([...ALL, { ...alpha, calendar: 'weekly' as const }], lastPaid, '2026-03-27');
    expect(plan.due.map((r) => r.employerId)).toEqual(['alpha']);
    expect(plan.skipped.map((s) => [s.employerId, s.reason])).toEqual([
      ['alpha', 'duplicate-schedule'],
      ['bravo', 'invalid-schedule'],
      ['charlie', 'paused'],
    ]);
    expect(plan.skipped[1]!.detail).toMatch(/^Employer bravo last paid 2026-03, a monthly period/);
  });

  test('asOf must be a date', () => {
    expect(() => planPayday(ALL, none, '2026-02-30')).toThrow(BadInputError);
    expect(() => planPayday(ALL, none, '20260301')).toThrow(
      '--as-of 20260301: not a date; give it as YYYY-MM-DD.',
    );
  });
});

describe('planPayday: properties', () => {
  const scheduleArb = scheduleArbitrary('2022-01-01', 15);

  test('triggered every day, each period starts exactly once, on its due date, in order', () => {
    fc.assert(
      fc.property(scheduleArb, (s) => {
        const lastPaid = new Map<string, string>();
        const started: string[] = [];
        const firstDue = nextScheduledRun(s).dueOn;
        // 120 days of daily triggers, from the first due date.
        for (let day = 0; day < 120; day++) {
          const asOf = addCalendarDays(firstDue, day);
          for (const run of dueEmployers([s], lastPaid, asOf)) {
            expect(run.dueOn).toBe(asOf);
            expect(run.daysLate).toBe(0);
            started.push(run.period.id);
            lastPaid.set(run.employerId, run.period.id);
          }
          // A second trigger the same day starts nothing.
          expect(dueEmployers([s], lastPaid, asOf)).toEqual([]);
        }
        expect(new Set(started).size).toBe(started.length);
        expect(started[0]).toBe(s.from);
        const cadence = { weekly: 7, biweekly: 14, semimonthly: 15, monthly: 28 }[s.calendar];
        expect(started.length).toBeGreaterThanOrEqual(Math.floor(120 / (cadence + 3)));
      }),
      { numRuns: 60 },
    );
  });
});
