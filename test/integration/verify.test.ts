/**
 * `verify` on the embedded stack: the data gathered exactly as the command gathers it (records
 * through the real adapters, ACH files read back from the data folder) passes on a completed run
 * and on a run rolled back after its credits were transmitted, and fails naming the check when a
 * stored payslip is tampered with.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationFailed, verifyRunReport } from '../../src/actions/verify.js';
import { BadInputError } from '../../src/core/errors.js';
import { RunStatus } from '../../src/core/saga/steps.js';
import { keys } from '../../src/infra/aws/keys.js';
import { DATA_TABLE_NAME } from '../../src/infra/aws/tables.js';
import { type PayrollHarness, startPayrollHarness, testRoster } from '../support/payrollHarness.js';

let harness: PayrollHarness;

beforeAll(async () => {
  harness = await startPayrollHarness();
});

afterAll(async () => {
  await harness?.close();
});

const failed = (report: Awaited<ReturnType<typeof verifyRunReport>>) =>
  report.checks.filter((check) => !check.ok).map((check) => check.name);

describe('verify on the local stack', () => {
  let completedRunId: string;

  it('passes every check on a completed run', async () => {
    await harness.setupEmployer('verify-ok', testRoster(8));
    completedRunId = await harness.startRun('verify-ok');
    expect((await harness.waitForRun(completedRunId)).status).toBe(RunStatus.Completed);

    const report = await verifyRunReport({ ports: harness.ports }, completedRunId);
    expect(failed(report)).toEqual([]);
    expect(report).toMatchObject({ runId: completedRunId, status: 'COMPLETED', ok: true });
    expect(report.checks.find((c) => c.name === 'payslips')?.detail).toMatch(
      /^8 payslips recomputed with tables/,
    );
    expect(report.checks.find((c) => c.name === 'ach-control')?.detail).toMatch(/^8 entries, total /);
  });

  it('passes every check, rollback counterparts included, on a run rolled back after transmission', async () => {
    await harness.setupEmployer('verify-rb', testRoster(6, 23));
    harness.setFaults({ PublishPayslips: 'fail-before' });
    let runId: string;
    try {
      runId = await harness.startRun('verify-rb');
      expect((await harness.waitForRun(runId)).status).toBe(RunStatus.RolledBack);
    } finally {
      harness.clearFaults();
    }
    const report = await verifyRunReport({ ports: harness.ports }, runId);
    expect(failed(report)).toEqual([]);
    expect(report.checks.map((c) => c.name)).toContain('ledger-zero');
    // The credits reached the bank before the failure: the reversal file read from disk mirrors them.
    expect(report.checks.find((c) => c.name === 'ach-reversal')?.detail).toMatch(
      /^REVERSAL file mirrors the 6 credits/,
    );
    expect(report.checks.find((c) => c.name === 'funding-refund')?.detail).toMatch(/refunded in full$/);
  });

  it('fails naming the checks when a stored payslip’s net pay was overwritten', async () => {
    const payslips = await harness.ports.payslips.listPayslips(completedRunId);
    const victim = payslips[3]!;
    const key = keys.payslip(completedRunId, victim.employeeId);
    const { Item } = await harness.clients.dynamodb.send(
      new GetItemCommand({ TableName: DATA_TABLE_NAME, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
    );
    const data = JSON.parse(Item!.data!.S!) as { amounts: { net: number } };
    data.amounts.net += 1_000;
    await harness.clients.dynamodb.send(
      new PutItemCommand({
        TableName: DATA_TABLE_NAME,
        Item: { ...Item!, data: { S: JSON.stringify(data) } },
      }),
    );

    const report = await verifyRunReport({ ports: harness.ports }, completedRunId);
    expect(report.ok).toBe(false);
    expect(failed(report)).toEqual(['payslips', 'run-totals', 'ach-control', 'ach-entries']);
    expect(report.checks.find((c) => c.name === 'payslips')?.detail).toMatch(
      new RegExp(`^${victim.employeeId}: net \\d+\\.\\d\\d stored, \\d+\\.\\d\\d recomputed$`),
    );
    const error = verificationFailed(report);
    expect(error.kind).toBe('operation-failed');
    expect(error.message).toBe(
      `Run ${completedRunId} failed 4 of 10 checks: payslips, run-totals, ach-control, ach-entries.`,
    );
  });

  it('refuses an unknown run as bad input', async () => {
    await expect(verifyRunReport({ ports: harness.ports }, 'nobody-2026-01-regular')).rejects.toBeInstanceOf(
      BadInputError,
    );
  });
});
