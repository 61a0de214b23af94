/**
 * Hand-made records of one pay run for the verify checks: four employees (one salaried on
 * checking, one high earner near the Social Security wage base on savings, one hourly with a
 * 401(k), one whose Section 125 deduction takes all their pay so they get no ACH entry), the
 * payslips the engine gives them, the journals, the funding debit and the ACH files as a parser
 * would read them back. `rolledBack` adds every compensation's counterpart.
 */

import {
  disbursementJournal,
  journalInputFromTotals,
  payrollJournal,
  reversingJournal,
} from '../../src/core/ledger.js';
import type { Cents } from '../../src/core/money.js';
import { computePayslip, sumPayslips } from '../../src/core/payroll/grossToNet.js';
import { taxTablesFor } from '../../src/core/payroll/taxTables.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import type { Employee, YtdBalances } from '../../src/core/roster.js';
import {
  type AchFileRecord,
  AchStatus,
  type EmployeeSnapshot,
  type PayslipRecord,
  PayslipStatus,
  type RunRecord,
} from '../../src/core/saga/records.js';
import { CompensationStatus, RunStatus, StepName, StepStatus } from '../../src/core/saga/steps.js';
import { runTotalsOf } from '../../src/core/saga/totals.js';
import { achEntryHash } from '../../src/core/verify/achChecks.js';
import type { AchEntryView, AchFileView, VerifyData } from '../../src/core/verify/verifyCheck.js';
import { ytdOf, ZERO_YTD } from '../../src/core/ytd.js';

export const RUN_ID = 'acme-2026-03-regular';
export const PERIOD = parsePeriod('2026-03');
const c = (value: number) => value as Cents;
const ZERO: YtdBalances = ZERO_YTD;

function employee(id: string, overrides: Partial<Employee>): Employee {
  return {
    employeeId: id,
    name: `Employee ${id}`,
    payType: 'salary',
    payFrequency: 'monthly',
    filingStatus: 'single',
    bank: { routing: '011000015', account: `1234567${id.slice(-3)}`, accountType: 'checking' },
    annualSalary: c(6_000_000),
    w4: { step2: false, dependents: c(0), otherIncome: c(0), deductions: c(0), extraWithholding: c(0) },
    pretax401kBasisPoints: 0,
    pretaxSection125: c(0),
    openingYtd: ZERO,
    openingTaxYear: 2026,
    ...overrides,
  };
}

export const SNAPSHOT: readonly EmployeeSnapshot[] = [
  { employee: employee('V001', {}), ytdBefore: ZERO },
  {
    employee: employee('V002', {
      annualSalary: c(25_000_000),
      filingStatus: 'married_jointly',
      bank: { routing: '021000021', account: '987654321002', accountType: 'savings' },
      w4: { step2: true, dependents: c(0), otherIncome: c(0), deductions: c(0), extraWithholding: c(0) },
    }),
    // Near the Social Security wage base: the engine must use these balances to get the same tax.
    ytdBefore: ytdOf({
      gross: 18_000_000,
      ssWages: 18_000_000,
      medicareWages: 18_000_000,
      futaWages: 700_000,
    }),
  },
  {
    employee: employee('V003', {
      payType: 'hourly',
      annualSalary: undefined,
      hourlyRate: c(2_250),
      pretax401kBasisPoints: 500,
      bank: { routing: '026009593', account: '55512345003', accountType: 'checking' },
    }),
    ytdBefore: ZERO,
    hours: { employeeId: 'V003', regularHundredths: 16_000, overtimeHundredths: 500 },
  },
  {
    employee: employee('V004', { annualSalary: c(1_200_000), pretaxSection125: c(100_000) }),
    ytdBefore: ZERO,
  },
];

const tables = taxTablesFor(PERIOD.taxYear);

function payslipOf(snapshot: EmployeeSnapshot, status: PayslipStatus): PayslipRecord {
  const { employee: e, ytdBefore, hours } = snapshot;
  return {
    runId: RUN_ID,
    employeeId: e.employeeId,
    name: e.name,
    chunkIndex: 0,
    payDate: PERIOD.payDate,
    amounts: computePayslip(
      hours
        ? { employee: e, period: PERIOD, ytd: ytdBefore, hours }
        : { employee: e, period: PERIOD, ytd: ytdBefore },
      tables,
    ),
    ytdBefore,
    bank: e.bank,
    status,
  };
}

function achFile(payslips: readonly PayslipRecord[], kind: 'credit' | 'reversal'): AchFileView {
  const entries: AchEntryView[] = payslips
    .filter((p) => p.amounts.net > 0)
    .map((p) => ({
      transactionCode:
        p.bank.accountType === 'savings'
          ? kind === 'credit'
            ? '32'
            : '37'
          : kind === 'credit'
            ? '22'
            : '27',
      routing: p.bank.routing,
      account: p.bank.account,
      amount: p.amounts.net,
      individualId: p.employeeId,
    }));
  const total = entries.reduce((sum, e) => sum + e.amount, 0);
  const control = {
    entryCount: entries.length,
    entryHash: achEntryHash(entries.map((e) => e.routing)),
    totalDebit: kind === 'credit' ? 0 : total,
    totalCredit: kind === 'credit' ? total : 0,
  };
  return {
    batches: [{ companyEntryDescription: kind === 'credit' ? 'PAYROLL' : 'REVERSAL', entries, control }],
    control,
  };
}

export function achRecord(
  kind: 'CREDIT' | 'REVERSAL',
  entryCount: number,
  totalAmount: number,
): AchFileRecord {
  return {
    runId: RUN_ID,
    kind,
    status: AchStatus.Transmitted,
    effectiveDate: PERIOD.payDate,
    entryCount,
    totalAmount: c(totalAmount),
    createdAt: '2026-03-31T10:00:01.000Z',
    transmittedAt: '2026-03-31T10:00:02.000Z',
    artifact: `${RUN_ID}-${kind.toLowerCase()}.ach`,
  };
}

const ALL_STEPS = Object.values(StepName);

export function completedRun(): VerifyData {
  const payslips = SNAPSHOT.map((s) => payslipOf(s, PayslipStatus.Issued));
  const summed = sumPayslips(payslips.map((p) => p.amounts));
  const totals = runTotalsOf([{ runId: RUN_ID, chunkIndex: 0, totals: summed }]);
  const run: RunRecord = {
    runId: RUN_ID,
    employerId: 'acme',
    period: PERIOD,
    runType: 'regular',
    status: RunStatus.Completed,
    requestedBy: 'test',
    startedAt: '2026-03-31T10:00:00.000Z',
    endedAt: '2026-03-31T10:00:05.000Z',
    taxTablesVersion: tables.version,
    employees: payslips.length,
    chunkCount: 1,
    totals,
    steps: Object.fromEntries(ALL_STEPS.map((step) => [step, { status: StepStatus.Succeeded }])),
    compensations: [],
    artifacts: { achFile: `/data/${RUN_ID}-credit.ach` },
  };
  const credit = achFile(payslips, 'credit');
  return {
    run,
    snapshots: [{ runId: RUN_ID, chunkIndex: 0, employees: SNAPSHOT }],
    payslips,
    journals: [
      payrollJournal(RUN_ID, journalInputFromTotals(totals)),
      disbursementJournal(RUN_ID, totals.net),
    ],
    funding: {
      debit: {
        runId: RUN_ID,
        employerId: 'acme',
        kind: 'DEBIT',
        amount: totals.fundingDebit,
        at: run.startedAt,
      },
    },
    ach: {
      credit: {
        record: achRecord('CREDIT', payslips.length, totals.net),
        location: run.artifacts.achFile as string,
        contents: credit,
      },
    },
  };
}

/** The completed run after `rollback`: every effect with its counterpart. */
export function rolledBackRun(): VerifyData {
  const done = completedRun();
  const payslips = done.payslips.map((p) => ({ ...p, status: PayslipStatus.Void }));
  const debit = done.funding.debit!;
  const credit = done.ach.credit!;
  return {
    ...done,
    run: {
      ...done.run,
      status: RunStatus.RolledBack,
      compensations: ALL_STEPS.filter((s) => s !== StepName.CloseRun).map((step) => ({
        step,
        status: CompensationStatus.Compensated,
        at: '2026-04-01T09:00:00.000Z',
      })),
      artifacts: { ...done.run.artifacts, reversalFile: `/data/${RUN_ID}-reversal.ach` },
    },
    payslips,
    journals: [...done.journals, ...done.journals.map(reversingJournal)],
    funding: { debit, refund: { ...debit, kind: 'REFUND', at: '2026-04-01T09:00:00.000Z' } },
    ach: {
      credit,
      reversal: {
        record: achRecord('REVERSAL', credit.record.entryCount, credit.record.totalAmount),
        location: `/data/${RUN_ID}-reversal.ach`,
        contents: achFile(payslips, 'reversal'),
      },
    },
  };
}
