/**
 * The pay-run saga on the embedded stack with the real handlers, SDK clients and adapters: a
 * completed run's books, the fault matrix (every forward step failing before and after its
 * effect), a failing compensation, and a bank message delivered twice.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRunReport } from '../../src/actions/verify.js';
import { computePayslip, sumPayslips } from '../../src/core/payroll/grossToNet.js';
import { taxTablesFor } from '../../src/core/payroll/taxTables.js';
import { AchFileKind, type RunRecord } from '../../src/core/saga/records.js';
import {
  CompensationStatus,
  compensationOrder,
  FORWARD_STEPS,
  RunStatus,
  type StepName,
} from '../../src/core/saga/steps.js';
import { QUEUE_NAMES } from '../../src/infra/aws/tables.js';
import { parseAchFile } from '../../src/infra/bank/achFile.js';
import { transmissionLogPath } from '../../src/infra/local/fileArtifacts.js';
import {
  type PayrollHarness,
  reversiblePeriod,
  startPayrollHarness,
  testRoster,
} from '../support/payrollHarness.js';

const EMPLOYEES = 12;
let harness: PayrollHarness;

beforeAll(async () => {
  harness = await startPayrollHarness();
});

afterAll(async () => {
  await harness?.close();
});

function compensated(run: RunRecord): StepName[] {
  return run.compensations.filter((c) => c.status === CompensationStatus.Compensated).map((c) => c.step);
}

function expectBooksNetToZero(books: Awaited<ReturnType<PayrollHarness['books']>>) {
  for (const [account, balance] of books.accountBalances) expect(balance, account).toBe(0);
  expect((books.fundingDebit ?? 0) - (books.fundingRefund ?? 0)).toBe(0);
  if (books.creditFile === 'TRANSMITTED') expect(books.reversalFile).toBe('TRANSMITTED');
  if (books.payslipCount > 0) expect([...books.payslipStatuses]).toEqual(['VOID']);
}

describe('a pay run on the local stack', () => {
  it('completes with payslips, funding, a balanced journal and an ACH file that match the pay engine', async () => {
    const roster = testRoster(EMPLOYEES);
    await harness.setupEmployer('happy', roster);
    const period = reversiblePeriod();
    const runId = await harness.startRun('happy', period);
    expect(runId).toBe(`happy-${period.id}-regular`);
    const run = await harness.waitForRun(runId);
    expect(run.status).toBe(RunStatus.Completed);

    const tables = taxTablesFor(period.taxYear);
    const expected = sumPayslips(
      roster.map((employee) => computePayslip({ employee, period, ytd: employee.openingYtd }, tables)),
    );
    expect(run.totals?.net).toBe(expected.net);
    expect(run.totals?.gross).toBe(expected.gross);
    expect(run.totals?.employees).toBe(EMPLOYEES);

    const books = await harness.books(runId);
    expect(books.payslipNetTotal).toBe(expected.net);
    expect(books.fundingDebit).toBe(run.totals?.fundingDebit);
    expect(books.fundingRefund).toBeUndefined();
    expect(books.creditFile).toBe('TRANSMITTED');
    // The journal balances: the payroll and disbursement journals leave only expenses vs liabilities and cash.
    const sum = [...books.accountBalances.values()].reduce((a, b) => a + b, 0);
    expect(sum).toBe(0);

    const ach = parseAchFile(readFileSync(run.artifacts.achFile as string, 'utf8'));
    const paid = roster.length;
    expect(ach.control.entryCount).toBe(paid);
    expect(ach.control.totalCredit).toBe(expected.net);
    expect(ach.batches[0]?.companyEntryDescription).toBe('PAYROLL');
    // The stored file record carries the file's own counts.
    const record = await harness.ports.ach.getAchFile(runId, AchFileKind.Credit);
    expect({ entries: record?.entryCount, total: record?.totalAmount }).toEqual({
      entries: ach.control.entryCount,
      total: ach.control.totalCredit,
    });
  });

  it('refuses a second regular run of the same period, naming the existing run', async () => {
    const period = reversiblePeriod();
    await expect(harness.startRun('happy', period)).rejects.toThrow(
      new RegExp(`already has regular run happy-${period.id}-regular \\(COMPLETED\\)`),
    );
  });

  it('transmits one file when the bank gateway message is delivered twice', async () => {
    const runId = `happy-${reversiblePeriod().id}-regular`;
    const { QueueUrl } = await harness.clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: QUEUE_NAMES['bank-gateway'] }),
    );
    const body = JSON.stringify({ messageId: `${runId}#ach#CREDIT`, runId, kind: 'CREDIT' });
    await harness.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await harness.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const log = readFileSync(transmissionLogPath(harness.home), 'utf8');
    expect(log.split('\n').filter((line) => line.includes(`${runId} CREDIT`))).toHaveLength(1);
  });
});

describe('fault matrix: every forward step failing before and after its effect', () => {
  const cases = FORWARD_STEPS.flatMap((step) =>
    (['fail-before', 'fail-after'] as const).map((mode) => ({ step, mode })),
  );

  it.each(cases)('$step $mode rolls back exactly the completed steps', async ({ step, mode }) => {
    const employerId = `fm-${step.toLowerCase()}-${mode === 'fail-before' ? 'b' : 'a'}`;
    await harness.setupEmployer(employerId, testRoster(6));
    harness.setFaults({ [step]: mode });
    let runId: string;
    let run: RunRecord;
    try {
      runId = await harness.startRun(employerId);
      run = await harness.waitForRun(runId);
    } finally {
      harness.clearFaults();
    }
    expect(run.status).toBe(RunStatus.RolledBack);
    expect(run.failure?.step).toBe(step);

    // The steps whose effect exists: those before the failed one, plus the failed one when it
    // failed after its effect. Compensated exactly those, last first.
    // OpenRun is always compensated: the period lock was taken when the run was requested.
    const reached = compensationOrder(step);
    const expected =
      mode === 'fail-after' || step === 'OpenRun' ? reached : reached.filter((s) => s !== step);
    expect(compensated(run)).toEqual(expected);

    expectBooksNetToZero(await harness.books(runId));
    const lock = await harness.ports.locks.holder(`${employerId}#${run.period.id}#regular`);
    expect(lock).toBeUndefined();
  });

  it('lets the period run again after a rollback, to completion', async () => {
    const employerId = 'fm-rerun';
    await harness.setupEmployer(employerId, testRoster(6));
    harness.setFaults({ PostLedger: 'fail-before' });
    const first = await harness.startRun(employerId);
    try {
      expect((await harness.waitForRun(first)).status).toBe(RunStatus.RolledBack);
    } finally {
      harness.clearFaults();
    }
    const second = await harness.startRun(employerId);
    expect(second).toBe(`${first}-r2`);
    const run = await harness.waitForRun(second);
    expect(run.status).toBe(RunStatus.Completed);
    expect((await harness.books(second)).creditFile).toBe('TRANSMITTED');
  });

  it('halts at a failing compensation (older steps NOT_RUN, books consistent), and a later rollback resumes it', async () => {
    const employerId = 'fm-compfail';
    await harness.setupEmployer(employerId, testRoster(6));
    harness.setFaults({ FundPayroll: 'fail-compensation', PostLedger: 'fail-before' });
    let run: RunRecord;
    try {
      run = await harness.waitForRun(await harness.startRun(employerId));
    } finally {
      harness.clearFaults();
    }
    expect(run.status).toBe(RunStatus.CompensationFailed);
    expect(run.compensations.map((c) => [c.step, c.status])).toEqual([
      ['PostLedger', 'NOTHING_TO_UNDO'],
      ['FundPayroll', 'FAILED'],
      ['CalculatePay', 'NOT_RUN'],
      ['OpenRun', 'NOT_RUN'],
    ]);
    // The refund failed, so nothing older was undone: payslips stand and the period stays held.
    const halted = await harness.books(run.runId);
    expect(halted.fundingDebit).toBe(run.totals?.fundingDebit);
    expect(halted.fundingRefund).toBeUndefined();
    expect([...halted.payslipStatuses]).toEqual(['ISSUED']);
    expect(await harness.ports.locks.holder(`${employerId}#${run.period.id}#regular`)).toBe(run.runId);
    expect((await verifyRunReport({ ports: harness.ports }, run.runId)).ok).toBe(true);

    // The cause is gone: the operator's rollback resumes from the failed step and finishes.
    await harness.executions.startRollback(`${run.runId}-rollback-1`, {
      runId: run.runId,
      fromStep: 'FundPayroll',
      reason: 'refund service fixed',
    });
    const deadline = Date.now() + 30_000;
    while ((await harness.ports.runs.getRun(run.runId))?.status !== RunStatus.RolledBack) {
      if (Date.now() > deadline) throw new Error('the resumed rollback did not finish');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expectBooksNetToZero(await harness.books(run.runId));
    expect(await harness.ports.locks.holder(`${employerId}#${run.period.id}#regular`)).toBeUndefined();
    expect((await verifyRunReport({ ports: harness.ports }, run.runId)).ok).toBe(true);
  });

  it('rolls back a run the bank rejects', async () => {
    const employerId = 'fm-reject';
    await harness.setupEmployer(employerId, testRoster(6));
    harness.setFaults({ bank: 'reject' });
    let run: RunRecord;
    try {
      run = await harness.waitForRun(await harness.startRun(employerId));
    } finally {
      harness.clearFaults();
    }
    expect(run.status).toBe(RunStatus.RolledBack);
    expect(run.failure?.cause).toMatch(/rejected/);
    const books = await harness.books(run.runId);
    expect(books.creditFile).toBe('REJECTED');
    expectBooksNetToZero(books);
  });
});

describe('the off-cycle HTTP API', () => {
  const post = (body: unknown, token = harness.host.apiToken, key: string | null = randomUUID()) =>
    fetch(`${harness.host.endpoints.api}/runs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key === null ? {} : { 'idempotency-key': key }),
      },
      body: JSON.stringify(body),
    });

  it('starts an off-cycle run that completes beside the regular one, and reports it', async () => {
    const period = reversiblePeriod();
    const response = await post({
      employerId: 'happy',
      period: period.id,
      payDate: period.payDate,
      reason: 'bonus',
      requestedBy: 'hr',
      payments: [{ employeeId: 'T00003', amount: '1200000.00', kind: 'bonus' }],
    });
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    expect(runId).toBe(`happy-${period.id}-offcycle-1`);
    const run = await harness.waitForRun(runId);
    expect(run.status).toBe(RunStatus.Completed);
    expect(run.reason).toBe('bonus');
    expect(run.requestedBy).toBe('api:hr');
    // It paid exactly the one bonus: one payslip, withheld at the flat rates, and one ACH entry.
    const payslips = await harness.ports.payslips.listPayslips(runId);
    expect(payslips.map((p) => [p.employeeId, p.amounts.gross, p.amounts.federalIncomeTax])).toEqual([
      ['T00003', 120_000_000, 29_400_000], // 1,000,000 × 22% + 200,000 × 37% = 294,000.00
    ]);
    expect((await harness.ports.ach.getAchFile(runId, AchFileKind.Credit))?.entryCount).toBe(1);
    const audit = await harness.ports.audit.list({ runId, limit: 10 });
    expect(audit.map((a) => [a.action, a.actor, a.details?.requestedBy])).toEqual([
      ['run.start-off-cycle', 'api:hr', 'api:hr'],
    ]);

    const read = await fetch(`${harness.host.endpoints.api}/runs/${runId}`, {
      headers: { authorization: `Bearer ${harness.host.apiToken}` },
    });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { status: string }).status).toBe('COMPLETED');
  });

  it('answers six identical concurrent requests with one run, refuses the key reused for another body (409) and a request without one (400)', async () => {
    const period = reversiblePeriod();
    await harness.setupEmployer('idem', testRoster(4, 71));
    const body = {
      employerId: 'idem',
      period: period.id,
      payDate: period.payDate,
      reason: 'spot bonus',
      requestedBy: 'hr',
      payments: [{ employeeId: 'T00002', amount: '750.00', kind: 'bonus' }],
    };
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => post(body, harness.host.apiToken, key)),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const runIds = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { runId: string }).runId),
    );
    expect(new Set(runIds).size).toBe(1);
    const runs = await harness.ports.runs.listRuns({ employerId: 'idem', limit: 10 });
    expect(runs.map((run) => run.runId)).toEqual([runIds[0]]);
    expect((await harness.waitForRun(runIds[0]!)).status).toBe(RunStatus.Completed);
    // A retry after the run finished gets the same answer, not a second run.
    const retry = await post(body, harness.host.apiToken, key);
    expect(((await retry.json()) as { runId: string }).runId).toBe(runIds[0]);

    const other = await post({ ...body, reason: 'another bonus' }, harness.host.apiToken, key);
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: string }).error).toBe('IDEMPOTENCY_KEY_REUSED');
    const keyless = await post(body, harness.host.apiToken, null);
    expect(keyless.status).toBe(400);
    expect(((await keyless.json()) as { message: string }).message).toMatch(
      /needs an Idempotency-Key header/,
    );
    expect((await harness.ports.runs.listRuns({ employerId: 'idem', limit: 10 })).length).toBe(1);
  });

  it('refuses a request without the token (401) and bad input (400) without starting anything', async () => {
    const before = (await harness.ports.runs.listRuns({ employerId: 'happy', limit: 100 })).length;
    expect((await post({ employerId: 'happy', period: '2026-03', reason: 'x' }, 'wrong-token')).status).toBe(
      401,
    );
    const bad = await post({ employerId: 'happy', period: '2026-13', reason: 'x' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/2026-13/);
    expect((await post({ employerId: 'happy', period: '2026-03' })).status).toBe(400);
    expect((await post({ employerId: 'nobody', period: '2026-03', reason: 'x' })).status).toBe(400);
    expect((await harness.ports.runs.listRuns({ employerId: 'happy', limit: 100 })).length).toBe(before);
  });
});
