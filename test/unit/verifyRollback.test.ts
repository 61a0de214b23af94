/**
 * verify after a rollback: every compensation's counterpart must be present — reversing journals
 * so each account nets to zero, the employer's refund, payslips void.
 */
import { describe, expect, it } from 'vitest';
import type { Cents } from '../../src/core/money.js';
import { RunStatus } from '../../src/core/saga/steps.js';
import { failedChecks, verifyRun } from '../../src/core/verify/verifyRun.js';
import { rolledBackRun } from './verifyFixture.js';

describe('verify on a rolled-back run', () => {
  it('passes every forward and rollback check', () => {
    const report = verifyRun(rolledBackRun());
    expect(report.status).toBe('ROLLED_BACK');
    expect(failedChecks(report)).toEqual([]);
    expect(report.checks.map((c) => c.name).slice(-4)).toEqual([
      'ledger-zero',
      'reversing-journals',
      'funding-refund',
      'ach-reversal',
    ]);
    expect(report.checks.find((c) => c.name === 'reversing-journals')?.detail).toBe(
      '2 journals reversed (payroll, disbursement)',
    );
  });

  it('fails ledger-zero and reversing-journals when a journal was not reversed', () => {
    const data = rolledBackRun();
    const report = verifyRun({
      ...data,
      journals: data.journals.filter((j) => j.id !== 'acme-2026-03-regular-disbursement-reversal'),
    });
    expect(failedChecks(report)).toEqual(['ledger-zero', 'reversing-journals']);
    expect(report.checks.find((c) => c.name === 'reversing-journals')?.detail).toBe(
      'acme-2026-03-regular-disbursement: no reversing journal',
    );
    expect(report.checks.find((c) => c.name === 'ledger-zero')?.detail).toMatch(
      /^net-pay-payable \d+\.\d\d; cash -\d+\.\d\d$/,
    );
  });

  it('fails when a reversal does not mirror its journal', () => {
    const data = rolledBackRun();
    const journals = data.journals.map((j) =>
      j.id === 'acme-2026-03-regular-payroll-reversal' ? { ...j, lines: j.lines.slice(1) } : j,
    );
    const report = verifyRun({ ...data, journals });
    expect(report.checks.find((c) => c.name === 'reversing-journals')?.detail).toBe(
      'acme-2026-03-regular-payroll-reversal does not mirror acme-2026-03-regular-payroll',
    );
  });

  it('fails funding-refund when the debit was not refunded, or refunded short', () => {
    const data = rolledBackRun();
    const debit = data.funding.debit!;
    const unrefunded = verifyRun({ ...data, funding: { debit } });
    expect(failedChecks(unrefunded)).toEqual(['funding-refund']);
    expect(unrefunded.checks.find((c) => c.name === 'funding-refund')?.detail).toMatch(
      /^debit of .* not refunded$/,
    );
    const short = verifyRun({
      ...data,
      funding: { debit, refund: { ...data.funding.refund!, amount: (debit.amount - 100) as Cents } },
    });
    expect(short.checks.find((c) => c.name === 'funding-refund')?.detail).toMatch(/ = 1\.00$/);
  });

  it('fails payslip-status when payslips were left issued', () => {
    const data = rolledBackRun();
    const report = verifyRun({
      ...data,
      payslips: data.payslips.map((p, i) => (i < 2 ? { ...p, status: 'ISSUED' } : p)),
    });
    expect(report.checks.find((c) => c.name === 'payslip-status')?.detail).toBe(
      '2 of 4 payslips still ISSUED after the rollback',
    );
  });

  it('reports what a COMPENSATION_FAILED run left unreversed', () => {
    const data = rolledBackRun();
    const report = verifyRun({
      ...data,
      run: { ...data.run, status: RunStatus.CompensationFailed },
      funding: { debit: data.funding.debit! },
    });
    expect(report.ok).toBe(false);
    expect(failedChecks(report)).toEqual(['funding-refund']);
  });
});
