/**
 * Roster CSV → validated employees. The contract (issue 2): a header row, columns in any order,
 * unknown columns refused; an empty cell means "not given"; amounts are plain decimals with at
 * most two places. The first problem found stops the parse with one line naming file, row,
 * column and the fix: a roster is fixed and re-read, never half-used.
 */
import { validateRouting } from './aba.js';
import { type CsvCells, parseCsvRecords } from './csvRecords.js';
import { type Cents, ZERO } from './money.js';
import { PAY_FREQUENCIES } from './period.js';
import {
  BankAccountType,
  type Employee,
  FilingStatus,
  PayType,
  type W4,
  type YtdBalances,
} from './roster.js';

const REQUIRED = [
  'employee_id',
  'name',
  'pay_type',
  'pay_frequency',
  'filing_status',
  'bank_routing',
  'bank_account',
  'bank_account_type',
] as const;
const OPTIONAL = [
  'annual_salary',
  'hourly_rate',
  'w4_step2',
  'w4_dependents',
  'w4_other_income',
  'w4_deductions',
  'w4_extra_withholding',
  'pretax_401k_percent',
  'pretax_section125',
  'ytd_gross',
  'ytd_ss_wages',
  'ytd_medicare_wages',
  'ytd_futa_wages',
] as const;
type RosterColumn = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

export const ROSTER_COLUMNS = { required: REQUIRED, optional: OPTIONAL } as const;

const FILING_STATUSES = Object.values(FilingStatus);
const PAY_TYPES = Object.values(PayType);
const ACCOUNT_TYPES = Object.values(BankAccountType);
const EMPLOYEE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
// NACHA's DFI account number field holds 17 characters.
const ACCOUNT_NUMBER = /^\d{1,17}$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);
const FULL_PERCENT = 10_000;

// Most employees carry no opening balances or W-4 adjustments: share one frozen object.
const NO_YTD: YtdBalances = Object.freeze({
  gross: ZERO,
  ssWages: ZERO,
  medicareWages: ZERO,
  futaWages: ZERO,
});
const NO_W4: W4 = Object.freeze({
  step2: false,
  dependents: ZERO,
  otherIncome: ZERO,
  deductions: ZERO,
  extraWithholding: ZERO,
});

/** Parses and validates a roster. `file` names the source in error messages. */
export function parseRoster(csvText: string, file: string): Employee[] {
  const firstRecordOf = new Map<string, number>();
  return parseCsvRecords(csvText, file, ROSTER_COLUMNS, (cells) => {
    const employee = employeeFrom(cells);
    const earlier = firstRecordOf.get(employee.employeeId);
    if (earlier !== undefined) {
      throw cells.error(
        'employee_id',
        `${employee.employeeId} is already on row ${cells.rowOf(earlier)}; give every employee a unique employee_id.`,
        'DUPLICATE_EMPLOYEE',
      );
    }
    firstRecordOf.set(employee.employeeId, cells.record);
    return employee;
  });
}

function employeeFrom(cells: CsvCells<RosterColumn>): Employee {
  const employeeId = cells.text('employee_id');
  if (!EMPLOYEE_ID.test(employeeId)) {
    throw cells.error(
      'employee_id',
      employeeId === ''
        ? 'empty; give every employee an id.'
        : `${employeeId} is not an id; use up to 32 letters, digits, '.', '_' or '-', e.g. E00042.`,
      employeeId === '' ? 'MISSING_VALUE' : 'BAD_VALUE',
    );
  }
  const name = cells.text('name');
  if (name === '') throw cells.error('name', `empty; give ${employeeId}'s name.`, 'MISSING_VALUE');
  const payType = cells.choice('pay_type', PAY_TYPES, 'a pay type');
  const payFrequency = cells.choice('pay_frequency', PAY_FREQUENCIES, 'a pay frequency');
  const filingStatus = cells.choice('filing_status', FILING_STATUSES, 'a filing status');

  // Both pay columns are validated when given; only the one the pay type uses is kept.
  const annualSalary = cells.amount('annual_salary');
  const hourlyRate = cells.amount('hourly_rate');
  const pay =
    payType === PayType.Salary
      ? { annualSalary: requiredPositive(cells, 'annual_salary', annualSalary, 'a salaried employee') }
      : { hourlyRate: requiredPositive(cells, 'hourly_rate', hourlyRate, 'an hourly employee') };

  const percent = cells.hundredths('pretax_401k_percent', 'amount') ?? 0;
  if (percent > FULL_PERCENT) {
    throw cells.error(
      'pretax_401k_percent',
      `${cells.text('pretax_401k_percent')} is over 100; give the percent of gross, e.g. 5 or 7.5.`,
      'BAD_VALUE',
    );
  }
  return {
    employeeId,
    name,
    payType,
    payFrequency,
    filingStatus,
    bank: {
      routing: routingFrom(cells),
      account: accountFrom(cells),
      accountType: cells.choice('bank_account_type', ACCOUNT_TYPES, 'an account type'),
    },
    ...pay,
    w4: w4From(cells),
    pretax401kBasisPoints: percent,
    pretaxSection125: cells.amount('pretax_section125') ?? ZERO,
    openingYtd: ytdFrom(cells),
  };
}

function requiredPositive(
  cells: CsvCells<RosterColumn>,
  column: 'annual_salary' | 'hourly_rate',
  value: Cents | undefined,
  who: string,
): Cents {
  const what = column === 'annual_salary' ? 'the annual salary' : 'the hourly rate';
  if (value === undefined) throw cells.error(column, `empty for ${who}; give ${what}.`, 'MISSING_VALUE');
  if (value === 0) throw cells.error(column, `0 for ${who}; give ${what} (more than 0).`, 'BAD_AMOUNT');
  return value;
}

function routingFrom(cells: CsvCells<RosterColumn>): string {
  const routing = cells.text('bank_routing');
  if (validateRouting(routing)) return routing;
  let problem: string;
  if (routing === '') problem = 'empty; give the 9-digit ABA routing number.';
  else if (/^\d{8}$/.test(routing) && validateRouting(`0${routing}`)) {
    problem = `${routing} has 8 digits (a spreadsheet may have dropped a leading zero); write it as 0${routing}.`;
  } else if (!/^\d{9}$/.test(routing))
    problem = `${routing} is not 9 digits; give the 9-digit ABA routing number.`;
  else problem = `${routing} fails the ABA check digit; correct the routing number.`;
  throw cells.error('bank_routing', problem, routing === '' ? 'MISSING_VALUE' : 'BAD_ROUTING');
}

function accountFrom(cells: CsvCells<RosterColumn>): string {
  const account = cells.text('bank_account');
  if (ACCOUNT_NUMBER.test(account)) return account;
  // Account numbers are PII: the message never repeats the value.
  throw cells.error(
    'bank_account',
    account === ''
      ? 'empty; give the bank account number.'
      : 'not an account number; use 1 to 17 digits without spaces or dashes.',
    account === '' ? 'MISSING_VALUE' : 'BAD_VALUE',
  );
}

function w4From(cells: CsvCells<RosterColumn>): W4 {
  const step2 = booleanFrom(cells, 'w4_step2');
  const dependents = cells.amount('w4_dependents');
  const otherIncome = cells.amount('w4_other_income');
  const deductions = cells.amount('w4_deductions');
  const extraWithholding = cells.amount('w4_extra_withholding');
  if (
    !step2 &&
    dependents === undefined &&
    otherIncome === undefined &&
    deductions === undefined &&
    extraWithholding === undefined
  ) {
    return NO_W4;
  }
  return {
    step2,
    dependents: dependents ?? ZERO,
    otherIncome: otherIncome ?? ZERO,
    deductions: deductions ?? ZERO,
    extraWithholding: extraWithholding ?? ZERO,
  };
}

function booleanFrom(cells: CsvCells<RosterColumn>, column: RosterColumn): boolean {
  const text = cells.text(column).toLowerCase();
  if (text === '' || FALSE_WORDS.has(text)) return false;
  if (TRUE_WORDS.has(text)) return true;
  throw cells.error(
    column,
    `${cells.text(column)} is not true or false; write true when the W-4 Step 2 box is checked, false (or nothing) otherwise.`,
    'BAD_VALUE',
  );
}

function ytdFrom(cells: CsvCells<RosterColumn>): YtdBalances {
  const gross = cells.amount('ytd_gross');
  const ssWages = cells.amount('ytd_ss_wages');
  const medicareWages = cells.amount('ytd_medicare_wages');
  const futaWages = cells.amount('ytd_futa_wages');
  if (
    gross === undefined &&
    ssWages === undefined &&
    medicareWages === undefined &&
    futaWages === undefined
  ) {
    return NO_YTD;
  }
  return {
    gross: gross ?? ZERO,
    ssWages: ssWages ?? ZERO,
    medicareWages: medicareWages ?? ZERO,
    futaWages: futaWages ?? ZERO,
  };
}
