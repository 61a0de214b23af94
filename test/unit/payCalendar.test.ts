import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { addCalendarDays, bankingDaysBetween, isBankingDay } from '../../src/core/bankingDays.js';
import { BadInputError } from '../../src/core/errors.js';
import {
  nextScheduledRun,
  periodAfter,
  periodContaining,
  type ScheduledRun,
} from '../../src/core/payCalendar.js';
import { type PayScheduleInput, paySchedule } from '../../src/core/paySchedule.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import { scheduleArbitrary } from '../support/scheduleArbitrary.js';

function schedule(calendar: string, from: string, extra: Partial<PayScheduleInput> = {}) {
  return paySchedule({ employerId: 'acme', calendar, from, ...extra });
}

/** [period, start, end, pay date, due on, tax year] of the first run of a schedule. */
function first(calendar: string, from: string, extra: Partial<PayScheduleInput> = {}) {
  return row(nextScheduledRun(schedule(calendar, from, extra)));
}

function row(run: ScheduledRun) {
  return [run.period.id, run.period.start, run.period.end, run.payDate, run.dueOn, run.period.taxYear];
}

const NEXT = { payDayRule: 'next-banking-day' } as const;

describe('pay dates: the period end moved off weekends and Fed holidays, due 2 banking days before', () => {
  test('month ends: the 31st, and February on the 28th and (leap) 29th', () => {
    // March 31, 2026 is a Tuesday: paid that day; 2 banking days before are Mon 30 (1) and Fri 27 (2).
    expect(first('monthly', '2026-03')).toEqual([
      '2026-03',
      '2026-03-01',
      '2026-03-31',
      '2026-03-31',
      '2026-03-27',
      2026,
    ]);
    // Feb 28, 2026 is a Saturday: previous → Fri 27 (due Wed 25); next → Mon Mar 2 (due Thu 26).
    expect(first('monthly', '2026-02')).toEqual([
      '2026-02',
      '2026-02-01',
      '2026-02-28',
      '2026-02-27',
      '2026-02-25',
      2026,
    ]);
    expect(first('monthly', '2026-02', NEXT)).toEqual([
      '2026-02',
      '2026-02-01',
      '2026-02-28',
      '2026-03-02',
      '2026-02-26',
      2026,
    ]);
    // Feb 29, 2028 is a Tuesday: paid that day; due Fri 25 (Mon 28 is 1, Fri 25 is 2).
    expect(first('monthly', '2028-02')).toEqual([
      '2028-02',
      '2028-02-01',
      '2028-02-29',
      '2028-02-29',
      '2028-02-25',
      2028,
    ]);
  });

  test('a pay date on a Saturday, by both rules', () => {
    // Jan 31, 2026 is a Saturday.
    expect(first('monthly', '2026-01').slice(3)).toEqual(['2026-01-30', '2026-01-28', 2026]);
    expect(first('monthly', '2026-01', NEXT).slice(3)).toEqual(['2026-02-02', '2026-01-29', 2026]);
  });

  test('a pay date on a Sunday, by both rules', () => {
    // May 31, 2026 is a Sunday (and Memorial Day, May 25, is earlier that week).
    expect(first('semimonthly', '2026-05-2').slice(3)).toEqual(['2026-05-29', '2026-05-27', 2026]);
    expect(first('semimonthly', '2026-05-2', NEXT).slice(3)).toEqual(['2026-06-01', '2026-05-28', 2026]);
  });

  test('a pay date on a holiday, by both rules; lead days cross the weekend and the holiday', () => {
    // Feb 15, 2027 is Washington's Birthday (a Monday).
    // previous → Fri Feb 12; due Thu 11 (1), Wed 10 (2).
    expect(first('semimonthly', '2027-02-1')).toEqual([
      '2027-02-1',
      '2027-02-01',
      '2027-02-15',
      '2027-02-12',
      '2027-02-10',
      2027,
    ]);
    // next → Tue Feb 16; due skips Mon 15 (holiday) and the weekend: Fri 12 (1), Thu 11 (2).
    expect(first('semimonthly', '2027-02-1', NEXT).slice(3)).toEqual(['2027-02-16', '2027-02-11', 2027]);
  });

  test('a Sunday period end before a Friday holiday (Juneteenth 2026) moves back to Thursday', () => {
    // ISO week 25 of 2026 is Jun 15–21; Sat 20, Sun 21 and Fri 19 (Juneteenth) are closed.
    expect(first('weekly', '2026-W25')).toEqual([
      '2026-W25',
      '2026-06-15',
      '2026-06-21',
      '2026-06-18',
      '2026-06-16',
      2026,
    ]);
    // next → Mon Jun 22; due skips the weekend and Fri 19: Thu 18 (1), Wed 17 (2).
    expect(first('weekly', '2026-W25', NEXT).slice(3)).toEqual(['2026-06-22', '2026-06-17', 2026]);
  });

  test('a Saturday holiday is not observed by the Fed: July 4, 2026 leaves Friday the 3rd a banking day', () => {
    // Week 27: Jun 29 – Jul 5; previous → Fri Jul 3; due Wed Jul 1.
    expect(first('weekly', '2026-W27').slice(3)).toEqual(['2026-07-03', '2026-07-01', 2026]);
  });

  test('lead days: 0 is the pay date itself; 5 crosses Thanksgiving', () => {
    expect(first('monthly', '2026-03', { leadDays: 0 }).slice(3)).toEqual(['2026-03-31', '2026-03-31', 2026]);
    // Nov 30, 2026 is a Monday; 5 banking days back: Fri 27 (1), Wed 25 (2; Thu 26 is Thanksgiving),
    // Tue 24 (3), Mon 23 (4), Fri 20 (5).
    expect(first('monthly', '2026-11', { leadDays: 5 }).slice(3)).toEqual(['2026-11-30', '2026-11-20', 2026]);
  });

  test('December to January: the pay date decides the tax year', () => {
    // ISO week 1 of 2026 is Dec 29, 2025 – Jan 4, 2026: paid Fri Jan 2 (Jan 1 closed), due Tue Dec 30, 2025.
    expect(first('weekly', '2026-W01')).toEqual([
      '2026-W01',
      '2025-12-29',
      '2026-01-04',
      '2026-01-02',
      '2025-12-30',
      2026,
    ]);
    // Week 53 of 2026 ends Sun Jan 3, 2027: previous → Thu Dec 31, 2026 (tax year 2026);
    // next → Mon Jan 4, 2027 (tax year 2027), due Wed Dec 30, 2026.
    expect(first('weekly', '2026-W53').slice(3)).toEqual(['2026-12-31', '2026-12-29', 2026]);
    expect(first('weekly', '2026-W53', NEXT).slice(3)).toEqual(['2027-01-04', '2026-12-30', 2027]);
    // Dec 31, 2028 is a Sunday and Jan 1, 2029 a holiday: next → Tue Jan 2, 2029.
    expect(first('monthly', '2028-12', NEXT).slice(3)).toEqual(['2029-01-02', '2028-12-28', 2029]);
    expect(first('monthly', '2028-12').slice(3)).toEqual(['2028-12-29', '2028-12-27', 2028]);
  });
});

describe('the next period after the last one paid', () => {
  const runAfter = (lastPaid: string, calendar = parsePeriod(lastPaid).frequency, from = lastPaid) =>
    row(nextScheduledRun(schedule(calendar, from), lastPaid));

  test('monthly and semimonthly roll over the year end', () => {
    expect(runAfter('2026-12').slice(0, 3)).toEqual(['2027-01', '2027-01-01', '2027-01-31']);
    expect(runAfter('2026-12-1').slice(0, 3)).toEqual(['2026-12-2', '2026-12-16', '2026-12-31']);
    expect(runAfter('2026-12-2').slice(0, 3)).toEqual(['2027-01-1', '2027-01-01', '2027-01-15']);
  });

  test('weekly follows ISO weeks across a 53-week year; a non-Monday week keeps its weekday', () => {
    expect(runAfter('2026-W52').slice(0, 3)).toEqual(['2026-W53', '2026-12-28', '2027-01-03']);
    expect(runAfter('2026-W53').slice(0, 3)).toEqual(['2027-W01', '2027-01-04', '2027-01-10']);
    expect(runAfter('2026-03-04..2026-03-10').slice(0, 3)).toEqual([
      '2026-03-11..2026-03-17',
      '2026-03-11',
      '2026-03-17',
    ]);
  });

  test('biweekly keeps its 14-day cadence', () => {
    // Jan 19–Feb 1, 2026: ends Sunday → Fri Jan 30, due Wed Jan 28.
    expect(runAfter('2026-01-05..2026-01-18')).toEqual([
      '2026-01-19..2026-02-01',
      '2026-01-19',
      '2026-02-01',
      '2026-01-30',
      '2026-01-28',
      2026,
    ]);
  });

  test('`from` wins when everything paid ended before it', () => {
    expect(runAfter('2026-01', 'monthly', '2026-06').slice(0, 1)).toEqual(['2026-06']);
  });

  test('a last period of another calendar cannot be continued', () => {
    expect(() => nextScheduledRun(schedule('biweekly', '2026-03-02..2026-03-15'), '2026-03')).toThrow(
      'Employer acme last paid 2026-03, a monthly period, but the schedule is biweekly; set --from to the first biweekly period to pay after 2026-03-31.',
    );
  });

  test('periodContaining gives the default `from`', () => {
    expect(periodContaining('monthly', '2026-02-14').id).toBe('2026-02');
    expect(periodContaining('semimonthly', '2026-02-15').id).toBe('2026-02-1');
    expect(periodContaining('semimonthly', '2026-02-16').id).toBe('2026-02-2');
    expect(periodContaining('weekly', '2026-03-08').id).toBe('2026-W10');
    expect(periodContaining('biweekly', '2026-03-04').id).toBe('2026-03-02..2026-03-15');
  });
});

describe('paySchedule validation', () => {
  test('defaults: 2 lead days, previous banking day, not paused; from normalized', () => {
    expect(paySchedule({ employerId: ' acme ', calendar: 'weekly', from: '2026-03-02..2026-03-08' })).toEqual(
      {
        employerId: 'acme',
        calendar: 'weekly',
        from: '2026-W10',
        leadDays: 2,
        payDayRule: 'previous-banking-day',
        paused: false,
      },
    );
  });

  test('errors name the flag and the fix', () => {
    const message = (input: Partial<PayScheduleInput>) => {
      try {
        paySchedule({ employerId: 'acme', calendar: 'monthly', from: '2026-03', ...input });
      } catch (error) {
        expect(error).toBeInstanceOf(BadInputError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(message({ calendar: 'fortnightly' })).toBe(
      '--calendar fortnightly: not a pay calendar; use weekly, biweekly, semimonthly, monthly.',
    );
    expect(message({ from: '2026-W10' })).toBe(
      '--from 2026-W10 is a weekly period but the calendar is monthly; give YYYY-MM, e.g. 2026-03.',
    );
    expect(message({ calendar: 'biweekly', from: '2026-03' })).toMatch(/give a 14-day START\.\.END/);
    expect(message({ from: '2026-13' })).toMatch(/^--from 2026-13: month 13 does not exist/);
    expect(message({ leadDays: 11 })).toBe(
      '--lead-days 11: give a whole number of banking days from 0 to 10 (default 2).',
    );
    expect(message({ leadDays: 1.5 })).toMatch(/^--lead-days 1.5:/);
    expect(message({ payDayRule: 'nearest' })).toBe(
      '--pay-day-rule nearest: use previous-banking-day or next-banking-day.',
    );
  });
});

describe('properties over random schedules (2020–2040)', () => {
  const scheduleArb = scheduleArbitrary('2020-01-01', 20);

  test('pay dates and due dates are banking days, dueOn is leadDays before payDate; periods chain without gap or overlap', () => {
    fc.assert(
      fc.property(scheduleArb, fc.integer({ min: 1, max: 30 }), (s, count) => {
        let run = nextScheduledRun(s);
        for (let i = 0; i < count; i++) {
          expect(isBankingDay(run.payDate)).toBe(true);
          expect(isBankingDay(run.dueOn)).toBe(true);
          expect(run.dueOn <= run.payDate).toBe(true);
          expect(bankingDaysBetween(run.dueOn, run.payDate)).toBe(s.leadDays);
          expect(run.period.payDate).toBe(run.payDate);
          expect(run.period.taxYear).toBe(Number(run.payDate.slice(0, 4)));
          // A pay date moves at most a few days from the period end, never before the period.
          expect(run.payDate >= run.period.start).toBe(true);
          const next = nextScheduledRun(s, run.period.id);
          expect(next.period.start).toBe(addCalendarDays(run.period.end, 1));
          expect(next.period.frequency).toBe(s.calendar);
          expect(next.payDate > run.payDate).toBe(true);
          expect(periodAfter(run.period).id).toBe(next.period.id);
          run = next;
        }
      }),
      { numRuns: 200 },
    );
  });
});
