/**
 * verify's ACH checks: the credit file as read back must declare what the payslips pay, each
 * entry must pay its payslip's account, and after a rollback a REVERSAL file must mirror it.
 */
import { describe, expect, it } from 'vitest';
import { AchStatus } from '../../src/core/saga/records.js';
import type { AchArtifact, AchFileView, CheckName, VerifyData } from '../../src/core/verify/verifyCheck.js';
import { failedChecks, verifyRun } from '../../src/core/verify/verifyRun.js';
import { completedRun, rolledBackRun } from './verifyFixture.js';

function detail(data: VerifyData, name: CheckName): string | undefined {
  return verifyRun(data).checks.find((c) => c.name === name && !c.ok)?.detail;
}

function withCredit(data: VerifyData, change: (file: AchFileView) => AchFileView): VerifyData {
  const credit = data.ach.credit!;
  return { ...data, ach: { ...data.ach, credit: { ...credit, contents: change(credit.contents!) } } };
}

function withReversal(data: VerifyData, change: (artifact: AchArtifact) => AchArtifact): VerifyData {
  return { ...data, ach: { ...data.ach, reversal: change(data.ach.reversal!) } };
}

const mapEntries =
  (change: (entry: AchFileView['batches'][number]['entries'][number]) => typeof entry) =>
  (file: AchFileView): AchFileView => ({
    ...file,
    batches: file.batches.map((batch) => ({ ...batch, entries: batch.entries.map(change) })),
  });

describe('verify: the ACH credit file', () => {
  it('fails ach-entries with masked accounts when an entry pays another account', () => {
    const data = withCredit(
      completedRun(),
      mapEntries((e) => (e.individualId === 'V001' ? { ...e, account: '99999999' } : e)),
    );
    expect(failedChecks(verifyRun(data))).toEqual(['ach-entries']);
    const text = detail(data, 'ach-entries');
    expect(text).toBe('V001: account 011000015 ••••9999 in the file, 011000015 ••••7001 on the payslip');
    expect(text).not.toContain('99999999');
  });

  it('fails ach-control when the declared entry hash or total differs from the payslips', () => {
    const data = withCredit(completedRun(), (file) => ({
      ...file,
      control: {
        ...file.control,
        entryHash: file.control.entryHash + 1,
        totalCredit: file.control.totalCredit - 1,
      },
    }));
    expect(failedChecks(verifyRun(data))).toEqual(['ach-control']);
    expect(detail(data, 'ach-control')).toMatch(
      /^file control entry hash \d+, expected \d+; file control total credit/,
    );
  });

  it('fails ach-entries for a missing entry and for an entry without a payslip', () => {
    const base = completedRun();
    const missing = withCredit(base, (file) => ({
      ...file,
      batches: file.batches.map((b) => ({
        ...b,
        entries: b.entries.filter((e) => e.individualId !== 'V003'),
      })),
    }));
    expect(detail(missing, 'ach-entries')).toMatch(/^V003: no entry for net pay \d+\.\d\d$/);
    // V004's net pay is zero: paying them anything is an entry without a payslip paying net pay.
    const extra = withCredit(base, (file) => ({
      ...file,
      batches: file.batches.map((b) => ({
        ...b,
        entries: [...b.entries, { ...b.entries[0]!, individualId: 'V004', amount: 100 }],
      })),
    }));
    expect(detail(extra, 'ach-entries')).toBe('V004: entry without a payslip paying net pay');
  });

  it('fails a savings account credited with the checking code', () => {
    const data = withCredit(
      completedRun(),
      mapEntries((e) => (e.individualId === 'V002' ? { ...e, transactionCode: '22' } : e)),
    );
    expect(detail(data, 'ach-entries')).toBe('V002: transaction code 22, 32 for a savings account');
  });

  it('fails both ACH checks when the transmitted file cannot be read', () => {
    const data = completedRun();
    const { contents: _contents, ...record } = data.ach.credit!;
    const report = verifyRun({ ...data, ach: { credit: { ...record, readError: 'ENOENT: no such file' } } });
    expect(failedChecks(report)).toEqual(['ach-control', 'ach-entries']);
    expect(report.checks.find((c) => c.name === 'ach-control')?.detail).toBe(
      'the transmitted credit file cannot be checked: ENOENT: no such file',
    );
  });

  it('fails a completed run whose credit file was never transmitted', () => {
    const data = completedRun();
    const credit = data.ach.credit!;
    const report = verifyRun({
      ...data,
      ach: { credit: { record: { ...credit.record, status: AchStatus.Pending } } },
    });
    expect(report.checks.find((c) => c.name === 'ach-control')?.detail).toBe(
      'the run is COMPLETED but its credit file is PENDING',
    );
  });
});

describe('verify: the ACH reversal after a rollback', () => {
  it('passes when the REVERSAL file mirrors the credits as debits', () => {
    const report = verifyRun(rolledBackRun());
    expect(report.checks.find((c) => c.name === 'ach-reversal')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^REVERSAL file mirrors the 3 credits/),
    });
  });

  it('fails when a reversal entry debits less than was credited', () => {
    const data = withReversal(rolledBackRun(), (artifact) => ({
      ...artifact,
      contents: mapEntries((e) => (e.individualId === 'V002' ? { ...e, amount: e.amount - 1 } : e))(
        artifact.contents!,
      ),
    }));
    expect(failedChecks(verifyRun(data))).toEqual(['ach-reversal']);
    expect(detail(data, 'ach-reversal')).toMatch(
      /^V002: reversal 37 ••••1002 \d+\.\d\d does not mirror credit 32/,
    );
  });

  it('fails when the reversal is not described as REVERSAL or still pending', () => {
    const described = withReversal(rolledBackRun(), (artifact) => ({
      ...artifact,
      contents: {
        ...artifact.contents!,
        batches: artifact.contents!.batches.map((b) => ({ ...b, companyEntryDescription: 'PAYROLL' })),
      },
    }));
    expect(detail(described, 'ach-reversal')).toBe('company entry description "PAYROLL", not REVERSAL');
    const pending = withReversal(rolledBackRun(), (artifact) => ({
      record: { ...artifact.record, status: AchStatus.Pending },
    }));
    expect(detail(pending, 'ach-reversal')).toBe('the REVERSAL file is PENDING, not TRANSMITTED');
  });

  it('fails when transmitted credits have no reversal, passes when they were cancelled instead', () => {
    const data = rolledBackRun();
    const { reversal: _reversal, ...creditOnly } = data.ach;
    expect(detail({ ...data, ach: creditOnly }, 'ach-reversal')).toBe(
      'credit file transmitted but no REVERSAL file exists',
    );
    const cancelled = {
      ...data,
      ach: { credit: { record: { ...data.ach.credit!.record, status: AchStatus.Cancelled } } },
    };
    const report = verifyRun(cancelled);
    expect(report.checks.find((c) => c.name === 'ach-reversal')).toMatchObject({
      ok: true,
      detail: 'credit file CANCELLED before transmission',
    });
  });
});
