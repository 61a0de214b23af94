/**
 * verify after a rollback: every compensation's counterpart must be present — reversing journals
 * so each account nets to zero, the employer's refund, payslips void.
 */
import { describe, expect, it } from 'vitest';
import type { Cents } from '../../src/core/money.js';
import { CompensationStatus, RunStatus, StepName } from '../../src/core/saga/steps.js';
import { failedChecks, verifyRun } from '../../src/core/verify/verifyRun.js';
import { achRecord, completedRun, rolledBackRun } from './verifyFixture.js';

describe('verify on a rolled-back run', () => {
  it('passes every forward and rollback check', () => {
    const report = verifyRun(rolledBackRun());
    expect(report.status).toBe('ROLLED_BACK');
    expect(failedChecks(report)).toEqual([]);
    expect(report.checks.map((c) => c.name).slice(-5)).toEqual([
      'compensation-order',
      'reversing-journals',
      'funding-refund',
      'ach-reversal',
      'ledger-zero',
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
    expect(failedChecks(report)).toEqual(['reversing-journals', 'ledger-zero']);
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
    expect(report.checks.find((c) => c.name === 'reversing-journals')?.detail).toMatch(
      /^acme-2026-03-regular-payroll-reversal: wages-expense 0\.00 posted, -\d+\.\d\d expected$/,
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
      '2 of 4 payslips still ISSUED after CalculatePay was compensated',
    );
  });

  it('fails a rollback that refunded the employer while the ACH credits were not reversed', () => {
    // The defect this check exists for: Disburse's compensation failed, yet FundPayroll's ran.
    const data = rolledBackRun();
    const report = verifyRun({
      ...data,
      run: {
        ...data.run,
        status: RunStatus.CompensationFailed,
        compensations: data.run.compensations.map((c) =>
          c.step === StepName.Disburse ? { ...c, status: CompensationStatus.Failed } : c,
        ),
      },
      journals: data.journals.filter((j) => j.id !== 'acme-2026-03-regular-disbursement-reversal'),
      ach: { credit: data.ach.credit! },
    });
    expect(failedChecks(report)).toContain('compensation-order');
    expect(report.checks.find((c) => c.name === 'compensation-order')?.detail).toMatch(
      /FundPayroll was undone while the compensation of Disburse is FAILED/,
    );
  });

  it('passes a rollback that halted at a refused reversal: nothing older undone, books consistent', () => {
    const done = completedRun();
    const at = '2026-04-01T09:00:00.000Z';
    const credit = done.ach.credit!;
    const report = verifyRun({
      ...done,
      run: {
        ...done.run,
        status: RunStatus.CompensationFailed,
        compensations: [
          { step: StepName.PublishPayslips, status: CompensationStatus.Compensated, at },
          { step: StepName.Disburse, status: CompensationStatus.Failed, at, detail: 'ACH_REVERSAL_REJECTED' },
          { step: StepName.PostLedger, status: CompensationStatus.NotRun, at },
          { step: StepName.FundPayroll, status: CompensationStatus.NotRun, at },
          { step: StepName.CalculatePay, status: CompensationStatus.NotRun, at },
          { step: StepName.OpenRun, status: CompensationStatus.NotRun, at },
        ],
      },
      ach: {
        credit,
        reversal: {
          record: {
            ...achRecord('REVERSAL', credit.record.entryCount, credit.record.totalAmount),
            status: 'REJECTED',
          },
        },
      },
    });
    expect(failedChecks(report)).toEqual([]);
    expect(report.checks.find((c) => c.name === 'compensation-order')?.detail).toBe(
      'the rollback halted at Disburse; nothing older was undone',
    );
    expect(report.checks.find((c) => c.name === 'funding-refund')?.detail).toBe(
      'not refunded: the rollback did not reach FundPayroll',
    );
    expect(report.checks.map((c) => c.name)).not.toContain('ledger-zero');
  });
});
