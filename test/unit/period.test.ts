import { describe, expect, test } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { parsePeriod } from '../../src/core/periodParser.js';

describe('parsePeriod: each accepted form', () => {
  test('YYYY-MM is the whole month, paid on its last day', () => {
    expect(parsePeriod('2026-03')).toEqual({
      id: '2026-03',
      start: '2026-03-01',
      end: '2026-03-31',
      frequency: 'monthly',
      payDate: '2026-03-31',
      taxYear: 2026,
    });
  });

  test('February ends on the 29th in a leap year', () => {
    expect(parsePeriod('2028-02')).toMatchObject({ end: '2028-02-29' });
    expect(parsePeriod('2026-02')).toMatchObject({ end: '2026-02-28' });
  });

  test('YYYY-MM-1 is the 1st to the 15th and YYYY-MM-2 the 16th to the end (semimonthly)', () => {
    expect(parsePeriod('2026-02-1')).toMatchObject({
      id: '2026-02-1',
      start: '2026-02-01',
      end: '2026-02-15',
      frequency: 'semimonthly',
    });
    expect(parsePeriod('2026-02-2')).toMatchObject({
      id: '2026-02-2',
      start: '2026-02-16',
      end: '2026-02-28',
      payDate: '2026-02-28',
    });
  });

  test('YYYY-Www is the ISO week, Monday to Sunday, even when it starts in the previous year', () => {
    // 1 January 2026 is a Thursday, so week 1 runs from Monday 29 December 2025.
    expect(parsePeriod('2026-W01')).toMatchObject({
      id: '2026-W01',
      start: '2025-12-29',
      end: '2026-01-04',
      frequency: 'weekly',
      taxYear: 2026,
    });
    expect(parsePeriod('2026-W10')).toMatchObject({ start: '2026-03-02', end: '2026-03-08' });
  });

  test('a year that starts on a Thursday has a week 53, whose pay date falls in the next tax year', () => {
    expect(parsePeriod('2026-W53')).toMatchObject({
      start: '2026-12-28',
      end: '2027-01-03',
      payDate: '2027-01-03',
      taxYear: 2027,
    });
  });

  test('a 14-day range is biweekly and keeps its range id', () => {
    expect(parsePeriod('2026-03-02..2026-03-15')).toEqual({
      id: '2026-03-02..2026-03-15',
      start: '2026-03-02',
      end: '2026-03-15',
      frequency: 'biweekly',
      payDate: '2026-03-15',
      taxYear: 2026,
    });
  });

  test('a 7-day range is weekly; Monday to Sunday takes the ISO week id so the same week has one id', () => {
    expect(parsePeriod('2026-03-04..2026-03-10')).toMatchObject({
      id: '2026-03-04..2026-03-10',
      frequency: 'weekly',
    });
    expect(parsePeriod('2026-03-02..2026-03-08')).toMatchObject({ id: '2026-W10', frequency: 'weekly' });
  });

  test('a range covering exactly a month or a half-month takes that form', () => {
    expect(parsePeriod('2026-03-01..2026-03-31')).toMatchObject({ id: '2026-03', frequency: 'monthly' });
    expect(parsePeriod('2026-03-01..2026-03-15')).toMatchObject({
      id: '2026-03-1',
      frequency: 'semimonthly',
    });
    expect(parsePeriod('2026-03-16..2026-03-31')).toMatchObject({
      id: '2026-03-2',
      frequency: 'semimonthly',
    });
  });

  test('the day count decides first: the 14-day second half of a leap February is biweekly', () => {
    expect(parsePeriod('2028-02-16..2028-02-29')).toMatchObject({ frequency: 'biweekly' });
  });

  test('a pay date after the period sets the tax year (December work paid in January)', () => {
    expect(parsePeriod('2026-12', { payDate: '2027-01-05' })).toMatchObject({
      end: '2026-12-31',
      payDate: '2027-01-05',
      taxYear: 2027,
    });
    expect(parsePeriod(' 2026-03 ', { payDate: '2026-03-25' })).toMatchObject({
      id: '2026-03',
      payDate: '2026-03-25',
      taxYear: 2026,
    });
  });
});

function periodError(text: string, payDate?: string): BadInputError {
  try {
    parsePeriod(text, { payDate });
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return error as BadInputError;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('parsePeriod: impossible periods are bad input naming the flag and the forms', () => {
  test.each([
    ['2026-13', 'month 13 does not exist'],
    ['2026-00', 'month 0 does not exist'],
    ['2026-02-30..2026-03-05', '2026-02-30 does not exist (2026-02 has 28 days)'],
    ['2026-W54', '2026 has ISO weeks W01 to W53'],
    ['2025-W53', '2025 has ISO weeks W01 to W52'],
    ['2026-03-15..2026-03-02', 'the end date is before the start date'],
    ['2026-03-01..2026-03-10', 'the range spans 10 days'],
    ['March 2026', 'not a pay period'],
    ['2026-03-3', 'not a pay period'],
  ])('%s', (text, problem) => {
    const error = periodError(text);
    expect(error.message).toContain(`--period ${text}: ${problem}`);
    expect(error.message).toContain('YYYY-MM (monthly)');
    expect(error.message).toContain('START..END');
    expect(error.message).not.toContain('\n');
  });

  test('a pay date before the period starts names --pay-date and the fix', () => {
    const error = periodError('2026-03', '2026-02-27');
    expect(error.message).toBe(
      '--pay-date 2026-02-27 is before the period start 2026-03-01; pay on or after the first day of the period.',
    );
  });

  test('an impossible pay date names --pay-date', () => {
    expect(periodError('2026-03', '2026-04-31').message).toBe(
      '--pay-date 2026-04-31: 2026-04-31 does not exist (2026-04 has 30 days); give the pay date as YYYY-MM-DD.',
    );
  });

  test('the source option renames the flag in messages', () => {
    expect(() => parsePeriod('2026-13', { source: 'period' })).toThrow(/^period 2026-13: month 13/);
  });
});

describe('parsePeriod: a period or pay date from a hostile caller (the HTTP API passes them through)', () => {
  test('is shown cut and escaped: the message stays one short line', () => {
    const messages = [
      () => parsePeriod(`2026-${'1'.repeat(1_000_000)}`),
      () => parsePeriod('2026-11\nerror: all runs approved'),
      () => parsePeriod('2026-11', { payDate: `2026-11-${'3'.repeat(1_000_000)}` }),
      () => parsePeriod('2026-11', { payDate: '2026-11-30\u001b[2J' }),
      () => parsePeriod(`${'2026-11-01'}..2026-11-${'1'.repeat(1_000_000)}`),
    ].map((parse) => {
      try {
        parse();
      } catch (error) {
        expect(error).toBeInstanceOf(BadInputError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    });
    for (const message of messages) {
      expect(message.length).toBeLessThan(600);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a message must not carry
      expect(message).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
    expect(messages[1]).toMatch(/^--period 2026-11\\nerror: all runs approved: not a pay period; use /);
  });
});
