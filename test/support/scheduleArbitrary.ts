/** Random pay schedules for fast-check: any calendar, lead days and pay-day rule, starting on any day of `years` from `from`. */
import fc from 'fast-check';
import { addCalendarDays } from '../../src/core/bankingDays.js';
import { periodContaining } from '../../src/core/payCalendar.js';
import { PAY_DAY_RULES, type PaySchedule, paySchedule } from '../../src/core/paySchedule.js';
import { PAY_FREQUENCIES } from '../../src/core/period.js';

export function scheduleArbitrary(from: string, years: number): fc.Arbitrary<PaySchedule> {
  return fc
    .record({
      calendar: fc.constantFrom(...PAY_FREQUENCIES),
      day: fc.integer({ min: 0, max: 365 * years }),
      leadDays: fc.integer({ min: 0, max: 10 }),
      payDayRule: fc.constantFrom(...PAY_DAY_RULES),
    })
    .map(({ calendar, day, leadDays, payDayRule }) =>
      paySchedule({
        employerId: 'acme',
        calendar,
        from: periodContaining(calendar, addCalendarDays(from, day)).id,
        leadDays,
        payDayRule,
      }),
    );
}
