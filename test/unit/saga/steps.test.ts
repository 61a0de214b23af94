/**
 * The saga's forward steps and compensations over in-memory ports: a whole pay run, then its
 * rollback, checked the way an operator and an accountant would check them.
 */

import { describe, expect, it } from 'vitest';
import { abaCheckDigit, validateRouting } from '../../../src/core/aba.js';
import { OperationFailedError, TransientError } from '../../../src/core/errors.js';
import { balancesByAccount, journalTotals, payrollJournalId } from '../../../src/core/ledger.js';
import type { Cents } from '../../../src/core/money.js';
import { parsePeriod } from '../../../src/core/periodParser.js';
import type { Employee, YtdBalances } from '../../../src/core/roster.js';
import {
  beginRollback,
  compensate,
  finishRollback,
  recordCompensationFailure,
} from '../../../src/core/saga/compensations.js';
import {
  calculatePayChunk,
  checkDisbursement,
  closeRun,
  disburse,
  fundPayroll,
  openRun,
  postLedger,
  publishPayslips,
} from '../../../src/core/saga/forward.js';
import {
  AchFileKind,
  AchStatus,
  FundingKind,
  PayslipStatus,
  RunType,
} from '../../../src/core/saga/records.js';
import { periodLockKey, regularRunId } from '../../../src/core/saga/runIds.js';
import {
  CompensationStatus,
  compensationOrder,
  FORWARD_STEPS,
  RunStatus,
  StepName,
  StepStatus,
} from '../../../src/core/saga/steps.js';
import { ytdBeforeRun, ytdOf } from '../../../src/core/ytd.js';
import { createMemoryPorts, fixedClock, type MemoryPorts } from '../../support/memoryPorts.js';

const EMPLOYER = 'acme';
const PERIOD = parsePeriod('2026-03'); // monthly, paid Tuesday 2026-03-31
const PAY_DAY = '2026-03-31T15:00:00.000Z';
/** The fifth banking day after 2026-03-31 is 2026-04-07: the last day an ACH reversal is possible. */
const INSIDE_WINDOW = '2026-04-02T10:00:00.000Z';
const PAST_WINDOW = '2026-04-20T10:00:00.000Z';

const routing = (firstEight: string) => `${firstEight}${abaCheckDigit(firstEight)}`;
const cents = (dollars: number) => Math.round(dollars * 100) as Cents;
const ytd = (gross: number): YtdBalances =>
  ytdOf({
    gross: cents(gross),
    ssWages: cents(gross),
    medicareWages: cents(gross),
    futaWages: cents(Math.min(gross, 7_000)),
  });

function employee(id: string, overrides: Partial<Employee>): Employee {
  return {
    employeeId: id,
    name: `Employee ${id}`,
    payType: 'salary',
    payFrequency: 'monthly',
    filingStatus: 'single',
    bank: {
      routing: routing(`0110000${id.slice(-1)}`),
      account: `9000${id.slice(-1)}`,
      accountType: 'checking',
    },
    annualSalary: cents(60_000),
    w4: {
      step2: false,
      dependents: 0 as Cents,
      otherIncome: 0 as Cents,
      deductions: 0 as Cents,
      extraWithholding: 0 as Cents,
    },
    pretax401kBasisPoints: 0,
    pretaxSection125: 0 as Cents,
    openingYtd: ytd(0),
    openingTaxYear: 2026,
    ...overrides,
  };
}

const ROSTER: readonly Employee[] = [
  employee('E001', { annualSalary: cents(52_000) }),
  employee('E002', {
    annualSalary: cents(180_000),
    filingStatus: 'married_jointly',
    pretax401kBasisPoints: 600,
  }),
  employee('E003', { payType: 'hourly', annualSalary: undefined, hourlyRate: cents(31.5) }),
  // Joined mid-year from another payroll: the opening balance counts towards the wage bases.
  employee('E004', { annualSalary: cents(240_000), pretaxSection125: cents(150), openingYtd: ytd(40_000) }),
  // Paid weekly: not part of a monthly run.
  employee('E005', { payFrequency: 'weekly', annualSalary: cents(45_000) }),
];
const MONTHLY_IDS = ['E001', 'E002', 'E003', 'E004'];

async function setUp(): Promise<{ ports: MemoryPorts; runId: string }> {
  const ports = createMemoryPorts({ clock: fixedClock(PAY_DAY) });
  await ports.roster.putEmployer({
    employerId: EMPLOYER,
    name: 'Acme Widgets',
    fundingRouting: routing('02100002'),
    fundingAccount: '555000111',
    achCompanyId: '1234567890',
  });
  await ports.roster.upsertEmployees(EMPLOYER, ROSTER);
  const runId = regularRunId(EMPLOYER, PERIOD);
  await ports.runs.createRun({
    runId,
    employerId: EMPLOYER,
    period: PERIOD,
    runType: RunType.Regular,
    status: RunStatus.Pending,
    requestedBy: 'unit-test',
    startedAt: ports.clock.now(),
    steps: {},
    compensations: [],
    artifacts: {},
  });
  await ports.timesheets.putTimesheets(runId, [
    { employeeId: 'E003', regularHundredths: 17_300, overtimeHundredths: 650 },
  ]);
  return { ports, runId };
}

/** What the bank gateway does with a pending file: transmits it once and finishes the message. */
async function gatewayTransmits(ports: MemoryPorts, runId: string, kind: AchFileKind): Promise<void> {
  const message = (await ports.outbox.pending()).find(
    (m) => m.queue === 'bank-gateway' && m.body.kind === kind,
  );
  expect(message).toBeDefined();
  await ports.ach.transitionAchFile(runId, kind, [AchStatus.Pending], AchStatus.Transmitted, {
    transmittedAt: ports.clock.now(),
    artifact: `${runId}-${kind.toLowerCase()}.ach`,
  });
  await ports.outbox.markDone(message!.messageId);
}

async function forwardThroughDisburse(ports: MemoryPorts, runId: string): Promise<void> {
  const opened = await openRun(ports, { runId });
  for (const chunk of opened.chunks) await calculatePayChunk(ports, { runId, chunk });
  await fundPayroll(ports, { runId });
  await postLedger(ports, { runId });
  const state = await disburse(ports, { runId });
  expect(state.status).toBe(AchStatus.Pending);
}

async function runToCompletion(ports: MemoryPorts, runId: string): Promise<void> {
  await forwardThroughDisburse(ports, runId);
  const waiting = await checkDisbursement(ports, { runId, checks: 0 });
  expect(waiting.status).toBe(AchStatus.Pending);
  await gatewayTransmits(ports, runId, AchFileKind.Credit);
  const transmitted = await checkDisbursement(ports, { runId, checks: waiting.checks });
  expect(transmitted.status).toBe(AchStatus.Transmitted);
  await publishPayslips(ports, { runId });
  const closed = await closeRun(ports, { runId });
  expect(closed.status).toBe(RunStatus.Completed);
}

function sumOf(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

describe('a pay run through the forward steps', () => {
  it('completes with totals equal to its payslips, a funding debit of net pay plus taxes and a balanced journal', async () => {
    for (const e of ROSTER) expect(validateRouting(e.bank.routing)).toBe(true);
    const { ports, runId } = await setUp();

    await runToCompletion(ports, runId);

    const run = (await ports.runs.getRun(runId))!;
    expect(run.status).toBe(RunStatus.Completed);
    expect(FORWARD_STEPS.map((step) => run.steps[step]?.status)).toEqual(
      FORWARD_STEPS.map(() => StepStatus.Succeeded),
    );
    expect(run.employees).toBe(4);

    const payslips = await ports.payslips.listPayslips(runId);
    expect(payslips.map((p) => p.employeeId)).toEqual(MONTHLY_IDS);
    expect(payslips.every((p) => p.status === PayslipStatus.Issued && p.amounts.net > 0)).toBe(true);
    const amounts = payslips.map((p) => p.amounts);
    const net = sumOf(amounts.map((a) => a.net));
    const taxes = sumOf(
      amounts.map(
        (a) =>
          a.federalIncomeTax +
          a.socialSecurity +
          a.medicare +
          a.additionalMedicare +
          a.employer.socialSecurity +
          a.employer.medicare +
          a.employer.futa,
      ),
    );
    const totals = run.totals!;
    expect(totals.employees).toBe(4);
    expect(totals.gross).toBe(sumOf(amounts.map((a) => a.gross)));
    expect(totals.net).toBe(net);
    expect(totals.federalIncomeTax).toBe(sumOf(amounts.map((a) => a.federalIncomeTax)));
    expect(totals.socialSecurity).toBe(sumOf(amounts.map((a) => a.socialSecurity)));
    expect(totals.employer.futa).toBe(sumOf(amounts.map((a) => a.employer.futa)));
    expect(totals.fundingDebit).toBe(net + taxes);

    const debit = await ports.funding.getMovement(runId, FundingKind.Debit);
    expect(debit).toMatchObject({ employerId: EMPLOYER, amount: net + taxes });

    const payroll = (await ports.ledger.listJournals(runId)).find((j) => j.id === payrollJournalId(runId))!;
    const employerTaxes = sumOf(
      amounts.map((a) => a.employer.socialSecurity + a.employer.medicare + a.employer.futa),
    );
    expect(journalTotals(payroll)).toEqual({
      debits: totals.gross + employerTaxes,
      credits: totals.gross + employerTaxes,
    });

    const credit = await ports.ach.getAchFile(runId, AchFileKind.Credit);
    expect(credit).toMatchObject({ status: AchStatus.Transmitted, entryCount: 4, totalAmount: net });

    // One delivery message per chunk went out through the outbox, carrying pointers only.
    expect(ports.outbox.sent.filter((m) => m.queue === 'payslip-delivery').map((m) => m.body)).toEqual([
      { messageId: `${runId}#payslips#0`, runId, chunkIndex: 0 },
    ]);

    // The run is in the year-to-date ledger once per employee; with the opening balance E004 has both.
    const after = await ports.ytd.entries(EMPLOYER, 2026);
    const e004 = payslips.find((p) => p.employeeId === 'E004')!;
    expect(after.get('E004')?.applied.gross).toBe(e004.amounts.gross);
    expect(after.get('E004')?.runs).toEqual([runId]);
    const e004Employee = ROSTER.find((e) => e.employeeId === 'E004')!;
    expect(ytdBeforeRun(e004Employee, 2026, after.get('E004')).gross).toBe(
      cents(40_000) + e004.amounts.gross,
    );
    expect([...after.keys()].sort()).toEqual(MONTHLY_IDS);
  });

  it('refuses a second regular run of the same period while the first holds the lock', async () => {
    const { ports, runId } = await setUp();
    await openRun(ports, { runId });
    const other = `${runId}-r2`;
    await ports.runs.createRun({
      ...(await ports.runs.getRun(runId))!,
      runId: other,
      steps: {},
      compensations: [],
    });
    await expect(openRun(ports, { runId: other })).rejects.toMatchObject({ code: 'PERIOD_LOCKED' });
    expect(await ports.locks.holder(periodLockKey(EMPLOYER, PERIOD, RunType.Regular)!)).toBe(runId);
  });
});

describe('waiting for the bank', () => {
  it('waits 2, 3, 4, 6 … up to 30 s between checks while the bank is slow, and goes on when it transmits after nine minutes', async () => {
    const { ports, runId } = await setUp();
    await forwardThroughDisburse(ports, runId);
    const waits: number[] = [];
    let checks = 0;
    // A slow bank: nine minutes of checks at the waits the state machine would make.
    let elapsed = 0;
    while (elapsed < 9 * 60) {
      const state = await checkDisbursement(ports, { runId, checks });
      expect(state.status).toBe(AchStatus.Pending);
      waits.push(state.waitSeconds);
      checks = state.checks;
      elapsed += state.waitSeconds;
      ports.clock.set(new Date(Date.parse(PAY_DAY) + elapsed * 1000).toISOString());
    }
    expect(waits.slice(0, 10)).toEqual([2, 3, 4, 6, 8, 12, 18, 26, 30, 30]);
    expect(Math.max(...waits)).toBe(30);
    // It transmits at last (the gateway's third delivery): the run goes on.
    await gatewayTransmits(ports, runId, AchFileKind.Credit);
    expect((await checkDisbursement(ports, { runId, checks })).status).toBe(AchStatus.Transmitted);
  });

  it('fails BANK_TIMEOUT once the file has been pending for 15 minutes', async () => {
    const { ports, runId } = await setUp();
    await forwardThroughDisburse(ports, runId);
    ports.clock.set(new Date(Date.parse(PAY_DAY) + 899_000).toISOString());
    expect((await checkDisbursement(ports, { runId, checks: 40 })).status).toBe(AchStatus.Pending);
    ports.clock.set(new Date(Date.parse(PAY_DAY) + 900_000).toISOString());
    await expect(checkDisbursement(ports, { runId, checks: 41 })).rejects.toMatchObject({
      code: 'BANK_TIMEOUT',
      message: expect.stringContaining('within 15 minutes'),
    });
  });
});

describe('rolling back a completed run', () => {
  async function rollBackEverything(ports: MemoryPorts, runId: string) {
    await beginRollback(ports, {
      runId,
      failedStep: StepName.CloseRun,
      error: 'OperatorRollback',
      cause: 'wrong roster',
    });
    const outcomes = [];
    for (const step of compensationOrder(StepName.CloseRun)) {
      if (step === StepName.Disburse) {
        // The reversal file is handed to the gateway; until it is transmitted the compensation asks to be retried.
        await expect(compensate(ports, { runId, step })).rejects.toBeInstanceOf(TransientError);
        await gatewayTransmits(ports, runId, AchFileKind.Reversal);
      }
      outcomes.push(await compensate(ports, { runId, step }));
    }
    return { outcomes, finished: await finishRollback(ports, { runId }) };
  }

  it('undoes every effect in reverse order: ledger and funding net to zero, payslips void, lock free, YTD restored', async () => {
    const { ports, runId } = await setUp();
    await runToCompletion(ports, runId);
    ports.clock.set(INSIDE_WINDOW);

    const { outcomes, finished } = await rollBackEverything(ports, runId);

    expect(finished.status).toBe(RunStatus.RolledBack);
    expect(outcomes.every((o) => o.status === CompensationStatus.Compensated)).toBe(true);
    const run = (await ports.runs.getRun(runId))!;
    expect(run.status).toBe(RunStatus.RolledBack);
    expect(run.compensations.map((c) => c.step)).toEqual([
      StepName.PublishPayslips,
      StepName.Disburse,
      StepName.PostLedger,
      StepName.FundPayroll,
      StepName.CalculatePay,
      StepName.OpenRun,
    ]);

    const journals = await ports.ledger.listJournals(runId);
    expect(journals).toHaveLength(4); // payroll, disbursement and a reversal of each
    const balances = balancesByAccount(journals);
    expect(balances.size).toBeGreaterThan(0);
    for (const [account, balance] of balances) expect([account, balance]).toEqual([account, 0]);

    const debit = (await ports.funding.getMovement(runId, FundingKind.Debit))!;
    const refund = (await ports.funding.getMovement(runId, FundingKind.Refund))!;
    expect(refund.amount - debit.amount).toBe(0);
    expect(refund.amount).toBeGreaterThan(0);

    const reversal = await ports.ach.getAchFile(runId, AchFileKind.Reversal);
    const credit = await ports.ach.getAchFile(runId, AchFileKind.Credit);
    expect(reversal).toMatchObject({
      status: AchStatus.Transmitted,
      totalAmount: credit!.totalAmount,
      entryCount: 4,
    });

    const payslips = await ports.payslips.listPayslips(runId);
    expect(payslips.map((p) => p.status)).toEqual(MONTHLY_IDS.map(() => PayslipStatus.Void));
    expect((await ports.deliveries.listDeliveries(runId)).map((d) => d.status)).toEqual(['RETRACTED']);

    const lockKey = periodLockKey(EMPLOYER, PERIOD, RunType.Regular)!;
    expect(await ports.locks.holder(lockKey)).toBeUndefined();
    expect(await ports.locks.acquire(lockKey, `${runId}-r2`)).toMatchObject({ holder: `${runId}-r2` });

    // The run is out of the ledger again: each employee is back at the opening balance.
    const restored = await ports.ytd.entries(EMPLOYER, 2026);
    for (const e of ROSTER.filter((r) => MONTHLY_IDS.includes(r.employeeId))) {
      expect(restored.get(e.employeeId)?.runs).toEqual([]);
      expect(ytdBeforeRun(e, 2026, restored.get(e.employeeId))).toEqual(e.openingYtd);
    }
  });

  it('changes nothing when a compensation is delivered a second time', async () => {
    const { ports, runId } = await setUp();
    await runToCompletion(ports, runId);
    ports.clock.set(INSIDE_WINDOW);
    await rollBackEverything(ports, runId);
    const snapshot = () =>
      JSON.stringify({
        runs: [...ports.runs.runs],
        journals: [...ports.ledger.journals],
        funding: [...ports.funding.movements],
        ach: [...ports.ach.files],
        payslips: [...ports.payslips.byRun.get(runId)!],
        ytd: [...ports.ytd.years.get(`${EMPLOYER}#2026`)!],
        locks: [...ports.locks.holders],
        sent: ports.outbox.sent.length,
      });
    const before = snapshot();
    ports.clock.set('2026-04-03T10:00:00.000Z');

    for (const step of compensationOrder(StepName.CloseRun)) {
      const again = await compensate(ports, { runId, step });
      expect(again.status).toBe(CompensationStatus.Compensated);
    }

    expect(snapshot()).toBe(before);
  });

  it('makes no second refund or reversal when a compensation is retried after its record was lost', async () => {
    const { ports, runId } = await setUp();
    await runToCompletion(ports, runId);
    ports.clock.set(INSIDE_WINDOW);
    // The effect happened, then recording it failed (e.g. the function timed out): the state machine retries.
    const recordCompensation = ports.runs.recordCompensation.bind(ports.runs);
    let failures = 1;
    ports.runs.recordCompensation = async (id, record) => {
      if (failures-- > 0) throw new TransientError('LOST', 'connection reset');
      return recordCompensation(id, record);
    };

    await expect(compensate(ports, { runId, step: StepName.FundPayroll })).rejects.toBeInstanceOf(
      TransientError,
    );
    await recordCompensationFailure(ports, {
      runId,
      step: StepName.FundPayroll,
      error: 'LOST',
      cause: 'connection reset',
    });
    const retried = await compensate(ports, { runId, step: StepName.FundPayroll });
    await compensate(ports, { runId, step: StepName.PostLedger });
    await compensate(ports, { runId, step: StepName.PostLedger });

    expect(retried.status).toBe(CompensationStatus.Compensated);
    expect([...ports.funding.movements.values()].map((m) => m.kind).sort()).toEqual(['DEBIT', 'REFUND']);
    expect((await ports.ledger.listJournals(runId)).filter((j) => j.kind === 'reversal')).toHaveLength(1);
  });

  it('cancels a file the bank has not received, and the gateway then cannot send it', async () => {
    const { ports, runId } = await setUp();
    await forwardThroughDisburse(ports, runId);

    const outcome = await compensate(ports, { runId, step: StepName.Disburse });

    expect(outcome).toEqual({
      status: CompensationStatus.Compensated,
      detail: 'ACH file cancelled before transmission',
    });
    const late = await ports.ach.transitionAchFile(
      runId,
      AchFileKind.Credit,
      [AchStatus.Pending],
      AchStatus.Transmitted,
      {
        transmittedAt: ports.clock.now(),
      },
    );
    expect(late.status).toBe(AchStatus.Cancelled);
    expect(late.transmittedAt).toBeUndefined();
    expect(await ports.ach.getAchFile(runId, AchFileKind.Reversal)).toBeUndefined();
  });

  it('refuses to reverse ACH credits past the five-banking-day window and names the employees', async () => {
    const { ports, runId } = await setUp();
    await runToCompletion(ports, runId);
    ports.clock.set(PAST_WINDOW);

    const failure = await compensate(ports, { runId, step: StepName.Disburse }).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(OperationFailedError);
    expect(failure).toMatchObject({ code: 'ACH_NOT_REVERSIBLE', details: { employees: MONTHLY_IDS } });
    for (const id of MONTHLY_IDS) expect((failure as Error).message).toContain(id);
    // No reversal went to the bank and the disbursement stays on the books for manual recovery.
    expect(await ports.ach.getAchFile(runId, AchFileKind.Reversal)).toBeUndefined();
    expect(ports.outbox.sent.filter((m) => m.body.kind === AchFileKind.Reversal)).toHaveLength(0);
    expect((await ports.ledger.listJournals(runId)).filter((j) => j.kind === 'reversal')).toHaveLength(0);
  });
});
