import { describe, expect, test } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import { computePayslip } from '../../src/core/payroll/grossToNet.js';
import { taxTablesFor } from '../../src/core/payroll/taxTables.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { previewRoster } from '../../src/core/saga/preview.js';
import { parseTimesheet } from '../../src/core/timesheetParser.js';
import { ytdOf } from '../../src/core/ytd.js';

const ROSTER = `employee_id,name,pay_type,pay_frequency,filing_status,annual_salary,hourly_rate,bank_routing,bank_account,bank_account_type,ytd_gross,ytd_ss_wages,ytd_medicare_wages,ytd_futa_wages
M1,Mona Monthly,salary,monthly,single,72000,,021000021,111,checking,,,,
M2,Exec Monthly,salary,monthly,married_jointly,1200000,,021000021,222,checking,200000,184000,200000,7000
B1,Hal Hourly,hourly,biweekly,single,,20,011000015,333,savings,,,,
B2,Ida Hourly,hourly,biweekly,head_of_household,,30,011000015,444,savings,,,,
`;
const employees = parseRoster(ROSTER, 'roster.csv', { defaultTaxYear: 2026 });
const source = { name: 'roster.csv', emptyFix: 'add employee rows below the header' };
const previewPayRun = (input: Omit<Parameters<typeof previewRoster>[0], 'source'>) =>
  previewRoster({ ...input, source });

describe('previewPayRun', () => {
  test('pays only the employees whose frequency matches the period; totals are the sum of the payslips', () => {
    const preview = previewPayRun({ employees, period: parsePeriod('2026-03') });
    expect(preview.payslips.map((p) => p.employeeId)).toEqual(['M1', 'M2']);
    expect(preview.taxTablesVersion).toBe(taxTablesFor(2026).version);
    // PAYROLL.md worked example: 6,000.00 a month, single, 2026 → 584.17 federal income tax.
    expect(preview.payslips[0]!.amounts).toMatchObject({ gross: 600_000, federalIncomeTax: 58_417 });
    const sum = (pick: (p: (typeof preview.payslips)[number]) => number) =>
      preview.payslips.reduce((total, p) => total + pick(p), 0);
    expect(preview.totals.employees).toBe(2);
    expect(preview.totals.gross).toBe(sum((p) => p.amounts.gross));
    expect(preview.totals.net).toBe(sum((p) => p.amounts.net));
    expect(preview.totals.employer.futa).toBe(sum((p) => p.amounts.employer.futa));
  });

  test("the roster's opening YTD balances cap Social Security (the executive is 500.00 below the wage base)", () => {
    const preview = previewPayRun({ employees, period: parsePeriod('2026-03') });
    const exec = preview.payslips[1]!.amounts;
    expect(exec.wages.ssWages).toBe(50_000);
    expect(exec.socialSecurity).toBe(3_100); // 6.2% × 500.00
    // Already at 200,000 of Medicare wages: the whole 100,000.00 month bears Additional Medicare.
    expect(exec.additionalMedicare).toBe(90_000);
  });

  test('balances from earlier runs add to the opening ones (the saga passes the ledger)', () => {
    // The executive's earlier 2026 runs brought Social Security wages to the base and Medicare past 200,000.
    const ledger = new Map([
      ['M2', { employeeId: 'M2', taxYear: 2026, applied: ytdOf({ ssWages: 50_000 }), runs: ['earlier'] }],
    ]);
    const preview = previewPayRun({ employees, period: parsePeriod('2026-03'), ytd: ledger });
    const exec = preview.payslips[1]!.amounts;
    expect(exec.wages.ssWages).toBe(0); // 184,000 + 500 = the 2026 wage base of 184,500
    expect(exec.socialSecurity).toBe(0);
  });

  test('hourly employees are paid from the timesheet, overtime at 1.5×', () => {
    const period = parsePeriod('2026-03-02..2026-03-15');
    const timesheets = parseTimesheet(
      'employee_id,regular_hours,overtime_hours\nB1,80,10\nB2,40,\n',
      'hours.csv',
    );
    const preview = previewPayRun({ employees, period, timesheets });
    expect(preview.payslips.map((p) => [p.employeeId, p.amounts.gross])).toEqual([
      ['B1', 190_000], // 80 × 20.00 + 10 × 30.00
      ['B2', 120_000], // 40 × 30.00
    ]);
    const b1 = employees.find((e) => e.employeeId === 'B1')!;
    expect(preview.payslips[0]!.amounts).toEqual(
      computePayslip(
        { employee: b1, period, ytd: b1.openingYtd, hours: timesheets.get('B1') },
        taxTablesFor(2026),
      ),
    );
  });

  test('an hourly employee without hours is bad input naming the employee', () => {
    const period = parsePeriod('2026-03-02..2026-03-15');
    const timesheets = parseTimesheet('employee_id,regular_hours,overtime_hours\nB1,80,0\n', 'hours.csv');
    expect(() => previewPayRun({ employees, period, timesheets })).toThrow(BadInputError);
    expect(() => previewPayRun({ employees, period, timesheets })).toThrow(
      '--timesheet: hourly employee B2 (Ida Hourly) has no hours for period 2026-03-02..2026-03-15; add a timesheet row for B2 (0 hours if they did not work).',
    );
  });
});
