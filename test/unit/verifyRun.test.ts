/**
 * verify's pure checks on hand-made runs: a consistent completed run passes every check, and each
 * kind of tampering fails the check that should catch it, naming the employee and the figure.
 */

import { describe, expect, it } from 'vitest';
import type { Cents } from '../../src/core/money.js';
import { taxTablesFor } from '../../src/core/payroll/taxTables.js';
import type { PayslipRecord } from '../../src/core/saga/records.js';
import { RunStatus, StepStatus } from '../../src/core/saga/steps.js';
import type { CheckName, VerifyData, VerifyReport } from '../../src/core/verify/verifyCheck.js';
import { failedChecks, verifyRun } from '../../src/core/verify/verifyRun.js';
import { ZERO_YTD } from '../../src/core/ytd.js';
import { completedRun, PERIOD } from './verifyFixture.js';

function check(report: VerifyReport, name: CheckName) {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} check in ${report.checks.map((c) => c.name).join(', ')}`);
  return found;
}

function withPayslip(data: VerifyData, employeeId: string, change: (p: PayslipRecord) => PayslipRecord) {
  return { ...data, payslips: data.payslips.map((p) => (p.employeeId === employeeId ? change(p) : p)) };
}

describe('verify on a completed run', () => {
  it('passes every forward check and lists no rollback checks', () => {
    const report = verifyRun(completedRun());
    expect(report).toMatchObject({ runId: 'acme-2026-03-regular', status: 'COMPLETED', ok: true });
    expect(report.checks.map((c) => c.name)).toEqual([
      'tax-tables',
      'payslips',
      'payslip-status',
      'run-totals',
      'journals-balanced',
      'payroll-journal',
      'ach-control',
      'ach-entries',
      'funding',
      'ytd',
    ]);
    expect(check(report, 'payslips').detail).toBe('4 payslips recomputed with tables 2026.1');
    // The employee whose Section 125 deduction takes all their pay gets no ACH entry.
    expect(check(report, 'ach-control').detail).toMatch(/^3 entries/);
  });

  it('fails payslips, totals and the ACH checks when a stored net pay was changed', () => {
    const data = withPayslip(completedRun(), 'V002', (p) => ({
      ...p,
      amounts: { ...p.amounts, net: (p.amounts.net + 100) as Cents },
    }));
    const report = verifyRun(data);
    expect(report.ok).toBe(false);
    expect(failedChecks(report)).toEqual(['payslips', 'run-totals', 'ach-control', 'ach-entries']);
    const original = completedRun().payslips.find((p) => p.employeeId === 'V002')!.amounts.net;
    const shown = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    expect(check(report, 'payslips').detail).toBe(
      `V002: net ${shown(original + 100)} stored, ${shown(original)} recomputed`,
    );
    expect(check(report, 'run-totals').detail).toMatch(/^net .* on the run, .* from payslips; fundingDebit/);
  });

  it('recomputes with the frozen year-to-date balances, not zero ones', () => {
    const data = withPayslip(completedRun(), 'V002', (p) => ({
      ...p,
      ytdBefore: ZERO_YTD,
    }));
    const report = verifyRun(data);
    expect(failedChecks(report)).toEqual(['payslips']);
    expect(check(report, 'payslips').detail).toMatch(/^V002: year-to-date balances before the run differ/);
  });

  it('names both versions when the pinned tax tables differ from the engine’s', () => {
    const tables = taxTablesFor(PERIOD.taxYear);
    const report = verifyRun(completedRun(), { tablesFor: () => ({ ...tables, version: '2026.2' }) });
    expect(check(report, 'tax-tables')).toEqual({
      name: 'tax-tables',
      ok: false,
      detail: 'run pinned tax tables 2026.1, the pay engine has 2026.2 for 2026',
    });
    expect(check(report, 'payslips').ok).toBe(false);
    expect(failedChecks(report)).toEqual(['tax-tables', 'payslips']);
  });

  it('fails when an employee frozen in the run has no payslip, or a payslip has no frozen employee', () => {
    const data = completedRun();
    const missing = verifyRun({ ...data, payslips: data.payslips.filter((p) => p.employeeId !== 'V001') });
    expect(check(missing, 'payslips').detail).toBe('V001: frozen in the run but no payslip');
    const stray = { ...data.payslips[0]!, employeeId: 'X999' };
    const extra = verifyRun({ ...data, payslips: [...data.payslips, stray] });
    expect(check(extra, 'payslips').detail).toBe("X999: payslip for an employee not in the run's snapshot");
  });

  it('fails funding when the debit is not net pay plus taxes', () => {
    const data = completedRun();
    const debit = data.funding.debit!;
    const report = verifyRun({
      ...data,
      funding: { debit: { ...debit, amount: (debit.amount - 1) as Cents } },
    });
    expect(failedChecks(report)).toEqual(['funding']);
    expect(check(report, 'funding').detail).toMatch(/^debit .*, totals fundingDebit .* \(net \+ taxes\)$/);
  });

  it('fails funding when a completed run has a refund', () => {
    const data = completedRun();
    const debit = data.funding.debit!;
    const report = verifyRun({ ...data, funding: { debit, refund: { ...debit, kind: 'REFUND' } } });
    expect(failedChecks(report)).toEqual(['funding']);
  });

  it('fails payslip-status when a completed run has a void payslip', () => {
    const report = verifyRun(withPayslip(completedRun(), 'V003', (p) => ({ ...p, status: 'VOID' })));
    expect(check(report, 'payslip-status')).toMatchObject({
      ok: false,
      detail: '1 of 4 payslips VOID on a completed run',
    });
  });

  it('fails payroll-journal naming the account when a journal line was changed', () => {
    const data = completedRun();
    const [payroll, disbursement] = data.journals;
    const lines = payroll!.lines.map((line) =>
      line.account === 'federal-income-tax-payable' ? { ...line, credit: (line.credit - 5) as Cents } : line,
    );
    const report = verifyRun({ ...data, journals: [{ ...payroll!, lines }, disbursement!] });
    expect(failedChecks(report)).toEqual(['journals-balanced', 'payroll-journal']);
    expect(check(report, 'journals-balanced').detail).toMatch(/^acme-2026-03-regular-payroll: debits/);
    expect(check(report, 'payroll-journal').detail).toMatch(
      /^acme-2026-03-regular-payroll: federal-income-tax-payable -\d+\.\d\d posted, -\d+\.\d\d from totals$/,
    );
  });

  it('fails a completed run without its disbursement journal', () => {
    const data = completedRun();
    const report = verifyRun({ ...data, journals: data.journals.slice(0, 1) });
    expect(check(report, 'payroll-journal').detail).toBe(
      'the run is COMPLETED but has no disbursement journal',
    );
  });

  it('passes a run that stopped before OpenRun: nothing was done, nothing to compare', () => {
    const data = completedRun();
    const { taxTablesVersion: _pinned, totals: _totals, chunkCount: _chunks, ...bare } = data.run;
    const report = verifyRun({
      run: {
        ...bare,
        status: RunStatus.RolledBack,
        steps: { OpenRun: { status: StepStatus.Failed } },
        artifacts: {},
      },
      snapshots: [],
      payslips: [],
      journals: [],
      funding: {},
      ach: {},
    });
    expect(failedChecks(report)).toEqual([]);
    // Ten forward checks, the four of a rollback, and ledger-zero for a ROLLED_BACK run.
    expect(report.checks).toHaveLength(15);
  });
});
