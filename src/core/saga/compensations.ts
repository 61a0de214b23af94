/**
 * Compensations, one per step, each idempotent: it looks for the step's effect in the store and
 * undoes it once, or records that there was nothing to undo. A compensation that cannot do its
 * job throws; the state machine retries it, then records the failure and runs the rest, and the
 * run ends COMPENSATION_FAILED — never silently "rolled back".
 */
import { isReversible } from '../bankingDays.js';
import { OperationFailedError, TransientError } from '../errors.js';
import { disbursementJournalId, payrollJournalId, reversalJournalId, reversingJournal } from '../ledger.js';
import type { SagaPorts } from '../ports.js';
import type { YtdBalances } from '../roster.js';
import { AchFileKind, AchStatus, FundingKind, PayslipStatus, type RunRecord } from './records.js';
import { periodLockKey } from './runIds.js';
import { CompensationStatus, RunStatus, StepName, StepStatus } from './steps.js';

type Outcome = { readonly status: CompensationStatus; readonly detail: string };

async function requireRun(ports: Pick<SagaPorts, 'runs'>, runId: string): Promise<RunRecord> {
  const run = await ports.runs.getRun(runId);
  if (!run) throw new OperationFailedError('RUN_NOT_FOUND', `Run ${runId} does not exist.`);
  return run;
}

const nothing = (detail: string): Outcome => ({ status: CompensationStatus.NothingToUndo, detail });
const done = (detail: string): Outcome => ({ status: CompensationStatus.Compensated, detail });

async function undoOpenRun(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const lockKey = periodLockKey(run.employerId, run.period, run.runType);
  if (!lockKey)
    return run.chunkCount ? done('off-cycle run closed; no period lock') : nothing('no effect recorded');
  const released = await ports.locks.release(lockKey, run.runId);
  return released
    ? done(`period lock ${run.period.id} released`)
    : nothing('period lock not held by this run');
}

async function undoCalculatePay(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const voided = await ports.payslips.setPayslipStatus(run.runId, PayslipStatus.Void);
  // A completed run had rolled year-to-date balances forward: put back what they were before it.
  if (run.steps.CloseRun?.status === StepStatus.Succeeded) {
    const payslips = await ports.payslips.listPayslips(run.runId);
    const restored = new Map<string, YtdBalances>(payslips.map((p) => [p.employeeId, p.ytdBefore]));
    await ports.roster.putYtd(run.employerId, run.period.taxYear, restored);
  }
  return voided > 0 ? done(`${voided} payslips voided`) : nothing('no payslips issued');
}

async function undoFundPayroll(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const debit = await ports.funding.getMovement(run.runId, FundingKind.Debit);
  if (!debit) return nothing('employer was not debited');
  await ports.funding.recordMovement({ ...debit, kind: FundingKind.Refund, at: ports.clock.now() });
  return done(`employer refunded ${debit.amount} cents`);
}

async function undoPostLedger(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const journals = await ports.ledger.listJournals(run.runId);
  const payroll = journals.find((journal) => journal.id === payrollJournalId(run.runId));
  if (!payroll) return nothing('no payroll journal posted');
  await ports.ledger.postJournal(reversingJournal(payroll));
  return done(`journal ${reversalJournalId(payroll.id)} posted`);
}

/**
 * Before transmission the file is cancelled (the gateway refuses a cancelled file). After it, a
 * REVERSAL file of debits is sent if the five-banking-day window is still open; otherwise the
 * employees need manual recovery and this compensation fails, naming them.
 */
async function undoDisburse(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const credit = await ports.ach.getAchFile(run.runId, AchFileKind.Credit);
  if (!credit) return nothing('no ACH file created');
  if (credit.status === AchStatus.Pending) {
    const after = await ports.ach.transitionAchFile(
      run.runId,
      AchFileKind.Credit,
      [AchStatus.Pending],
      AchStatus.Cancelled,
    );
    if (after.status === AchStatus.Cancelled) return done('ACH file cancelled before transmission');
  }
  const current = await ports.ach.getAchFile(run.runId, AchFileKind.Credit);
  if (current?.status === AchStatus.Cancelled) return done('ACH file cancelled before transmission');
  if (current?.status === AchStatus.Rejected)
    return done('ACH file was rejected by the bank; nothing was paid');
  const today = ports.clock.now().slice(0, 10);
  if (!isReversible(credit.effectiveDate, today)) {
    const payslips = await ports.payslips.listPayslips(run.runId);
    const ids = payslips.map((p) => p.employeeId);
    const shown = ids.slice(0, 20).join(', ');
    throw new OperationFailedError(
      'ACH_NOT_REVERSIBLE',
      `ACH credits settled ${credit.effectiveDate} are past the five-banking-day reversal window; manual recovery needed for ${ids.length} employees: ${shown}${ids.length > 20 ? ', …' : ''}`,
      { details: { employees: ids } },
    );
  }
  await ports.ach.createAchFile({
    runId: run.runId,
    kind: AchFileKind.Reversal,
    status: AchStatus.Pending,
    effectiveDate: today,
    entryCount: credit.entryCount,
    totalAmount: credit.totalAmount,
    createdAt: ports.clock.now(),
  });
  await ports.outbox.publish({
    messageId: `${run.runId}#ach#${AchFileKind.Reversal}`,
    runId: run.runId,
    queue: 'bank-gateway',
    body: { runId: run.runId, kind: AchFileKind.Reversal },
    createdAt: ports.clock.now(),
  });
  const reversal = await ports.ach.getAchFile(run.runId, AchFileKind.Reversal);
  if (reversal?.status !== AchStatus.Transmitted) {
    // The state machine retries this compensation; the gateway transmits in the meantime.
    throw new TransientError(
      'REVERSAL_PENDING',
      `The ACH reversal of run ${run.runId} is not transmitted yet.`,
    );
  }
  const journals = await ports.ledger.listJournals(run.runId);
  const disbursement = journals.find((journal) => journal.id === disbursementJournalId(run.runId));
  if (disbursement) await ports.ledger.postJournal(reversingJournal(disbursement));
  return done('ACH reversal transmitted and disbursement journal reversed');
}

async function undoPublishPayslips(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const deliveries = await ports.deliveries.listDeliveries(run.runId);
  // The step records its start before it publishes anything; a step that failed before starting has no start.
  const published = run.steps.PublishPayslips?.startedAt !== undefined;
  if (!published && deliveries.length === 0) return nothing('no payslips published');
  const count = run.chunkCount ?? 0;
  for (let chunkIndex = 0; chunkIndex < count; chunkIndex++) {
    await ports.deliveries.recordDelivery(run.runId, chunkIndex, 'RETRACTED', ports.clock.now());
  }
  return done(`payslip deliveries of ${count} chunks retracted`);
}

const UNDO: Readonly<
  Record<Exclude<StepName, 'CloseRun'>, (ports: SagaPorts, run: RunRecord) => Promise<Outcome>>
> = {
  OpenRun: undoOpenRun,
  CalculatePay: undoCalculatePay,
  FundPayroll: undoFundPayroll,
  PostLedger: undoPostLedger,
  Disburse: undoDisburse,
  PublishPayslips: undoPublishPayslips,
};

export async function compensate(
  ports: SagaPorts,
  input: { runId: string; step: StepName },
): Promise<Outcome> {
  if (input.step === StepName.CloseRun) return nothing('closing has no effect of its own to undo');
  const run = await requireRun(ports, input.runId);
  const prior = run.compensations.find(
    (c) => c.step === input.step && c.status !== CompensationStatus.Failed,
  );
  if (prior) return { status: prior.status, detail: prior.detail ?? '' };
  const outcome = await UNDO[input.step](ports, run);
  await ports.runs.recordCompensation(input.runId, { step: input.step, at: ports.clock.now(), ...outcome });
  return outcome;
}

/** The Catch path's first act: the failed step and its error are recorded, the run is ROLLING_BACK. */
export async function beginRollback(
  ports: SagaPorts,
  input: { runId: string; failedStep: StepName; error: string; cause: string },
): Promise<{ status: RunStatus }> {
  const run = await requireRun(ports, input.runId);
  const cause = extractCause(input.cause);
  if (input.error !== 'OperatorRollback') {
    const startedAt = run.steps[input.failedStep]?.startedAt;
    await ports.runs.recordStep(input.runId, input.failedStep, {
      status: StepStatus.Failed,
      ...(startedAt ? { startedAt } : {}),
      endedAt: ports.clock.now(),
      error: `${input.error}: ${cause}`,
    });
  }
  await ports.runs.updateRun(input.runId, {
    status: RunStatus.RollingBack,
    failure: { step: input.failedStep, error: input.error, cause },
  });
  return { status: RunStatus.RollingBack };
}

export async function recordCompensationFailure(
  ports: SagaPorts,
  input: { runId: string; step: StepName; error: string; cause: string },
): Promise<void> {
  await ports.runs.recordCompensation(input.runId, {
    step: input.step,
    status: CompensationStatus.Failed,
    at: ports.clock.now(),
    detail: `${input.error}: ${extractCause(input.cause)}`,
  });
}

/** ROLLED_BACK only when no compensation is left failed. */
export async function finishRollback(
  ports: SagaPorts,
  input: { runId: string },
): Promise<{ status: RunStatus }> {
  const run = await requireRun(ports, input.runId);
  const latest = new Map<StepName, CompensationStatus>();
  for (const record of run.compensations) latest.set(record.step, record.status);
  const failed = [...latest.values()].some((status) => status === CompensationStatus.Failed);
  const status = failed ? RunStatus.CompensationFailed : RunStatus.RolledBack;
  await ports.runs.updateRun(input.runId, { status, endedAt: ports.clock.now() });
  return { status };
}

/** Step Functions passes a Lambda error's cause as JSON ({errorType, errorMessage, ...}); keep the message. */
export function extractCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause is already a message
  }
  return cause;
}
