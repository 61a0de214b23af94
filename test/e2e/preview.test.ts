/**
 * `payroll-ops preview` as an operator runs it: the built CLI as a child process, on the example
 * files and on broken copies of them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatCents, formatCentsGrouped } from '../../src/core/money.js';
import { computePayslip } from '../../src/core/payroll/grossToNet.js';
import { taxTablesFor } from '../../src/core/payroll/taxTables.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { type CliResult, cents, createCli, REPO_ROOT } from '../support/cli.js';

const ROSTER = 'examples/roster.csv';
const HOURLY_ROSTER = 'examples/hourly-roster.csv';
const TIMESHEET = 'examples/hourly-timesheet.csv';
const HOURLY_PERIOD = '2026-03-02..2026-03-15';

let home: string;
let work: string;
const cli = createCli({ home: () => home });
const run = (...args: string[]) => cli.run(args);

type AmountField =
  | 'gross'
  | 'preTax401k'
  | 'preTaxSection125'
  | 'federalIncomeTax'
  | 'socialSecurity'
  | 'medicare'
  | 'additionalMedicare'
  | 'net';
const AMOUNT_FIELDS: readonly AmountField[] = [
  'gross',
  'preTax401k',
  'preTaxSection125',
  'federalIncomeTax',
  'socialSecurity',
  'medicare',
  'additionalMedicare',
  'net',
];
const EMPLOYER_FIELDS = ['socialSecurity', 'medicare', 'futa'] as const;

type Amounts = Record<AmountField, string> & { employer: Record<(typeof EMPLOYER_FIELDS)[number], string> };
interface PreviewDocument {
  period: { id: string; start: string; end: string; payDate: string; frequency: string; taxYear: number };
  employees: (Amounts & { employeeId: string; name: string })[];
  totals: Amounts & { employees: number };
}

/** Every totals field equals the sum of the employee rows, to the cent. */
function expectTotalsToBeSums(doc: PreviewDocument): void {
  expect(doc.totals.employees).toBe(doc.employees.length);
  for (const field of AMOUNT_FIELDS) {
    const sum = doc.employees.reduce((total, e) => total + cents(e[field]), 0);
    expect(cents(doc.totals[field]), field).toBe(sum);
  }
  for (const field of EMPLOYER_FIELDS) {
    const sum = doc.employees.reduce((total, e) => total + cents(e.employer[field]), 0);
    expect(cents(doc.totals.employer[field]), `employer.${field}`).toBe(sum);
  }
}

/** A copy of an example with one cell changed, in the temporary folder. */
function brokenCopy(
  example: string,
  name: string,
  edit: (lines: string[], column: (n: string) => number) => void,
) {
  const lines = readFileSync(join(REPO_ROOT, example), 'utf8').trimEnd().split('\n');
  const header = lines[0]!.split(',');
  edit(lines, (n) => header.indexOf(n));
  const path = join(work, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function setCell(lines: string[], row: number, at: number, value: string): void {
  const cells = lines[row - 1]!.split(',');
  cells[at] = value;
  lines[row - 1] = cells.join(',');
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-home-'));
  work = mkdtempSync(join(tmpdir(), 'payroll-ops-preview-'));
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('preview of the monthly example roster', () => {
  let json: CliResult;
  let table: CliResult;
  beforeAll(async () => {
    [json, table] = await Promise.all([
      run('--output', 'json', 'preview', '--roster', ROSTER, '--period', '2026-03'),
      run('preview', '--roster', ROSTER, '--period', '2026-03'),
    ]);
  });

  test('JSON: every employee, the period, and totals that are the sums of the rows', () => {
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as PreviewDocument;
    expect(doc.period).toEqual({
      id: '2026-03',
      start: '2026-03-01',
      end: '2026-03-31',
      payDate: '2026-03-31',
      frequency: 'monthly',
      taxYear: 2026,
    });
    expect(doc.employees).toHaveLength(250);
    expectTotalsToBeSums(doc);
    expect(Object.keys(doc.employees[0]!)).toEqual(['employeeId', 'name', ...AMOUNT_FIELDS, 'employer']);
    for (const e of doc.employees) expect(e.gross).toMatch(/^\d+\.\d{2}$/);
  });

  test('JSON: an executive with opening YTD balances is paid exactly as the pay engine computes', () => {
    const doc = JSON.parse(json.stdout) as PreviewDocument;
    const employees = parseRoster(readFileSync(join(REPO_ROOT, ROSTER), 'utf8'), ROSTER);
    const executive = employees.find((e) => e.employeeId === 'E00007')!;
    expect(executive.openingYtd.gross).toBeGreaterThan(0);
    const expected = computePayslip(
      { employee: executive, period: parsePeriod('2026-03'), ytd: executive.openingYtd },
      taxTablesFor(2026),
    );
    const row = doc.employees.find((e) => e.employeeId === 'E00007')!;
    for (const field of AMOUNT_FIELDS) expect(row[field], field).toBe(formatCents(expected[field]));
    expect(row.employer).toEqual({
      socialSecurity: formatCents(expected.employer.socialSecurity),
      medicare: formatCents(expected.employer.medicare),
      futa: formatCents(expected.employer.futa),
    });
  });

  test('table: one row per employee and a totals row matching the JSON totals', () => {
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    const doc = JSON.parse(json.stdout) as PreviewDocument;
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Pay period 2026-03 (monthly, 2026-03-01 to 2026-03-31), pay date 2026-03-31, tax year 2026 (tables 2026.1)',
    );
    const rows = lines.filter((line) => /^│ E\d{5} /.test(line));
    expect(rows).toHaveLength(250);
    const total = lines.find((line) => line.startsWith('│ Total'))!;
    const cells = total.split('│').map((cell) => cell.trim());
    expect(cells[2]).toBe('250 employees');
    expect(cells[3]).toBe(formatCentsGrouped(cents(doc.totals.gross)));
    expect(cells[10]).toBe(formatCentsGrouped(cents(doc.totals.net)));
  });
});

describe('preview of the hourly biweekly example with its timesheet', () => {
  let json: CliResult;
  let table: CliResult;
  beforeAll(async () => {
    const args = ['preview', '--roster', HOURLY_ROSTER, '--timesheet', TIMESHEET, '--period', HOURLY_PERIOD];
    [json, table] = await Promise.all([
      run('--output', 'json', ...args, '--pay-date', '2026-03-20'),
      run(...args),
    ]);
  });

  test('JSON: overtime paid at 1.5×, totals the sums of the rows', () => {
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as PreviewDocument;
    expect(doc.period).toMatchObject({ id: HOURLY_PERIOD, frequency: 'biweekly', payDate: '2026-03-20' });
    expect(doc.employees).toHaveLength(20);
    expectTotalsToBeSums(doc);
    // Gross recomputed from the CSV files themselves: rate × (regular + 1.5 × overtime).
    const rates = new Map(
      readFileSync(join(REPO_ROOT, HOURLY_ROSTER), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map((cells) => [cells[0]!, cents(cells[6]!)]),
    );
    const hours = readFileSync(join(REPO_ROOT, TIMESHEET), 'utf8').trimEnd().split('\n').slice(1);
    const withOvertime = hours.map((line) => line.split(',')).filter((cells) => cents(cells[2]!) > 0);
    expect(withOvertime.length).toBeGreaterThan(0);
    for (const [id, regular, overtime] of withOvertime) {
      const rate = rates.get(id!)!;
      const grossCents = Math.round((rate * (cents(regular!) + 1.5 * cents(overtime!))) / 100);
      expect(doc.employees.find((e) => e.employeeId === id)!.gross, id).toBe(formatCents(grossCents));
    }
  });

  test('table: 20 rows and the totals row', () => {
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').filter((line) => /^│ H\d{5} /.test(line))).toHaveLength(20);
    expect(table.stdout).toMatch(/│ Total +│ 20 employees +│/);
  });
});

describe('bad input: exit 2, one line on stderr naming where and the fix, nothing on stdout', () => {
  async function expectBadInput(args: string[], message: string | RegExp): Promise<void> {
    const result = await run(...args);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\s+at /);
    if (typeof message === 'string') expect(lines[0]).toBe(`error: ${message}`);
    else expect(lines[0]).toMatch(message);
  }

  test('a routing number with a bad check digit', async () => {
    const path = brokenCopy(ROSTER, 'bad-routing.csv', (lines, column) =>
      setCell(lines, 7, column('bank_routing'), '123456789'),
    );
    await expectBadInput(
      ['preview', '--roster', path, '--period', '2026-03'],
      `${path} row 7, column bank_routing: 123456789 fails the ABA check digit; correct the routing number.`,
    );
  });

  test('an unknown column', async () => {
    const path = brokenCopy(ROSTER, 'unknown-column.csv', (lines) => {
      lines[0] = `${lines[0]},department`;
      for (let i = 1; i < lines.length; i++) lines[i] = `${lines[i]},Finance`;
    });
    await expectBadInput(
      ['preview', '--roster', path, '--period', '2026-03'],
      new RegExp(`^error: ${path} row 1, column department: unknown column; remove it or rename it`),
    );
  });

  test('a duplicate row', async () => {
    const path = brokenCopy(ROSTER, 'duplicate.csv', (lines) => {
      lines.push(lines[3]!);
    });
    await expectBadInput(
      ['preview', '--roster', path, '--period', '2026-03'],
      `${path} row 252, column employee_id: E00003 is already on row 4; give every employee a unique employee_id.`,
    );
  });

  test('a negative amount', async () => {
    const path = brokenCopy(ROSTER, 'negative.csv', (lines, column) =>
      setCell(lines, 12, column('pretax_section125'), '-87.25'),
    );
    await expectBadInput(
      ['preview', '--roster', path, '--period', '2026-03'],
      `${path} row 12, column pretax_section125: -87.25 is negative; amounts must be 0 or more.`,
    );
  });

  test('an unknown filing status', async () => {
    const path = brokenCopy(ROSTER, 'filing.csv', (lines, column) =>
      setCell(lines, 30, column('filing_status'), 'married_separately'),
    );
    await expectBadInput(
      ['preview', '--roster', path, '--period', '2026-03'],
      `${path} row 30, column filing_status: married_separately is not a filing status; use single, married_jointly or head_of_household.`,
    );
  });

  test('an impossible period', async () => {
    await expectBadInput(
      ['preview', '--roster', ROSTER, '--period', '2026-13'],
      /^error: --period 2026-13: month 13 does not exist; use YYYY-MM \(monthly\), YYYY-MM-1 or YYYY-MM-2/,
    );
  });

  test('an hourly employee missing from the timesheet', async () => {
    const path = brokenCopy(TIMESHEET, 'short-timesheet.csv', (lines) => {
      lines.splice(5, 1); // H00005
    });
    await expectBadInput(
      ['preview', '--roster', HOURLY_ROSTER, '--timesheet', path, '--period', HOURLY_PERIOD],
      /^error: --timesheet: hourly employee H00005 \(.+\) has no hours for period 2026-03-02\.\.2026-03-15; add a timesheet row for H00005/,
    );
  });

  test('empty timesheet hours', async () => {
    const path = brokenCopy(TIMESHEET, 'empty-hours.csv', (lines, column) =>
      setCell(lines, 4, column('regular_hours'), ''),
    );
    await expectBadInput(
      ['preview', '--roster', HOURLY_ROSTER, '--timesheet', path, '--period', HOURLY_PERIOD],
      `${path} row 4, column regular_hours: empty for H00003; give the regular hours worked (0 if none).`,
    );
  });

  test('hourly employees in scope and no --timesheet', async () => {
    await expectBadInput(
      ['preview', '--roster', HOURLY_ROSTER, '--period', HOURLY_PERIOD],
      /^error: --timesheet is required: 20 hourly employees are paid in period 2026-03-02\.\.2026-03-15/,
    );
  });

  test('a roster file that does not exist', async () => {
    await expectBadInput(
      ['preview', '--roster', 'examples/nope.csv', '--period', '2026-03'],
      '--roster examples/nope.csv: no such file; check the path.',
    );
  });
});
