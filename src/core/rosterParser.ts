/**
 * Roster CSV → validated employees. The contract (issue 2): a header row, columns in any order,
 * unknown columns refused; an empty cell means "not given"; amounts are plain decimals with at
 * most two places. The first problem found stops the parse with one line naming file, row,
 * column and the fix: a roster is fixed and re-read, never half-used.
 */
import { hasAssignedPrefix, validateRouting } from './aba.js';
import { type CsvCells, parseCsvRecords } from './csvRecords.js';
import { AmountLimits, ID_PATTERN, Limits } from './limits.js';
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
import { type YtdField, ytdOf, ZERO_YTD } from './ytd.js';

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
  'ytd_tax_year',
  'ytd_gross',
  'ytd_federal_income_tax',
  'ytd_ss_wages',
  'ytd_social_security',
  'ytd_medicare_wages',
  'ytd_medicare',
  'ytd_additional_medicare',
  'ytd_futa_wages',
  'ytd_supplemental_wages',
] as const;
type RosterColumn = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];

export const ROSTER_COLUMNS = { required: REQUIRED, optional: OPTIONAL } as const;

const FILING_STATUSES = Object.values(FilingStatus);
const PAY_TYPES = Object.values(PayType);
const ACCOUNT_TYPES = Object.values(BankAccountType);

// NACHA's DFI account number field holds 17 characters.
const ACCOUNT_NUMBER = /^\d{1,17}$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0']);
const FULL_PERCENT = 10_000;

// Most employees carry no W-4 adjustments: share one frozen object.
const NO_W4: W4 = Object.freeze({
  step2: false,
  dependents: ZERO,
  otherIncome: ZERO,
  deductions: ZERO,
  extraWithholding: ZERO,
});

/** The opening-balance columns and the YTD field each one fills. */
const OPENING_COLUMNS: readonly (readonly [RosterColumn, YtdField])[] = [
  ['ytd_gross', 'gross'],
  ['ytd_federal_income_tax', 'federalIncomeTax'],
  ['ytd_ss_wages', 'ssWages'],
  ['ytd_social_security', 'socialSecurity'],
  ['ytd_medicare_wages', 'medicareWages'],
  ['ytd_medicare', 'medicare'],
  ['ytd_additional_medicare', 'additionalMedicare'],
  ['ytd_futa_wages', 'futaWages'],
  ['ytd_supplemental_wages', 'supplementalWages'],
];

export interface RosterOptions {
  /**
   * The tax year of opening balances on rows without `ytd_tax_year`: the calendar year of the
   * import. Defaults to the current UTC year.
   */
  readonly defaultTaxYear?: number;
}

const EARLIEST_TAX_YEAR = 2000;
const LATEST_TAX_YEAR = 2100;

/**
 * Parses and validates a whole roster before anything is written: the first problem found stops
 * the parse with one line naming file, row, column and the fix. `file` names the source.
 */
export function parseRoster(csvText: string, file: string, options: RosterOptions = {}): Employee[] {
  const defaultTaxYear = options.defaultTaxYear ?? new Date().getUTCFullYear();
  const firstRecordOf = new Map<string, number>();
  return parseCsvRecords(
    csvText,
    file,
    ROSTER_COLUMNS,
    (cells) => {
      if (cells.record > Limits.maxEmployees) {
        throw cells.error(
          undefined,
          `more than ${Limits.maxEmployees.toLocaleString('en-US')} employees; split the roster by employer.`,
          'ROSTER_TOO_LARGE',
        );
      }
      const employee = employeeFrom(cells, defaultTaxYear);
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
    },
    { maxRows: Limits.maxEmployees },
  );
}

function employeeIdFrom(cells: CsvCells<RosterColumn>): string {
  const employeeId = cells.text('employee_id');
  if (employeeId === '')
    throw cells.error('employee_id', 'empty; give every employee an id.', 'MISSING_VALUE');
  if (employeeId.length > Limits.maxEmployeeIdLength || !ID_PATTERN.test(employeeId)) {
    // A huge or odd cell is not echoed whole: the message stays one readable line.
    throw cells.error(
      'employee_id',
      `${cells.shown('employee_id')} is not an id; use 1 to ${Limits.maxEmployeeIdLength} letters, digits, '_' or '-', e.g. E00042.`,
      'BAD_VALUE',
    );
  }
  return employeeId;
}

function nameFrom(cells: CsvCells<RosterColumn>, employeeId: string): string {
  const name = cells.text('name');
  if (name === '') throw cells.error('name', `empty; give ${employeeId}'s name.`, 'MISSING_VALUE');
  if (name.length > Limits.maxNameLength) {
    throw cells.error(
      'name',
      `${name.length} characters for ${employeeId}; shorten the name to ${Limits.maxNameLength}.`,
      'NAME_TOO_LONG',
    );
  }
  return name;
}

function employeeFrom(cells: CsvCells<RosterColumn>, defaultTaxYear: number): Employee {
  const employeeId = employeeIdFrom(cells);
  const name = nameFrom(cells, employeeId);
  const payType = cells.choice('pay_type', PAY_TYPES, 'a pay type');
  const payFrequency = cells.choice('pay_frequency', PAY_FREQUENCIES, 'a pay frequency');
  const filingStatus = cells.choice('filing_status', FILING_STATUSES, 'a filing status');

  // Both pay columns are validated when given; only the one the pay type uses is kept.
  const annualSalary = cells.amount('annual_salary', AmountLimits.annualSalary);
  const hourlyRate = cells.amount('hourly_rate', AmountLimits.hourlyRate);
  const pay =
    payType === PayType.Salary
      ? { annualSalary: requiredPositive(cells, 'annual_salary', annualSalary, 'a salaried employee') }
      : { hourlyRate: requiredPositive(cells, 'hourly_rate', hourlyRate, 'an hourly employee') };

  const percent = cells.hundredths('pretax_401k_percent', 'amount', AmountLimits.amount) ?? 0;
  if (percent > FULL_PERCENT) {
    throw cells.error(
      'pretax_401k_percent',
      `${cells.shown('pretax_401k_percent')} is over 100; give the percent of gross, e.g. 5 or 7.5.`,
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
    openingYtd: openingFrom(cells),
    openingTaxYear: taxYearFrom(cells, defaultTaxYear),
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
    problem = `${cells.shown('bank_routing')} is not 9 digits; give the 9-digit ABA routing number.`;
  else if (!hasAssignedPrefix(routing))
    problem = `${routing} starts with ${routing.slice(0, 2)}, which no bank's routing number does (01–12, 21–32, 61–72 or 80); correct the routing number.`;
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
    `${cells.shown(column)} is not true or false; write true when the W-4 Step 2 box is checked, false (or nothing) otherwise.`,
    'BAD_VALUE',
  );
}

function openingFrom(cells: CsvCells<RosterColumn>): YtdBalances {
  const amounts: Partial<Record<YtdField, number>> = {};
  for (const [column, field] of OPENING_COLUMNS) {
    const value = cells.amount(column, AmountLimits.annualSalary);
    if (value !== undefined) amounts[field] = value;
  }
  return Object.keys(amounts).length === 0 ? ZERO_YTD : ytdOf(amounts);
}

function taxYearFrom(cells: CsvCells<RosterColumn>, defaultTaxYear: number): number {
  const text = cells.text('ytd_tax_year');
  if (text === '') return defaultTaxYear;
  const year = /^\d{4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(year >= EARLIEST_TAX_YEAR && year <= LATEST_TAX_YEAR)) {
    throw cells.error(
      'ytd_tax_year',
      `${cells.shown('ytd_tax_year')} is not a tax year; give the four-digit year the opening balances belong to, e.g. ${defaultTaxYear}.`,
      'BAD_VALUE',
    );
  }
  return year;
}
