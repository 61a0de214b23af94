import { describe, expect, it } from 'vitest';
import {
  addBankingDays,
  addCalendarDays,
  bankingDayOnOrAfter,
  bankingDayOnOrBefore,
  bankingDaysBetween,
  calendarDaysBetween,
  fedHolidays,
  isBankingDay,
  isoWeekday,
  isReversible,
  reversalDeadline,
} from '../../src/core/bankingDays.js';
import { BadInputError } from '../../src/core/errors.js';

// From the Federal Reserve's published holiday schedules.
const HOLIDAYS: Record<number, string[]> = {
  2025: [
    '2025-01-01',
    '2025-01-20',
    '2025-02-17',
    '2025-05-26',
    '2025-06-19',
    '2025-07-04',
    '2025-09-01',
    '2025-10-13',
    '2025-11-11',
    '2025-11-27',
    '2025-12-25',
  ],
  // July 4 is a Saturday: not moved.
  2026: [
    '2026-01-01',
    '2026-01-19',
    '2026-02-16',
    '2026-05-25',
    '2026-06-19',
    '2026-07-04',
    '2026-09-07',
    '2026-10-12',
    '2026-11-11',
    '2026-11-26',
    '2026-12-25',
  ],
  // Juneteenth and Christmas on Saturdays (not moved); July 4 on a Sunday, observed Monday the 5th.
  2027: [
    '2027-01-01',
    '2027-01-18',
    '2027-02-15',
    '2027-05-31',
    '2027-06-19',
    '2027-07-05',
    '2027-09-06',
    '2027-10-11',
    '2027-11-11',
    '2027-11-25',
    '2027-12-25',
  ],
};

describe('Fed holidays', () => {
  it.each([2025, 2026, 2027])('computes the %i schedule by rule', (year) => {
    expect(fedHolidays(year).map((holiday) => holiday.date)).toEqual(HOLIDAYS[year]);
  });

  it('closes on the Monday after a Sunday holiday', () => {
    expect(isBankingDay('2027-07-05')).toBe(false);
    expect(isBankingDay('2022-06-20')).toBe(false); // Juneteenth 2022 fell on a Sunday
    expect(isBankingDay('2023-01-02')).toBe(false); // New Year's Day 2023 fell on a Sunday
  });

  it('stays open on the Friday before a Saturday holiday', () => {
    expect(isBankingDay('2026-07-03')).toBe(true);
    expect(isBankingDay('2027-06-18')).toBe(true);
    expect(isBankingDay('2027-12-24')).toBe(true);
    expect(isBankingDay('2027-12-31')).toBe(true); // New Year's Day 2028 is a Saturday
  });

  it('treats weekends and weekday holidays as non-banking days, and ordinary weekdays as banking days', () => {
    expect(isBankingDay('2025-11-27')).toBe(false); // Thanksgiving
    expect(isBankingDay('2025-11-29')).toBe(false); // Saturday
    expect(isBankingDay('2025-11-30')).toBe(false); // Sunday
    expect(isBankingDay('2025-11-28')).toBe(true); // Black Friday: the Fed is open
    expect(isBankingDay('2021-06-18')).toBe(true); // before the Fed observed Juneteenth
  });

  it('counts 251 banking days in 2026 (261 weekdays less 10 weekday holidays)', () => {
    expect(bankingDaysBetween('2025-12-31', '2026-12-31')).toBe(251);
  });
});

describe('banking day arithmetic', () => {
  it('adds and counts banking days consistently in both directions', () => {
    expect(addBankingDays('2025-11-21', 5)).toBe('2025-12-01');
    expect(addBankingDays('2025-12-01', -5)).toBe('2025-11-21');
    expect(bankingDaysBetween('2025-11-21', '2025-12-01')).toBe(5);
    expect(bankingDaysBetween('2025-12-01', '2025-11-21')).toBe(-5);
    expect(addBankingDays('2025-11-21', 0)).toBe('2025-11-21');
  });

  it('lands on a banking day exactly n banking days later from any date in 2025–2027', () => {
    for (let day = Date.UTC(2025, 0, 1); day <= Date.UTC(2027, 11, 31); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const later = addBankingDays(date, 5);
      expect(isBankingDay(later)).toBe(true);
      expect(bankingDaysBetween(date, later)).toBe(5);
    }
  });

  it('rejects dates that are not YYYY-MM-DD calendar dates', () => {
    expect(() => isBankingDay('2025-02-29')).toThrow(BadInputError);
    expect(() => addBankingDays('2025-2-3', 1)).toThrow(BadInputError);
    expect(() => reversalDeadline('12/01/2025')).toThrow(BadInputError);
  });
});

describe('ACH reversal window', () => {
  it.each([
    // settlement, deadline, why
    ['2025-11-21', '2025-12-01', 'a weekend and Thanksgiving'],
    ['2025-12-22', '2025-12-30', 'Christmas and a weekend'],
    ['2026-12-24', '2027-01-04', 'Christmas, a weekend and New Year across the year end'],
    ['2027-11-24', '2027-12-02', 'Thanksgiving and a weekend'],
    ['2027-12-22', '2027-12-29', 'Christmas on a Saturday (Friday the 24th stays a banking day)'],
    ['2026-06-30', '2026-07-07', 'Independence Day on a Saturday (Friday the 3rd stays a banking day)'],
  ])('settled %s: reversible through %s, spanning %s', (settlement, deadline) => {
    expect(reversalDeadline(settlement)).toBe(deadline);
    expect(isReversible(settlement, deadline)).toBe(true);
    expect(isReversible(settlement, addBankingDays(deadline, 1))).toBe(false);
    expect(isReversible(settlement, settlement)).toBe(true);
  });

  it('is still reversible over the weekend before a Monday deadline, and not the day after it', () => {
    expect(reversalDeadline('2025-11-21')).toBe('2025-12-01');
    expect(isReversible('2025-11-21', '2025-11-30')).toBe(true);
    expect(isReversible('2025-11-21', '2025-12-02')).toBe(false);
  });
});

describe('calendar helpers for pay schedules', () => {
  it('adds calendar days across month, leap-day and year ends', () => {
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(calendarDaysBetween('2026-03-27', '2026-04-27')).toBe(31);
    expect(calendarDaysBetween('2026-04-27', '2026-03-27')).toBe(-31);
    expect(() => addCalendarDays('2026-01-01', 0.5)).toThrow(BadInputError);
  });

  it('numbers weekdays Monday 1 to Sunday 7', () => {
    expect(['2026-03-02', '2026-03-07', '2026-03-08'].map(isoWeekday)).toEqual([1, 6, 7]);
  });

  it('keeps a banking day and otherwise moves to the nearest one in the direction asked', () => {
    expect(bankingDayOnOrBefore('2026-03-31')).toBe('2026-03-31');
    expect(bankingDayOnOrAfter('2026-03-31')).toBe('2026-03-31');
    // Sun Jan 18, 2026, before Martin Luther King Jr. Day (Mon 19).
    expect(bankingDayOnOrBefore('2026-01-18')).toBe('2026-01-16');
    expect(bankingDayOnOrAfter('2026-01-18')).toBe('2026-01-20');
    // Sat Jul 4, 2026: the Fed does not close the Friday before.
    expect(bankingDayOnOrBefore('2026-07-04')).toBe('2026-07-03');
  });
});
