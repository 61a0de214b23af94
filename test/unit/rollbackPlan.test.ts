/**
 * The rollback plan against runs made by the real forward steps on in-memory ports: the decision
 * for each kind of run, and amounts that equal what the compensations then actually do.
 */
import { describe, expect, it } from 'vitest';
import { OperationFailedError, TransientError } from '../../src/core/errors.js';
import { balancesByAccount, journalTotals } from '../../src/core/ledger.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import { ExecutionStatus, type ExecutionSummary } from '../../src/core/ports.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import {
  beginRollback,
  compensate,
  finishRollback,
  recordCompensationFailure,
} from '../../src/core/saga/compensations.js';
import {
  calculatePayChunk,
  checkDisbursement,
  closeRun,
  disburse,
  fundPayroll,
  openRun,
  postLedger,
  publishPayslips,
} from '../../src/core/saga/forward.js';
import { AchFileKind, AchStatus, FundingKind, PayslipStatus, RunType } from '../../src/core/saga/records.js';
import {
  manualRecovery,
  planRollback,
  RollbackDecision,
  type RollbackPlan,
} from '../../src/core/saga/rollbackPlan.js';
import { regularRunId } from '../../src/core/saga/runIds.js';
import { CompensationStatus, RunStatus, StepName } from '../../src/core/saga/steps.js';
import { createMemoryPorts, fixedClock, type MemoryPorts } from '../support/memoryPorts.js';

const EMPLOYER = 'acme';
const PERIOD = parsePeriod('2026-03'); // paid Tuesday 2026-03-31
const PAY_DAY = '2026-03-31T15:00:00.000Z';
/** The fifth banking day after 2026-03-31 is 2026-04-07. */
const INSIDE_WINDOW = '2026-04-02T10:00:00.000Z';
const PAST_WINDOW = '2026-04-20T10:00:00.000Z';
const ROSTER = parseRoster(
  generateRosterCsv({ count: 5, payFrequency: 'monthly', seed: 7, idPrefix: 'P' }),
  'generated',
);
const RUN_ID = regularRunId(EMPLOYER, PERIOD);
const PAY_RUN_ARN = `arn:aws:states:us-east-1:000000000000:execution:payroll-ops-pay-run:${RUN_ID}`;

async function setUp(): Promise<MemoryPorts> {
  const ports = createMemoryPorts({ clock: fixedClock(PAY_DAY) });
  await ports.roster.putEmployer({
    employerId: EMPLOYER,
    name: 'Acme Widgets',
    fundingRouting: '021000021',
    fundingAccount: '555000111',
    achCompanyId: '1234567890',
  });
  await ports.roster.upsertEmployees(EMPLOYER, ROSTER);
  await ports.locks.acquire(`${EMPLOYER}#${PERIOD.id}#regular`, RUN_ID);
  await ports.runs.createRun({
    runId: RUN_ID,
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
  return ports;
}

async function calculate(ports: MemoryPorts): Promise<void> {
  const opened = await openRun(ports, { runId: RUN_ID });
  for (const chunk of opened.chunks) await calculatePayChunk(ports, { runId: RUN_ID, chunk });
}

/** What the bank gateway does with a pending file: marks it transmitted. */
async function transmit(ports: MemoryPorts, kind: AchFileKind): Promise<void> {
  await ports.ach.transitionAchFile(RUN_ID, kind, [AchStatus.Pending], AchStatus.Transmitted, {
    transmittedAt: ports.clock.now(),
  });
}

async function throughDisburse(ports: MemoryPorts): Promise<void> {
  await calculate(ports);
  await fundPayroll(ports, { runId: RUN_ID });
  await postLedger(ports, { runId: RUN_ID });
  await disburse(ports, { runId: RUN_ID });
}

async function completedRun(): Promise<MemoryPorts> {
  const ports = await setUp();
  await throughDisburse(ports);
  await transmit(ports, AchFileKind.Credit);
  await checkDisbursement(ports, { runId: RUN_ID, checks: 0 });
  await publishPayslips(ports, { runId: RUN_ID });
  await closeRun(ports, { runId: RUN_ID });
  return ports;
}

function execution(status: ExecutionSummary['status'], arn = PAY_RUN_ARN): ExecutionSummary {
  return { executionArn: arn, status, redriveCount: 0 };
}

async function plan(
  ports: MemoryPorts,
  options: { payRunExecution?: ExecutionSummary; previousRollbacks?: ExecutionSummary[] } = {},
): Promise<RollbackPlan> {
  const [run, payslips, credit, reversal] = await Promise.all([
    ports.runs.getRun(RUN_ID),
    ports.payslips.listPayslips(RUN_ID),
    ports.ach.getAchFile(RUN_ID, AchFileKind.Credit),
    ports.ach.getAchFile(RUN_ID, AchFileKind.Reversal),
  ]);
  return planRollback({
    run: run!,
    payslips,
    achFiles: { ...(credit ? { credit } : {}), ...(reversal ? { reversal } : {}) },
    today: ports.clock.now().slice(0, 10),
    ...options,
  });
}

/** Runs the planned compensations the way the rollback state machine does, gateway included. */
/** What the bank does with a REVERSAL file the compensation hands it. */
type BankAnswer = 'transmit' | 'reject';

/**
 * Runs the plan the way the rollback state machine does: compensations newest first; a failure
 * is recorded (older ones NOT_RUN) and the rollback halts there.
 */
async function executePlan(
  ports: MemoryPorts,
  planned: RollbackPlan,
  bank: BankAnswer = 'transmit',
): Promise<RunStatus> {
  await beginRollback(ports, {
    runId: RUN_ID,
    failedStep: planned.fromStep!,
    error: 'OperatorRollback',
    cause: 'unit test',
  });
  for (const { step } of planned.steps) {
    let failure: unknown;
    try {
      await compensate(ports, { runId: RUN_ID, step });
    } catch (error) {
      failure = error;
      if (error instanceof TransientError) {
        if (bank === 'transmit') await transmit(ports, AchFileKind.Reversal);
        else await reject(ports, AchFileKind.Reversal);
        failure = await compensate(ports, { runId: RUN_ID, step }).then(
          () => undefined,
          (again: unknown) => again,
        );
      }
    }
    if (failure !== undefined) {
      await recordCompensationFailure(ports, {
        runId: RUN_ID,
        step,
        error: (failure as OperationFailedError).code,
        cause: (failure as Error).message,
      });
      break;
    }
  }
  return (await finishRollback(ports, { runId: RUN_ID })).status;
}

async function reject(ports: MemoryPorts, kind: AchFileKind): Promise<void> {
  await ports.ach.transitionAchFile(RUN_ID, kind, [AchStatus.Pending], AchStatus.Rejected, {
    rejectionReason: 'R01 test rejection',
  });
}

const REVERSE_ORDER = [
  StepName.PublishPayslips,
  StepName.Disburse,
  StepName.PostLedger,
  StepName.FundPayroll,
  StepName.CalculatePay,
  StepName.OpenRun,
];

describe('the rollback plan of a completed run', () => {
  it('reverses every step, last first, with the amounts the compensations then move', async () => {
    const ports = await completedRun();
    ports.clock.set(INSIDE_WINDOW);
    const run = (await ports.runs.getRun(RUN_ID))!;
    const planned = await plan(ports, { payRunExecution: execution(ExecutionStatus.Succeeded) });

    expect(planned.decision).toBe(RollbackDecision.Rollback);
    expect(planned.steps.map((s) => s.step)).toEqual(REVERSE_ORDER);
    expect(planned.steps.every((s) => s.state === 'completed')).toBe(true);
    expect(planned.fromStep).toBe(StepName.PublishPayslips);
    expect(planned.executionName).toBe(`${RUN_ID}-rollback-1`);
    expect(planned.stop).toEqual([]);
    expect(planned.amounts.fundingRefund).toBe(run.totals!.fundingDebit);
    expect(planned.amounts.payrollJournalReversal).toBe(
      run.totals!.gross +
        run.totals!.employer.socialSecurity +
        run.totals!.employer.medicare +
        run.totals!.employer.futa,
    );
    expect(planned.amounts.achReversal).toEqual({ entries: 5, total: run.totals!.net });
    expect(planned.amounts.disbursementJournalReversal).toBe(run.totals!.net);
    expect(planned.amounts.payslipsToVoid).toBe(5);
    expect(planned.steps.find((s) => s.step === StepName.CalculatePay)?.action).toMatchObject({
      type: 'void-payslips',
      restoreYtd: true,
    });
    expect(planned.employees.every((e) => e.reversible)).toBe(true);
    expect(manualRecovery(planned)).toEqual([]);

    expect(await executePlan(ports, planned)).toBe(RunStatus.RolledBack);
    const refund = await ports.funding.getMovement(RUN_ID, FundingKind.Refund);
    expect(refund?.amount).toBe(planned.amounts.fundingRefund);
    const reversal = await ports.ach.getAchFile(RUN_ID, AchFileKind.Reversal);
    expect({ entries: reversal?.entryCount, total: reversal?.totalAmount }).toEqual(
      planned.amounts.achReversal,
    );
    const journals = await ports.ledger.listJournals(RUN_ID);
    const reversingPayroll = journals.find((j) => j.reverses === `${RUN_ID}-payroll`)!;
    expect(journalTotals(reversingPayroll).debits).toBe(planned.amounts.payrollJournalReversal);
    for (const [account, balance] of balancesByAccount(journals)) expect(balance, account).toBe(0);
    const payslips = await ports.payslips.listPayslips(RUN_ID);
    expect(payslips.every((p) => p.status === PayslipStatus.Void)).toBe(true);
  });

  it('masks every bank account: no account number appears anywhere in the plan', async () => {
    const ports = await completedRun();
    const text = JSON.stringify(await plan(ports));
    for (const employee of ROSTER) expect(text).not.toContain(employee.bank.account);
    expect(text).toContain(`••••${ROSTER[0]!.bank.account.slice(-4)}`);
  });

  it('lists every employee for manual recovery past the reversal window, as the compensation then does', async () => {
    const ports = await completedRun();
    ports.clock.set(PAST_WINDOW);
    const planned = await plan(ports);
    const disburseStep = planned.steps.find((s) => s.step === StepName.Disburse);
    expect(disburseStep?.action).toMatchObject({
      type: 'reverse-ach-file',
      reversible: false,
      deadline: '2026-04-07',
    });
    const ids = manualRecovery(planned).map((e) => e.employeeId);
    expect(ids).toEqual(ROSTER.map((e) => e.employeeId));

    // The plan refuses: the money cannot come back, so nothing older may be undone either.
    expect(planned.decision).toBe(RollbackDecision.Refuse);
    expect(planned.summary).toMatch(/window closed on 2026-04-07/);
    expect(planned.summary).toMatch(/not refunded/);
    expect(planned.summary).toMatch(/Nothing was changed/);
    expect(planned.summary).toMatch(/off-cycle run/);

    const failure = await compensate(ports, { runId: RUN_ID, step: StepName.Disburse }).catch((e) => e);
    expect(failure).toBeInstanceOf(OperationFailedError);
    expect((failure as OperationFailedError).code).toBe('ACH_NOT_REVERSIBLE');
    expect((failure as OperationFailedError).details.employees).toEqual(ids);
  });
});

describe('the rollback decision', () => {
  it('halts at a reversal the bank refuses: nothing older undone, then resumes from there as attempt 2', async () => {
    const ports = await completedRun();
    ports.clock.set(INSIDE_WINDOW);
    const first = await plan(ports);
    expect(await executePlan(ports, first, 'reject')).toBe(RunStatus.CompensationFailed);

    // The books still say the employees were paid: no refund, payslips and year-to-date stand.
    const run = (await ports.runs.getRun(RUN_ID))!;
    expect(run.compensations.map((c) => [c.step, c.status])).toEqual([
      ['PublishPayslips', 'COMPENSATED'],
      ['Disburse', 'FAILED'],
      ['PostLedger', 'NOT_RUN'],
      ['FundPayroll', 'NOT_RUN'],
      ['CalculatePay', 'NOT_RUN'],
      ['OpenRun', 'NOT_RUN'],
    ]);
    expect(await ports.funding.getMovement(RUN_ID, FundingKind.Refund)).toBeUndefined();
    expect((await ports.payslips.listPayslips(RUN_ID)).every((p) => p.status === 'ISSUED')).toBe(true);
    expect((await ports.ytd.entries(EMPLOYER, 2026)).get(ROSTER[0]!.employeeId)?.runs).toEqual([RUN_ID]);

    const previous = execution(ExecutionStatus.Failed, `${PAY_RUN_ARN}-rollback-1`);
    const resumed = await plan(ports, { previousRollbacks: [previous] });
    expect(resumed.decision).toBe(RollbackDecision.Resume);
    expect(resumed.steps.map((s) => [s.step, s.state])).toEqual([
      ['Disburse', 'compensation-failed'],
      ['PostLedger', 'not-run'],
      ['FundPayroll', 'not-run'],
      ['CalculatePay', 'not-run'],
      ['OpenRun', 'not-run'],
    ]);
    expect(resumed.fromStep).toBe(StepName.Disburse);
    expect(resumed.executionName).toBe(`${RUN_ID}-rollback-2`);
    expect(resumed.alreadyCompensated.map((c) => c.step)).toEqual(['PublishPayslips']);
    expect(resumed.amounts.payslipsToVoid).toBe(5);

    // The cause is fixed: the resumed rollback resends the reversal as attempt 2 and finishes.
    expect(await executePlan(ports, resumed, 'transmit')).toBe(RunStatus.RolledBack);
    expect(await ports.ach.getAchFile(RUN_ID, AchFileKind.Reversal)).toMatchObject({
      status: AchStatus.Transmitted,
      attempt: 2,
    });
    expect(ports.outbox.sent.filter((m) => m.body.kind === 'REVERSAL').map((m) => m.body.messageId)).toEqual([
      `${RUN_ID}#ach#REVERSAL`,
      `${RUN_ID}#ach#REVERSAL#2`,
    ]);
    expect(await ports.funding.getMovement(RUN_ID, FundingKind.Refund)).toBeDefined();
    expect((await ports.ytd.entries(EMPLOYER, 2026)).get(ROSTER[0]!.employeeId)?.runs).toEqual([]);
  });

  it('refuses a run whose reversal the receiving banks partly returned, naming those employees', async () => {
    const ports = await completedRun();
    ports.clock.set(INSIDE_WINDOW);
    const first = await plan(ports);
    await beginRollback(ports, {
      runId: RUN_ID,
      failedStep: StepName.PublishPayslips,
      error: 'OperatorRollback',
      cause: 'x',
    });
    await compensate(ports, { runId: RUN_ID, step: StepName.PublishPayslips });
    await expect(compensate(ports, { runId: RUN_ID, step: StepName.Disburse })).rejects.toBeInstanceOf(
      TransientError,
    );
    await transmit(ports, AchFileKind.Reversal);
    const returned = (await ports.payslips.listPayslips(RUN_ID)).find((p) => p.amounts.net > 0)!;
    await ports.ach.transitionAchFile(
      RUN_ID,
      AchFileKind.Reversal,
      [AchStatus.Transmitted],
      AchStatus.Transmitted,
      {
        returns: [{ employeeId: returned.employeeId, amount: returned.amounts.net, code: 'R02' }],
      },
    );
    const partial = await compensate(ports, { runId: RUN_ID, step: StepName.Disburse }).catch((e) => e);
    expect((partial as OperationFailedError).code).toBe('ACH_REVERSAL_PARTIAL');
    expect((partial as OperationFailedError).details.employees).toEqual([returned.employeeId]);
    expect(first.decision).toBe(RollbackDecision.Rollback);

    const after = await plan(ports);
    expect(after.decision).toBe(RollbackDecision.Refuse);
    expect(after.summary).toMatch(new RegExp(`${returned.employeeId} R02`));
    expect(manualRecovery(after).map((e) => [e.employeeId, e.returned])).toEqual([
      [returned.employeeId, 'R02'],
    ]);
  });

  it('does nothing for a ROLLED_BACK run', async () => {
    const ports = await completedRun();
    ports.clock.set(INSIDE_WINDOW);
    await executePlan(ports, await plan(ports));
    const again = await plan(ports);
    expect(again.decision).toBe(RollbackDecision.NothingToDo);
    expect(again.steps).toEqual([]);
    expect(again.executionName).toBeUndefined();
    expect(again.fromStep).toBeUndefined();
    expect(again.summary).toMatch(/already ROLLED_BACK/);
  });

  it('stops a stuck run first and compensates the step it was in', async () => {
    const ports = await setUp();
    await calculate(ports); // CalculatePay still RUNNING: FundPayroll never came
    const stuck = await plan(ports, { payRunExecution: execution(ExecutionStatus.Running) });
    expect(stuck.decision).toBe(RollbackDecision.StopThenRollback);
    expect(stuck.stop).toEqual([PAY_RUN_ARN]);
    expect(stuck.steps.map((s) => [s.step, s.state])).toEqual([
      ['CalculatePay', 'started'],
      ['OpenRun', 'completed'],
    ]);
    expect(stuck.fromStep).toBe(StepName.CalculatePay);
    expect(stuck.amounts.payslipsToVoid).toBe(5);
    expect(stuck.amounts.fundingRefund).toBe(0);
    expect(stuck.employees).toEqual([]);

    const failed = await plan(ports, { payRunExecution: execution(ExecutionStatus.Aborted) });
    expect(failed.decision).toBe(RollbackDecision.Rollback);
    expect(failed.stop).toEqual([]);
  });

  it('releases the period of a PENDING run whose execution never started', async () => {
    const ports = await setUp();
    const pending = await plan(ports);
    expect(pending.decision).toBe(RollbackDecision.Rollback);
    expect(pending.steps).toEqual([
      {
        step: 'OpenRun',
        state: 'started',
        action: { type: 'release-period', periodId: '2026-03', periodLock: true },
      },
    ]);
    expect(pending.fromStep).toBe(StepName.OpenRun);
  });

  it('cancels an ACH file the gateway has not transmitted, and lists its entries', async () => {
    const ports = await setUp();
    await throughDisburse(ports);
    const run = (await ports.runs.getRun(RUN_ID))!;
    const planned = await plan(ports, { payRunExecution: execution(ExecutionStatus.Failed) });
    expect(planned.steps[0]).toEqual({
      step: 'Disburse',
      state: 'started',
      action: { type: 'cancel-ach-file', entries: 5, total: run.totals!.net },
    });
    expect(planned.amounts.achReversal).toEqual({ entries: 0, total: 0 });
    expect(planned.employees).toHaveLength(5);
    expect(await executePlan(ports, planned)).toBe(RunStatus.RolledBack);
    expect((await ports.ach.getAchFile(RUN_ID, AchFileKind.Credit))?.status).toBe(AchStatus.Cancelled);
    expect((await ports.runs.getRun(RUN_ID))!.compensations.map((c) => c.status)).not.toContain(
      CompensationStatus.Failed,
    );
  });
});
