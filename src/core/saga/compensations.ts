/**
 * Compensations, one per step, each idempotent: it looks for the step's effect in the store and
 * undoes it once, or records that there was nothing to undo. A compensation that cannot do its
 * job throws; the state machine retries it, then records the failure — and the rollback halts
 * there. The older compensations depend on it (no refund, no reversing journal, no voided
 * payslips while an ACH credit is still out), so they are recorded NOT_RUN and the run ends
 * COMPENSATION_FAILED — never silently "rolled back". A later `rollback RUN` resumes from the
 * failed step once its cause is fixed.
 */
import { isReversible } from '../bankingDays.js';
import { OperationFailedError, TransientError } from '../errors.js';
import {
  disbursementJournalId,
  disbursementReversalJournal,
  payrollJournalId,
  reversalJournalId,
  reversingJournal,
} from '../ledger.js';
import { sumCents } from '../money.js';
import type { SagaPorts } from '../ports.js';
import { releaseEmployerAfterRollback } from './employerLock.js';
import { requireRun, ytdContributions } from './forward.js';
import {
  AchFileKind,
  type AchFileRecord,
  AchStatus,
  type CompensationRecord,
  FundingKind,
  outboxMessageId,
  PayslipStatus,
  type RunRecord,
} from './records.js';
import { periodLockKey } from './runIds.js';
import {
  COMPENSABLE_STEPS,
  CompensationStatus,
  isSettled,
  RunStatus,
  StepName,
  StepStatus,
} from './steps.js';

type Outcome = { readonly status: CompensationStatus; readonly detail: string };

const nothing = (detail: string): Outcome => ({ status: CompensationStatus.NothingToUndo, detail });
const done = (detail: string): Outcome => ({ status: CompensationStatus.Compensated, detail });

/** Employee ids named in a one-line failure; the full list goes into the error's details. */
const NAMED_EMPLOYEES = 20;

function nameEmployees(ids: readonly string[]): string {
  return `${ids.slice(0, NAMED_EMPLOYEES).join(', ')}${ids.length > NAMED_EMPLOYEES ? ', …' : ''}`;
}

async function undoOpenRun(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const lockKey = periodLockKey(run.employerId, run.period, run.runType);
  if (!lockKey)
    return run.chunkCount ? done('off-cycle run closed; no period lock') : nothing('no effect recorded');
  const released = await ports.locks.release(lockKey, run.runId);
  return released
    ? done(`period lock ${run.period.id} released`)
    : nothing('period lock not held by this run');
}

/** Voids the payslips and takes the run's amounts out of the year-to-date ledger (if they were in). */
async function undoCalculatePay(ports: SagaPorts, run: RunRecord): Promise<Outcome> {
  const payslips = await ports.payslips.listPayslips(run.runId);
  // Conditional per employee: only entries that hold this run change, whatever the retries.
  const unapplied = await ports.ytd.unapply(
    run.employerId,
    run.period.taxYear,
    run.runId,
    ytdContributions(run, payslips),
  );
  const voided = await ports.payslips.setPayslipStatus(run.runId, PayslipStatus.Void);
  if (voided === 0 && unapplied === 0) return nothing('no payslips issued');
  return done(
    `${voided} payslips voided${unapplied > 0 ? `; year-to-date balances of ${unapplied} employees reduced` : ''}`,
  );
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

function notReversible(run: RunRecord, credit: AchFileRecord, ids: readonly string[]): OperationFailedError {
  return new OperationFailedError(
    'ACH_NOT_REVERSIBLE',
    `ACH credits settled ${credit.effectiveDate} are past the five-banking-day reversal window; nothing older was undone. Manual recovery needed for ${ids.length} employees: ${nameEmployees(ids)}`,
    { details: { runId: run.runId, employees: ids } },
  );
}

/** How many times the Disburse compensation has failed: each failure closes one reversal attempt. */
function failedAttempts(run: RunRecord): number {
  return run.compensations.filter(
    (c) => c.step === StepName.Disburse && c.status === CompensationStatus.Failed,
  ).length;
}

async function sendReversal(ports: SagaPorts, run: RunRecord, attempt: number): Promise<void> {
  await ports.outbox.publish({
    messageId: outboxMessageId.achFile(run.runId, AchFileKind.Reversal, attempt),
    runId: run.runId,
    queue: 'bank-gateway',
    body: { runId: run.runId, kind: AchFileKind.Reversal },
    createdAt: ports.clock.now(),
  });
}

/**
 * The REVERSAL file of the run, sent (or sent again on a resumed rollback) and transmitted; throws
 * a TransientError while it is in transit, and a non-retryable error when the bank refused it.
 */
async function transmittedReversal(
  ports: SagaPorts,
  run: RunRecord,
  credit: AchFileRecord,
  today: string,
): Promise<AchFileRecord> {
  let reversal = await ports.ach.getAchFile(run.runId, AchFileKind.Reversal);
  const resumed = reversal !== undefined && (reversal.attempt ?? 1) <= failedAttempts(run);
  if (!reversal) {
    await ports.ach.createAchFile({
      runId: run.runId,
      kind: AchFileKind.Reversal,
      status: AchStatus.Pending,
      attempt: 1,
      effectiveDate: today,
      entryCount: credit.entryCount,
      totalAmount: credit.totalAmount,
      createdAt: ports.clock.now(),
    });
    await sendReversal(ports, run, 1);
  } else if (resumed && reversal.status === AchStatus.Rejected) {
    // An operator resumed the rollback after the bank refused the last attempt: send it again.
    const attempt = (reversal.attempt ?? 1) + 1;
    await ports.ach.transitionAchFile(
      run.runId,
      AchFileKind.Reversal,
      [AchStatus.Rejected],
      AchStatus.Pending,
      {
        attempt,
      },
    );
    await sendReversal(ports, run, attempt);
  } else if (resumed && reversal.status === AchStatus.Pending) {
    // The gateway never answered the last attempt: hand it the file again (idempotent by message id).
    await sendReversal(ports, run, reversal.attempt ?? 1);
  }
  reversal = await ports.ach.getAchFile(run.runId, AchFileKind.Reversal);
  switch (reversal?.status) {
    case AchStatus.Transmitted:
      return reversal;
    case AchStatus.Rejected:
      throw new OperationFailedError(
        'ACH_REVERSAL_REJECTED',
        `The bank refused the ACH reversal of run ${run.runId}: ${reversal.rejectionReason ?? 'no reason given'}. Nothing older was undone; fix the cause, then run payroll-ops rollback ${run.runId} again to resend it.`,
        { details: { runId: run.runId } },
      );
    default:
      // The state machine retries this compensation; the gateway transmits in the meantime.
      throw new TransientError(
        'REVERSAL_PENDING',
        `The ACH reversal of run ${run.runId} is not transmitted yet.`,
      );
  }
}

/**
 * Before transmission the file is cancelled (the gateway refuses a cancelled file). After it, a
 * REVERSAL file of debits is sent if the five-banking-day window is still open. The cash that
 * comes back is journalled; entries the receiving banks return are recorded per employee and
 * fail the compensation, naming them: that money has to be recovered outside ACH.
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
  const existing = await ports.ach.getAchFile(run.runId, AchFileKind.Reversal);
  if (existing?.status !== AchStatus.Transmitted && !isReversible(credit.effectiveDate, today)) {
    const payslips = await ports.payslips.listPayslips(run.runId);
    throw notReversible(
      run,
      credit,
      payslips.filter((p) => p.amounts.net > 0).map((p) => p.employeeId),
    );
  }
  const reversal = await transmittedReversal(ports, run, credit, today);
  const returns = reversal.returns ?? [];
  const returned = sumCents(returns.map((r) => r.amount));
  const recovered = reversal.totalAmount - returned;
  // The disbursement journal is posted once the step sees its credits transmitted; a step that
  // failed first left none, and then the cash that went out and came back nets to nothing.
  const journals = await ports.ledger.listJournals(run.runId);
  if (journals.some((journal) => journal.id === disbursementJournalId(run.runId))) {
    await ports.ledger.postJournal(disbursementReversalJournal(run.runId, recovered));
  }
  if (returns.length > 0) {
    const ids = returns.map((r) => r.employeeId);
    throw new OperationFailedError(
      'ACH_REVERSAL_PARTIAL',
      `The ACH reversal of run ${run.runId} recovered ${recovered} of ${reversal.totalAmount} cents; the receiving banks returned ${returns.length} entries (${returns
        .map((r) => `${r.employeeId} ${r.code}`)
        .slice(0, NAMED_EMPLOYEES)
        .join(', ')}). Nothing older was undone; recover those amounts outside ACH.`,
      { details: { runId: run.runId, employees: ids, recovered, returned } },
    );
  }
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

/**
 * What a step's compensation amounts to over all its records. Once any attempt settled it, it is
 * settled for good — COMPENSATED wins over NOTHING_TO_UNDO, since a duplicate attempt that found
 * nothing left to undo does not hide the one that undid it. Otherwise the latest failure or NOT_RUN.
 */
export function compensationOf(run: RunRecord, step: StepName): CompensationRecord | undefined {
  const records = run.compensations.filter((c) => c.step === step);
  return (
    records.find((c) => c.status === CompensationStatus.Compensated) ??
    records.find((c) => c.status === CompensationStatus.NothingToUndo) ??
    records.at(-1)
  );
}

export async function compensate(
  ports: SagaPorts,
  input: { runId: string; step: StepName },
): Promise<Outcome> {
  if (input.step === StepName.CloseRun) return nothing('closing has no effect of its own to undo');
  const run = await requireRun(ports, input.runId);
  const prior = compensationOf(run, input.step);
  if (prior && isSettled(prior.status)) return { status: prior.status, detail: prior.detail ?? '' };
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
  // A start declared failed released everything; its late execution changes nothing about it.
  if (run.status === RunStatus.FailedToStart) return { status: run.status };
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

/**
 * A compensation failed for good: recorded, and every older compensation not yet done is recorded
 * NOT_RUN — the rollback stops here, leaving the older effects (funding, journals, payslips,
 * year-to-date) standing, consistent with the money still out.
 */
export async function recordCompensationFailure(
  ports: SagaPorts,
  input: { runId: string; step: StepName; error: string; cause: string },
): Promise<void> {
  const at = ports.clock.now();
  await ports.runs.recordCompensation(input.runId, {
    step: input.step,
    status: CompensationStatus.Failed,
    at,
    detail: `${input.error}: ${extractCause(input.cause)}`,
  });
  const run = await requireRun(ports, input.runId);
  const failedAt = COMPENSABLE_STEPS.indexOf(input.step);
  for (const older of COMPENSABLE_STEPS.slice(0, Math.max(0, failedAt)).reverse()) {
    const latest = compensationOf(run, older);
    if (latest && isSettled(latest.status)) continue;
    await ports.runs.recordCompensation(input.runId, {
      step: older,
      status: CompensationStatus.NotRun,
      at,
      detail: `not attempted: the compensation of ${input.step} failed first`,
    });
  }
}

/** ROLLED_BACK only when every compensation is done; then the employer's next run may start. */
export async function finishRollback(
  ports: SagaPorts,
  input: { runId: string },
): Promise<{ status: RunStatus }> {
  const run = await requireRun(ports, input.runId);
  if (run.status === RunStatus.FailedToStart) return { status: run.status };
  const unsettled = COMPENSABLE_STEPS.some((step) => {
    const latest = compensationOf(run, step);
    return latest !== undefined && !isSettled(latest.status);
  });
  const status = unsettled ? RunStatus.CompensationFailed : RunStatus.RolledBack;
  await ports.runs.updateRun(input.runId, { status, endedAt: ports.clock.now() });
  await releaseEmployerAfterRollback(ports, run.employerId, run.runId);
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
