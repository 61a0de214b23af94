import { describe, expect, test } from 'vitest';
import { validateRouting } from '../../src/core/aba.js';
import { BadInputError } from '../../src/core/errors.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { ytdOf, ZERO_YTD } from '../../src/core/ytd.js';

const HEADER =
  'employee_id,name,pay_type,pay_frequency,filing_status,annual_salary,hourly_rate,w4_step2,w4_dependents,' +
  'w4_other_income,w4_deductions,w4_extra_withholding,pretax_401k_percent,pretax_section125,bank_routing,' +
  'bank_account,bank_account_type,ytd_gross,ytd_ss_wages,ytd_medicare_wages,ytd_futa_wages';
const COLUMNS = HEADER.split(',');

// 021000021 and 011000015 are published routing numbers with valid check digits.
const ALICE =
  'E1,Alice Adams,salary,monthly,married_jointly,85000.50,,true,4000,1200,800,25.5,5.5,120.25,021000021,12345678,checking,17000,16800,16800,7000';
const BOB = 'E2,Bob Brown,hourly,biweekly,head_of_household,,23.75,,,,,,,,011000015,987654321,savings,,,,';

function roster(...rows: string[]): string {
  return `${[HEADER, ...rows].join('\n')}\n`;
}

/** ALICE with one column replaced. */
function alice(column: string, value: string): string {
  const cells = ALICE.split(',');
  cells[COLUMNS.indexOf(column)] = value;
  return cells.join(',');
}

function rosterError(text: string): BadInputError {
  try {
    parseRoster(text, 'roster.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).not.toContain('\n');
    return error as BadInputError;
  }
  throw new Error('expected the roster to be refused');
}

describe('validateRouting (ABA check digit: weights 3, 7, 1)', () => {
  test('accepts published routing numbers', () => {
    expect(validateRouting('021000021')).toBe(true);
    expect(validateRouting('011000015')).toBe(true);
  });

  test('refuses a wrong check digit, non-digits and wrong lengths', () => {
    expect(validateRouting('021000022')).toBe(false);
    expect(validateRouting('02100002A')).toBe(false);
    expect(validateRouting('21000021')).toBe(false);
    expect(validateRouting('0210000210')).toBe(false);
  });
});

describe('parseRoster: valid rosters', () => {
  test('reads every field: amounts in cents, 401(k) in hundredths of a percent, W-4 and opening YTD', () => {
    const [employee] = parseRoster(roster(ALICE), 'roster.csv', { defaultTaxYear: 2026 });
    expect(employee).toEqual({
      employeeId: 'E1',
      name: 'Alice Adams',
      payType: 'salary',
      payFrequency: 'monthly',
      filingStatus: 'married_jointly',
      bank: { routing: '021000021', account: '12345678', accountType: 'checking' },
      annualSalary: 8_500_050,
      w4: {
        step2: true,
        dependents: 400_000,
        otherIncome: 120_000,
        deductions: 80_000,
        extraWithholding: 2_550,
      },
      pretax401kBasisPoints: 550,
      pretaxSection125: 12_025,
      openingYtd: ytdOf({
        gross: 1_700_000,
        ssWages: 1_680_000,
        medicareWages: 1_680_000,
        futaWages: 700_000,
      }),
      // No ytd_tax_year column: the opening balances belong to the year of the import.
      openingTaxYear: 2026,
    });
  });

  test('empty cells mean not given: zero W-4 adjustments, no YTD, no salary for an hourly employee', () => {
    const [employee] = parseRoster(roster(BOB), 'roster.csv');
    expect(employee).toMatchObject({ payType: 'hourly', hourlyRate: 2_375, pretax401kBasisPoints: 0 });
    expect(employee!.annualSalary).toBeUndefined();
    expect(employee!.w4).toEqual({
      step2: false,
      dependents: 0,
      otherIncome: 0,
      deductions: 0,
      extraWithholding: 0,
    });
    expect(employee!.openingYtd).toEqual(ZERO_YTD);
  });

  test('columns may come in any order and optional ones may be left out', () => {
    const text =
      'bank_account_type,bank_account,bank_routing,filing_status,pay_frequency,pay_type,name,employee_id,annual_salary\n' +
      'savings,555,011000015,single,monthly,salary,Cy Chen,E9,60000\n';
    const [employee] = parseRoster(text, 'roster.csv');
    expect(employee).toMatchObject({ employeeId: 'E9', annualSalary: 6_000_000, filingStatus: 'single' });
    expect(employee!.bank).toEqual({ routing: '011000015', account: '555', accountType: 'savings' });
  });

  test('a byte order mark, blank lines and quoted names are read as a spreadsheet writes them', () => {
    const text = `\uFEFF${HEADER}\n${ALICE}\n\n${BOB.replace('Bob Brown', '"Brown, Bob"')}\n`;
    const employees = parseRoster(text, 'roster.csv');
    expect(employees.map((e) => e.name)).toEqual(['Alice Adams', 'Brown, Bob']);
  });
});

describe('parseRoster: each kind of bad input is one line naming file, row, column and the fix', () => {
  test('a bad routing check digit', () => {
    expect(rosterError(roster(BOB, alice('bank_routing', '123456789'))).message).toBe(
      'roster.csv row 3, column bank_routing: 123456789 fails the ABA check digit; correct the routing number.',
    );
  });

  test('a routing number that lost its leading zero in a spreadsheet', () => {
    expect(rosterError(roster(alice('bank_routing', '21000021'))).message).toBe(
      'roster.csv row 2, column bank_routing: 21000021 has 8 digits (a spreadsheet may have dropped a leading zero); write it as 021000021.',
    );
  });

  test('an unknown column', () => {
    expect(rosterError(`${HEADER},nickname\n${ALICE},Al\n`).message).toMatch(
      /^roster\.csv row 1, column nickname: unknown column; remove it or rename it to one of: employee_id, /,
    );
  });

  test('a missing required column', () => {
    const text = 'employee_id,name,pay_type,pay_frequency,filing_status,bank_account,bank_account_type\n';
    expect(rosterError(text).message).toBe(
      'roster.csv row 1: required column bank_routing missing; add it to the header.',
    );
  });

  test('a duplicate employee_id names both rows', () => {
    expect(rosterError(roster(ALICE, BOB, alice('name', 'Alice Again'))).message).toBe(
      'roster.csv row 4, column employee_id: E1 is already on row 2; give every employee a unique employee_id.',
    );
  });

  test('a negative amount', () => {
    expect(rosterError(roster(alice('annual_salary', '-85000'))).message).toBe(
      'roster.csv row 2, column annual_salary: -85000 is negative; amounts must be 0 or more.',
    );
  });

  test('a non-numeric amount', () => {
    expect(rosterError(roster(alice('pretax_section125', '"1,200"'))).message).toBe(
      'roster.csv row 2, column pretax_section125: 1,200 is not an amount; write a plain decimal with at most two places, e.g. 1234.56.',
    );
  });

  test('an amount with more than two decimal places', () => {
    expect(rosterError(roster(alice('ytd_gross', '17000.125'))).message).toBe(
      'roster.csv row 2, column ytd_gross: 17000.125 has more than two decimal places; round it to two.',
    );
  });

  test('an unknown filing status, pay type or pay frequency', () => {
    expect(rosterError(roster(alice('filing_status', 'married'))).message).toBe(
      'roster.csv row 2, column filing_status: married is not a filing status; use single, married_jointly or head_of_household.',
    );
    expect(rosterError(roster(alice('pay_type', 'commission'))).message).toBe(
      'roster.csv row 2, column pay_type: commission is not a pay type; use salary or hourly.',
    );
    expect(rosterError(roster(alice('pay_frequency', 'daily'))).message).toBe(
      'roster.csv row 2, column pay_frequency: daily is not a pay frequency; use weekly, biweekly, semimonthly or monthly.',
    );
  });

  test('a salaried employee without a salary, an hourly one without a rate', () => {
    expect(rosterError(roster(alice('annual_salary', ''))).message).toBe(
      'roster.csv row 2, column annual_salary: empty for a salaried employee; give the annual salary.',
    );
    expect(rosterError(roster(BOB.replace(',23.75,', ',,'))).message).toBe(
      'roster.csv row 2, column hourly_rate: empty for an hourly employee; give the hourly rate.',
    );
  });

  test('a row with more values than the header has columns', () => {
    expect(rosterError(roster(ALICE, `${BOB},extra`)).message).toBe(
      'roster.csv row 3: 22 values but the header has 21 columns; give one value per column (quote values that contain commas).',
    );
  });

  test('row numbers count blank lines as an editor does', () => {
    expect(
      rosterError(
        `${HEADER}\n${ALICE}\n\n\n${alice('employee_id', 'E7').replace('monthly', 'fortnightly')}\n`,
      ).message,
    ).toMatch(/^roster\.csv row 5, column pay_frequency: fortnightly/);
  });

  test('an unclosed quote', () => {
    expect(rosterError(roster(ALICE, BOB.replace('Bob Brown', '"Bob Brown'))).code).toBe('MALFORMED_ROW');
  });

  test('a bank account error does not repeat the account number (PII)', () => {
    const message = rosterError(roster(alice('bank_account', '1234-5678-9'))).message;
    expect(message).toBe(
      'roster.csv row 2, column bank_account: not an account number; use 1 to 17 digits without spaces or dashes.',
    );
  });

  test('a 401(k) percent above 100 and a Step 2 value that is not yes or no', () => {
    expect(rosterError(roster(alice('pretax_401k_percent', '105'))).message).toMatch(
      /column pretax_401k_percent: 105 is over 100/,
    );
    expect(rosterError(roster(alice('w4_step2', 'maybe'))).message).toMatch(
      /^roster\.csv row 2, column w4_step2: maybe is not true or false;/,
    );
  });

  test('an empty file', () => {
    expect(rosterError('').message).toMatch(/^roster\.csv: empty; the first row must name the columns/);
  });
});

describe('parseRoster: limits that keep imports whole and totals exact', () => {
  test('a 500 KB name is refused naming the row, without echoing the name', () => {
    const rows = Array.from({ length: 250 }, (_, i) => alice('employee_id', `E${i + 1}`));
    rows[199] = alice('name', 'N'.repeat(500_000)).replace('E1,', 'E200,');
    const error = rosterError(roster(...rows));
    expect(error.message).toBe(
      'roster.csv row 201, column name: 500000 characters for E200; shorten the name to 200.',
    );
  });

  test('ids longer than 64 characters, or with characters a key cannot take, are refused', () => {
    expect(rosterError(roster(alice('employee_id', 'E'.repeat(65)))).message).toMatch(
      /column employee_id: E{40}… \(65 characters\) is not an id; use 1 to 64 letters, digits, '_' or '-'/,
    );
    expect(rosterError(roster(alice('employee_id', 'E.1'))).message).toMatch(/E\.1 is not an id/);
    expect(
      parseRoster(roster(alice('employee_id', 'E'.repeat(64))), 'roster.csv')[0]?.employeeId,
    ).toHaveLength(64);
  });

  test('amounts above the caps are refused, so no total can pass 2^53 cents', () => {
    expect(rosterError(roster(alice('annual_salary', '9999999999999.99'))).message).toBe(
      'roster.csv row 2, column annual_salary: 9999999999999.99 is over the limit of 100000000.00; check the value (the limit keeps every total exact).',
    );
    expect(rosterError(roster(alice('pretax_section125', '10000000.01'))).message).toMatch(
      /column pretax_section125: 10000000\.01 is over the limit of 10000000\.00/,
    );
    expect(parseRoster(roster(alice('annual_salary', '100000000.00')), 'r.csv')[0]?.annualSalary).toBe(
      10_000_000_000,
    );
  });

  test('a huge or unprintable cell is shown cut and escaped: every message stays one short line', () => {
    const huge = 'x'.repeat(1_000_000);
    const columns = [
      'bank_routing',
      'w4_step2',
      'filing_status',
      'pay_type',
      'bank_account_type',
      'annual_salary',
      'pretax_401k_percent',
      'bank_account',
      'w4_dependents',
    ];
    for (const column of columns) {
      for (const value of [huge, '"1\nerror: forged"', 'true\u001b[2J']) {
        const { message } = rosterError(roster(alice(column, value)));
        expect(message.length, `${column}: ${message.slice(0, 200)}`).toBeLessThan(400);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters a message must not carry
        expect(message, column).not.toMatch(/[\u0000-\u001f\u007f]/);
      }
    }
    expect(rosterError(`${HEADER},ytd_tax_year\n${ALICE},${huge}\n`).message).toBe(
      `roster.csv row 2, column ytd_tax_year: ${'x'.repeat(40)}… (1000000 characters) is not a tax year; give the four-digit year the opening balances belong to, e.g. ${new Date().getUTCFullYear()}.`,
    );
  });

  test('routing 000000000 passes the check digit but no bank has it: refused', () => {
    expect(validateRouting('000000000')).toBe(false);
    expect(rosterError(roster(alice('bank_routing', '000000000'))).message).toBe(
      "roster.csv row 2, column bank_routing: 000000000 starts with 00, which no bank's routing number does (01–12, 21–32, 61–72 or 80); correct the routing number.",
    );
  });

  test('opening balances carry ytd_tax_year, or the year of the import', () => {
    const withYear = `${HEADER},ytd_tax_year\n${ALICE},2025\n`;
    expect(parseRoster(withYear, 'r.csv', { defaultTaxYear: 2026 })[0]?.openingTaxYear).toBe(2025);
    expect(parseRoster(roster(ALICE), 'r.csv', { defaultTaxYear: 2027 })[0]?.openingTaxYear).toBe(2027);
    const bad = `${HEADER},ytd_tax_year\n${ALICE},25\n`;
    expect(() => parseRoster(bad, 'r.csv', { defaultTaxYear: 2026 })).toThrow(
      'r.csv row 2, column ytd_tax_year: 25 is not a tax year; give the four-digit year the opening balances belong to, e.g. 2026.',
    );
  });
});
