import { describe, expect, test } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import {
  MAX_PAYMENT_AMOUNT,
  MAX_PAYMENTS,
  type OffCyclePayments,
  paymentsByEmployee,
} from '../../src/core/offCyclePayments.js';
import { parsePayments } from '../../src/core/paymentsParser.js';
import { validatePayments } from '../../src/core/paymentsValidator.js';

const HEADER = 'employee_id,amount,kind\n';

function refused(read: () => OffCyclePayments): BadInputError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return error as BadInputError;
  }
  throw new Error('expected the payments to be refused');
}

const csvError = (text: string, options = {}) =>
  refused(() => parsePayments(text, 'bonus.csv', options)).message;
const jsonError = (value: unknown, options = {}) =>
  refused(() => validatePayments(value, 'payments', options)).message;

describe('parsePayments (CSV)', () => {
  test('reads amounts as cents; columns in any order; several kinds for one employee', () => {
    const parsed = parsePayments(
      'kind,employee_id,amount\nbonus,E1,1500\ncommission,E1,250.5\nretro,E2,0.01\ncorrection,E3,1234.56\n',
      'bonus.csv',
    );
    expect(parsed.payments).toEqual([
      { employeeId: 'E1', amount: 150_000, kind: 'bonus' },
      { employeeId: 'E1', amount: 25_050, kind: 'commission' },
      { employeeId: 'E2', amount: 1, kind: 'retro' },
      { employeeId: 'E3', amount: 123_456, kind: 'correction' },
    ]);
    // 1,500.00 + 250.50 + 0.01 + 1,234.56 = 2,985.07
    expect(parsed.total).toBe(298_507);
    expect(parsed.employees).toBe(3);
    expect([...paymentsByEmployee(parsed.payments).entries()].map(([id, list]) => [id, list.length])).toEqual(
      [
        ['E1', 2],
        ['E2', 1],
        ['E3', 1],
      ],
    );
  });

  test('a second row of the same employee and kind is refused, naming the first row', () => {
    expect(csvError(`${HEADER}E1,100,bonus\nE2,100,bonus\n\nE1,100,bonus\n`)).toBe(
      'bonus.csv row 5, column kind: E1 already has a bonus payment at row 2; give one bonus per employee with the total.',
    );
  });

  test('amounts: zero, negative, three places, words, and over the cap are refused with the fix', () => {
    expect(csvError(`${HEADER}E1,0,bonus\n`)).toBe(
      'bonus.csv row 2, column amount: 0 for E1; give an amount above 0, or leave the bonus out.',
    );
    expect(csvError(`${HEADER}E1,-5,bonus\n`)).toBe(
      'bonus.csv row 2, column amount: -5 is negative; payments must be above 0 (an off-cycle run only pays; it cannot take money back).',
    );
    expect(csvError(`${HEADER}E1,10.005,bonus\n`)).toBe(
      'bonus.csv row 2, column amount: 10.005 has more than two decimal places; round it to two.',
    );
    expect(csvError(`${HEADER}E1,"1,000",bonus\n`)).toBe(
      'bonus.csv row 2, column amount: 1,000 is not an amount; write a plain decimal with at most two places, e.g. 1234.56.',
    );
    expect(csvError(`${HEADER}E1,,bonus\n`)).toBe(
      'bonus.csv row 2, column amount: empty for E1; give the amount to pay, e.g. 1500.00.',
    );
    // The cap is 10,000,000.00: one cent more is refused; 14 digits are "over", not "malformed".
    expect(csvError(`${HEADER}E1,10000000.01,bonus\n`)).toBe(
      'bonus.csv row 2, column amount: 10000000.01 is over the 10,000,000.00 limit for one payment; split it across runs.',
    );
    expect(csvError(`${HEADER}E1,99999999999999,bonus\n`)).toMatch(
      /99999999999999 is over the 10,000,000\.00 limit/,
    );
    expect(parsePayments(`${HEADER}E1,10000000.00,bonus\n`, 'bonus.csv').total).toBe(MAX_PAYMENT_AMOUNT);
  });

  test('kind and employee id are checked', () => {
    expect(csvError(`${HEADER}E1,10,Bonus\n`)).toBe(
      'bonus.csv row 2, column kind: Bonus is not a payment kind; use bonus, commission, retro or correction.',
    );
    expect(csvError(`${HEADER}E1,10,\n`)).toBe(
      'bonus.csv row 2, column kind: empty; give a payment kind: bonus, commission, retro or correction.',
    );
    expect(csvError(`${HEADER}E 1,10,bonus\n`)).toBe(
      "bonus.csv row 2, column employee_id: E 1 is not an employee id; use 1 to 64 letters, digits, '_' or '-', e.g. E00042.",
    );
    expect(csvError(`${HEADER},10,bonus\n`)).toBe(
      'bonus.csv row 2, column employee_id: empty; give the employee id of the person paid.',
    );
  });

  test('with the roster given, an employee not on it is refused on their row', () => {
    const roster = new Set(['E1']);
    expect(
      csvError(`${HEADER}E1,10,bonus\nE9,10,bonus\n`, { isEmployee: (id: string) => roster.has(id) }),
    ).toBe(
      "bonus.csv row 3, column employee_id: E9 is not on the employer's roster; check the id or import the employee first.",
    );
  });

  test('a file without payments, an unknown column, and a malformed row', () => {
    expect(csvError(HEADER)).toBe(
      'bonus.csv: no payments; add one row per payment under the header (employee_id,amount,kind).',
    );
    expect(csvError('employee_id,amount,kind,note\nE1,10,bonus,x\n')).toMatch(
      /^bonus\.csv row 1, column note: unknown column/,
    );
    expect(csvError(`${HEADER}E1,10\n`)).toMatch(/^bonus\.csv row 2: 2 values but the header has 3 columns/);
  });

  test(`at most ${MAX_PAYMENTS} rows: the first one over is refused, and the largest file sums exactly`, () => {
    const kinds = ['bonus', 'commission', 'retro', 'correction'];
    const rows = (count: number) =>
      Array.from({ length: count }, (_, i) => `E${Math.floor(i / 4)},10000000,${kinds[i % 4]}`).join('\n');
    const full = parsePayments(`${HEADER}${rows(MAX_PAYMENTS)}\n`, 'bonus.csv');
    // 100,000 × 1,000,000,000¢ = 10^14¢, exact (below 2^53).
    expect(full.total).toBe(100_000_000_000_000);
    expect(Number.isSafeInteger(full.total)).toBe(true);
    expect(csvError(`${HEADER}${rows(MAX_PAYMENTS + 1)}\n`)).toBe(
      `bonus.csv row ${MAX_PAYMENTS + 2}: more than ${MAX_PAYMENTS} payments; split them into several off-cycle runs.`,
    );
  });
});

/** One line, short, nothing a terminal would act on: what every error message must stay. */
function expectOneShortLine(message: string): void {
  expect(message.length).toBeLessThan(400);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a message must not carry
  expect(message).not.toMatch(/[\u0000-\u001f\u007f\u2028\u2029]/);
}

describe('values from the input in error messages', () => {
  const long = (text: string) => text.repeat(Math.ceil(1_000_000 / text.length));

  test('a huge value is shown cut, with its length, in one short line (CSV)', () => {
    const messages = [
      csvError(`${HEADER}E1,${long('1')},bonus\n`),
      csvError(`${HEADER}E1,-${long('1')},bonus\n`),
      csvError(`${HEADER}E1,${long('x')},bonus\n`),
      csvError(`${HEADER}E1,1.${long('5')},bonus\n`),
      csvError(`${HEADER}${long('E')},1,bonus\n`),
      csvError(`${HEADER}E1,1,${long('b b ')}\n`),
      csvError(`employee_id,amount,kind,${long('z')}\n`),
    ];
    for (const message of messages) expectOneShortLine(message);
    expect(messages[0]).toBe(
      `bonus.csv row 2, column amount: ${'1'.repeat(40)}… (1000000 characters) is over the 10,000,000.00 limit for one payment; split it across runs.`,
    );
    expect(messages[5]).toMatch(
      /^bonus\.csv row 2, column kind: (b b ){10}… \(999999 characters\) is not a payment kind/,
    );
  });

  test('a line break or a terminal escape in a value is shown escaped, so no message forges a second line (CSV)', () => {
    const forged = csvError(`${HEADER}E1,"10\nerror: all payments approved",bonus\n`);
    expectOneShortLine(forged);
    expect(forged).toMatch(
      /column amount: 10\\nerror: all payments approved is not an amount; write a plain decimal/,
    );
    const coloured = csvError(`${HEADER}E1,1,bonus\u001b[31m\n`);
    expectOneShortLine(coloured);
    expect(coloured).toContain('column kind: bonus\\u001b[31m is not a payment kind');
    expectOneShortLine(csvError(`${HEADER}"E\r\n1",1,bonus\n`));
  });

  test('the same for the JSON of the HTTP API', () => {
    const entry = (fields: Record<string, unknown>) => [
      { employeeId: 'E1', amount: '1', kind: 'bonus', ...fields },
    ];
    const messages = [
      jsonError(entry({ amount: long('1') })),
      jsonError(entry({ amount: `-${long('1')}` })),
      jsonError(entry({ amount: long('x') })),
      jsonError(entry({ amount: `1.${long('5')}` })),
      jsonError(entry({ amount: '10\nerror: forged' })),
      jsonError(entry({ kind: 'bonus\u001b[2J' })),
      jsonError(entry({ [long('k')]: 1 })),
    ];
    for (const message of messages) expectOneShortLine(message);
    expect(messages[1]).toBe(
      `payments[0].amount: -${'1'.repeat(39)}… (1000001 characters) is negative; payments must be above 0 (an off-cycle run only pays; it cannot take money back).`,
    );
  });
});

describe('a file far over the limit of payments', () => {
  test('is refused at the first row over it: the rest of the file is not even parsed', () => {
    const rows = Array.from({ length: MAX_PAYMENTS + 1 }, (_, i) => `E${i},1,bonus`).join('\n');
    // A million more rows, or a broken one far down, make no difference: reading stops there.
    expect(csvError(`${HEADER}${rows}\nE1,"never closed,bonus\n`)).toBe(
      `bonus.csv row ${MAX_PAYMENTS + 2}: more than ${MAX_PAYMENTS} payments; split them into several off-cycle runs.`,
    );
  });
});

describe('validatePayments (JSON from the HTTP API)', () => {
  test('decimal strings, and JSON numbers whose shortest form has at most two places', () => {
    const parsed = validatePayments(
      [
        { employeeId: 'E1', amount: '1500.00', kind: 'bonus' },
        { employeeId: 'E1', amount: 250.5, kind: 'commission' },
        { employeeId: 'E2', amount: 100, kind: 'retro' },
        { employeeId: 'E3', amount: '0.07', kind: 'correction' },
      ],
      'payments',
    );
    expect(parsed).toEqual({
      payments: [
        { employeeId: 'E1', amount: 150_000, kind: 'bonus' },
        { employeeId: 'E1', amount: 25_050, kind: 'commission' },
        { employeeId: 'E2', amount: 10_000, kind: 'retro' },
        { employeeId: 'E3', amount: 7, kind: 'correction' },
      ],
      total: 185_057,
      employees: 3,
    });
  });

  test('the same payments give the same result as the CSV', () => {
    const csv = parsePayments(`${HEADER}E1,10.5,bonus\nE2,3,retro\n`, 'p.csv');
    const json = validatePayments([
      { employeeId: 'E1', amount: '10.50', kind: 'bonus' },
      { employeeId: 'E2', amount: 3, kind: 'retro' },
    ]);
    expect(json).toEqual(csv);
  });

  test('floats that are not exactly two-decimal amounts are refused, never rounded', () => {
    expect(jsonError([{ employeeId: 'E1', amount: 0.1 + 0.2, kind: 'bonus' }])).toBe(
      'payments[0].amount: 0.30000000000000004 is not an amount in cents (a JSON number is a binary float); send it as a decimal string rounded to two places.',
    );
    expect(jsonError([{ employeeId: 'E1', amount: 1e21, kind: 'bonus' }])).toBe(
      'payments[0].amount: "1e+21" is not an amount; give a decimal string with at most two places, e.g. "1234.56".',
    );
    expect(jsonError([{ employeeId: 'E1', amount: '12.345', kind: 'bonus' }])).toBe(
      'payments[0].amount: 12.345 has more than two decimal places; round it to two.',
    );
    expect(jsonError([{ employeeId: 'E1', amount: '-5', kind: 'bonus' }])).toMatch(
      /^payments\[0\]\.amount: -5 is negative/,
    );
    expect(jsonError([{ employeeId: 'E1', amount: ' 5', kind: 'bonus' }])).toMatch(/" 5" is not an amount/);
    expect(jsonError([{ employeeId: 'E1', amount: true, kind: 'bonus' }])).toBe(
      'payments[0].amount: boolean true; give the amount as a decimal string, e.g. "1500.00".',
    );
    expect(jsonError([{ employeeId: 'E1', kind: 'bonus' }])).toBe(
      'payments[0].amount: missing; give the amount as a decimal string, e.g. "1500.00".',
    );
    expect(jsonError([{ employeeId: 'E1', amount: '10000000.01', kind: 'bonus' }])).toBe(
      'payments[0].amount: 10,000,000.01 is over the 10,000,000.00 limit for one payment; split it across runs.',
    );
  });

  test('shape problems name the entry and field', () => {
    expect(jsonError({ employeeId: 'E1' })).toBe(
      'payments: an object; give a list of { "employeeId", "amount", "kind" } objects.',
    );
    expect(jsonError([])).toBe(
      'payments: empty; give at least one { "employeeId", "amount", "kind" } object.',
    );
    expect(jsonError(['E1'])).toBe('payments[0]: "E1"; give an object { "employeeId", "amount", "kind" }.');
    expect(jsonError([{ employeeId: 'E1', amount: '1', kind: 'bonus', note: 'x' }])).toBe(
      'payments[0]: unknown field "note"; remove it or use employeeId, amount and kind.',
    );
    expect(jsonError([{ employeeId: 42, amount: '1', kind: 'bonus' }])).toMatch(
      /^payments\[0\]\.employeeId: number 42 is not an employee id/,
    );
    expect(jsonError([{ employeeId: 'E1', amount: '1', kind: 'tip' }])).toBe(
      'payments[0].kind: "tip" is not a payment kind; use one of bonus, commission, retro, correction.',
    );
  });

  test('duplicates, the roster and the cap on entries are checked as for the CSV', () => {
    const error = refused(() =>
      validatePayments([
        { employeeId: 'E1', amount: '1', kind: 'bonus' },
        { employeeId: 'E1', amount: '2', kind: 'bonus' },
      ]),
    );
    expect(error.message).toBe(
      'payments[1].kind: E1 already has a bonus payment at payments[0]; give one bonus per employee with the total.',
    );
    expect(error.code).toBe('DUPLICATE_PAYMENT');
    expect(error.details).toEqual({ field: 'payments[1].kind' });
    expect(
      jsonError([{ employeeId: 'E9', amount: '1', kind: 'bonus' }], { isEmployee: () => false }),
    ).toMatch(/^payments\[0\]\.employeeId: E9 is not on the employer's roster/);
    expect(jsonError(Array.from({ length: MAX_PAYMENTS + 1 }, () => ({})))).toBe(
      `payments: ${MAX_PAYMENTS + 1} payments, more than ${MAX_PAYMENTS}; split them into several off-cycle runs.`,
    );
  });
});
