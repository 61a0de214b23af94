/**
 * The forward steps of the pay-run saga. Each is idempotent on its own (deterministic keys and
 * once-only writes), so a redelivery or a redrive makes no second effect even without the
 * Powertools guard that wraps the handlers.
 */
import { OperationFailedError } from '../errors.js';
import { disbursementJournal, journalInputFromTotals, payrollJournal } from '../ledger.js';
import type { Cents } from '../money.js';
import { sumPayslips } from '../payroll/grossToNet.js';
import { taxTablesFor } from '../payroll/taxTables.js';
import type { SagaPorts } from '../ports.js';
import type { YtdBalances } from '../roster.js';
import { payslipContribution } from '../ytd.js';
import { BANK_CONFIRMATION_DEADLINE_SECONDS, CHUNK_SIZE, MAX_BANK_WAIT_SECONDS } from './definition.js';
import { releaseEmployer } from './employerLock.js';
import { payslipFor } from './payslipFor.js';
import {
  AchFileKind,
  AchStatus,
  type ChunkDescriptor,
  type ChunkSnapshot,
  FundingKind,
  OffCycleBasis,
  outboxMessageId,
  type PayslipRecord,
  PayslipStatus,
  type RunRecord,
  type RunTotals,
} from './records.js';
import { periodLockKey } from './runIds.js';
import { runMembers } from './runScope.js';
import { RunStatus, StepName, StepStatus } from './steps.js';
import { runTotalsOf } from './totals.js';

export interface RunRef {
  readonly runId: string;
}

export async function requireRun(ports: Pick<SagaPorts, 'runs'>, runId: string): Promise<RunRecord> {
  const run = await ports.runs.getRun(runId);
  if (!run) throw new OperationFailedError('RUN_NOT_FOUND', `Run ${runId} does not exist.`);
  return run;
}

async function started(
  ports: Pick<SagaPorts, 'runs' | 'clock'>,
  runId: string,
  step: StepName,
): Promise<string> {
  const at = ports.clock.now();
  await ports.runs.recordStep(runId, step, { status: StepStatus.Running, startedAt: at });
  return at;
}

async function succeeded(
  ports: Pick<SagaPorts, 'runs' | 'clock'>,
  runId: string,
  step: StepName,
  startedAt: string,
) {
  await ports.runs.recordStep(runId, step, {
    status: StepStatus.Succeeded,
    startedAt,
    endedAt: ports.clock.now(),
  });
}

export interface OpenRunResult {
  readonly employees: number;
  readonly chunks: readonly ChunkDescriptor[];
  readonly taxTablesVersion: string;
}

/** Period lock, run RUNNING, roster snapshot in chunks (with year-to-date balances and hours). */
export async function openRun(ports: SagaPorts, { runId }: RunRef): Promise<OpenRunResult> {
  const run = await requireRun(ports, runId);
  // PENDING → RUNNING once; a redriven OpenRun finds it RUNNING. A start that was declared failed
  // (FAILED_TO_START) released its locks: its execution, begun late, must not pay anyone.
  const opened = await ports.runs.transitionRun(runId, [RunStatus.Pending, RunStatus.Running], {
    status: RunStatus.Running,
  });
  if (!opened) {
    throw new OperationFailedError(
      'RUN_NOT_STARTABLE',
      `Run ${runId} is ${run.status}; only a PENDING or RUNNING run can be opened.`,
    );
  }
  const at = await started(ports, runId, StepName.OpenRun);
  const lockKey = periodLockKey(run.employerId, run.period, run.runType);
  if (lockKey) {
    const { holder } = await ports.locks.acquire(lockKey, runId);
    if (holder !== runId) {
      throw new OperationFailedError(
        'PERIOD_LOCKED',
        `Period ${run.period.id} is already being paid by run ${holder}.`,
      );
    }
  }
  const tables = taxTablesFor(run.period.taxYear);
  const [employees, ytd, timesheets, payments] = await Promise.all([
    ports.roster.listEmployees(run.employerId),
    ports.ytd.entries(run.employerId, run.period.taxYear),
    ports.timesheets.getTimesheets(runId),
    run.basis === OffCycleBasis.Payments ? ports.payments.getPayments(runId) : undefined,
  ]);
  const inScope = runMembers(run, employees, ytd, { timesheets, ...(payments ? { payments } : {}) });
  const chunks: ChunkSnapshot[] = [];
  for (let start = 0, index = 0; start < inScope.length; start += CHUNK_SIZE, index++) {
    chunks.push({ runId, chunkIndex: index, employees: inScope.slice(start, start + CHUNK_SIZE) });
  }
  await ports.chunks.putChunks(chunks);
  await ports.runs.updateRun(runId, {
    employees: inScope.length,
    chunkCount: chunks.length,
    taxTablesVersion: tables.version,
  });
  await succeeded(ports, runId, StepName.OpenRun, at);
  await ports.runs.recordStep(runId, StepName.CalculatePay, {
    status: StepStatus.Running,
    startedAt: ports.clock.now(),
  });
  return {
    employees: inScope.length,
    chunks: chunks.map((chunk) => ({ chunkIndex: chunk.chunkIndex, employees: chunk.employees.length })),
    taxTablesVersion: tables.version,
  };
}

export interface ChunkRef extends RunRef {
  readonly chunk: ChunkDescriptor;
}

/** Gross-to-net for one chunk: payslips written in batches, then the chunk's totals. */
export async function calculatePayChunk(
  ports: SagaPorts,
  { runId, chunk }: ChunkRef,
): Promise<{ employees: number }> {
  const [run, snapshot] = await Promise.all([
    requireRun(ports, runId),
    ports.chunks.getChunk(runId, chunk.chunkIndex),
  ]);
  if (!snapshot) {
    throw new OperationFailedError('CHUNK_NOT_FOUND', `Run ${runId} has no chunk ${chunk.chunkIndex}.`);
  }
  const tables = taxTablesFor(run.period.taxYear);
  const payslips: PayslipRecord[] = snapshot.employees.map((member) => ({
    runId,
    employeeId: member.employee.employeeId,
    name: member.employee.name,
    chunkIndex: chunk.chunkIndex,
    payDate: run.period.payDate,
    amounts: payslipFor(member, run.period, tables),
    ytdBefore: member.ytdBefore,
    bank: member.employee.bank,
    status: PayslipStatus.Issued,
  }));
  await ports.payslips.putPayslips(payslips);
  await ports.chunks.putChunkResult({
    runId,
    chunkIndex: chunk.chunkIndex,
    totals: sumPayslips(payslips.map((payslip) => payslip.amounts)),
  });
  return { employees: payslips.length };
}

/** Debits the employer's funding account once for the run's net pay and taxes. */
export async function fundPayroll(ports: SagaPorts, { runId }: RunRef): Promise<{ fundingDebit: Cents }> {
  const run = await requireRun(ports, runId);
  const calculateStarted = run.steps.CalculatePay?.startedAt ?? ports.clock.now();
  if (run.steps.CalculatePay?.status !== StepStatus.Succeeded) {
    await succeeded(ports, runId, StepName.CalculatePay, calculateStarted);
  }
  const at = await started(ports, runId, StepName.FundPayroll);
  const results = await ports.chunks.listChunkResults(runId);
  if (results.length !== run.chunkCount) {
    throw new OperationFailedError(
      'CHUNKS_MISSING',
      `Run ${runId} has ${results.length} of ${run.chunkCount} chunks calculated; funding needs all of them.`,
    );
  }
  const totals: RunTotals = runTotalsOf(results);
  await ports.runs.updateRun(runId, { totals });
  await ports.funding.recordMovement({
    runId,
    employerId: run.employerId,
    kind: FundingKind.Debit,
    amount: totals.fundingDebit,
    at: ports.clock.now(),
  });
  await succeeded(ports, runId, StepName.FundPayroll, at);
  return { fundingDebit: totals.fundingDebit };
}

function requireTotals(run: RunRecord): RunTotals {
  if (!run.totals) throw new OperationFailedError('RUN_NOT_FUNDED', `Run ${run.runId} has no totals yet.`);
  return run.totals;
}

/** Posts the run's balanced payroll journal once. */
export async function postLedger(ports: SagaPorts, { runId }: RunRef): Promise<{ journalId: string }> {
  const run = await requireRun(ports, runId);
  const at = await started(ports, runId, StepName.PostLedger);
  const journal = payrollJournal(runId, journalInputFromTotals(requireTotals(run)));
  await ports.ledger.postJournal(journal);
  await succeeded(ports, runId, StepName.PostLedger, at);
  return { journalId: journal.id };
}

export interface DisbursementState {
  readonly status: AchStatus;
  readonly checks: number;
  /** How long WaitForBank waits before the next check: 1, 2, 3, 4, 6, 8, 12 … up to MAX_BANK_WAIT_SECONDS. */
  readonly waitSeconds: number;
}

const bankWait = (checks: number) => Math.min(Math.ceil(1.5 ** checks), MAX_BANK_WAIT_SECONDS);

/** Records the ACH credit file and hands it to the bank gateway through the outbox. */
export async function disburse(ports: SagaPorts, { runId }: RunRef): Promise<DisbursementState> {
  const run = await requireRun(ports, runId);
  const at = await started(ports, runId, StepName.Disburse);
  const totals = requireTotals(run);
  await ports.ach.createAchFile({
    runId,
    kind: AchFileKind.Credit,
    status: AchStatus.Pending,
    effectiveDate: run.period.payDate,
    entryCount: totals.employees,
    totalAmount: totals.net,
    createdAt: at,
  });
  await ports.outbox.publish({
    messageId: outboxMessageId.achFile(runId, AchFileKind.Credit),
    runId,
    queue: 'bank-gateway',
    body: { runId, kind: AchFileKind.Credit },
    createdAt: at,
  });
  return { status: AchStatus.Pending, checks: 0, waitSeconds: bankWait(0) };
}

/** Polled by the Wait/Choice loop until the bank has the file; posts the disbursement journal once. */
export async function checkDisbursement(
  ports: SagaPorts,
  { runId, checks }: RunRef & { readonly checks: number },
): Promise<DisbursementState> {
  const file = await ports.ach.getAchFile(runId, AchFileKind.Credit);
  if (!file) throw new OperationFailedError('ACH_FILE_MISSING', `Run ${runId} has no ACH credit file.`);
  switch (file.status) {
    case AchStatus.Transmitted: {
      const run = await requireRun(ports, runId);
      await ports.ledger.postJournal(disbursementJournal(runId, requireTotals(run).net));
      await succeeded(ports, runId, StepName.Disburse, run.steps.Disburse?.startedAt ?? file.createdAt);
      return { status: file.status, checks: checks + 1, waitSeconds: 0 };
    }
    case AchStatus.Rejected:
      throw new OperationFailedError(
        'ACH_REJECTED',
        `The bank rejected the ACH file of run ${runId}: ${file.rejectionReason ?? 'no reason given'}.`,
      );
    case AchStatus.Cancelled:
      throw new OperationFailedError(
        'ACH_CANCELLED',
        `The ACH file of run ${runId} was cancelled before transmission.`,
      );
    case AchStatus.Pending: {
      const waited = (Date.parse(ports.clock.now()) - Date.parse(file.createdAt)) / 1000;
      if (waited >= BANK_CONFIRMATION_DEADLINE_SECONDS) {
        throw new OperationFailedError(
          'BANK_TIMEOUT',
          `The bank gateway did not transmit the ACH file of run ${runId} within ${BANK_CONFIRMATION_DEADLINE_SECONDS / 60} minutes (${checks + 1} checks); see payroll-ops dlq list.`,
        );
      }
      return { status: file.status, checks: checks + 1, waitSeconds: bankWait(checks + 1) };
    }
  }
}

/** One delivery message per chunk of payslips, through the outbox. */
export async function publishPayslips(ports: SagaPorts, { runId }: RunRef): Promise<{ messages: number }> {
  const run = await requireRun(ports, runId);
  const at = await started(ports, runId, StepName.PublishPayslips);
  const count = run.chunkCount ?? 0;
  for (let chunkIndex = 0; chunkIndex < count; chunkIndex++) {
    await ports.outbox.publish({
      messageId: outboxMessageId.payslips(runId, chunkIndex),
      runId,
      queue: 'payslip-delivery',
      body: { runId, chunkIndex },
      createdAt: at,
    });
  }
  await succeeded(ports, runId, StepName.PublishPayslips, at);
  return { messages: count };
}

/** Each payslip's amounts as they count towards its employee's year. */
export function ytdContributions(
  run: RunRecord,
  payslips: readonly PayslipRecord[],
): Map<string, YtdBalances> {
  return new Map(
    payslips.filter((p) => p.runId === run.runId).map((p) => [p.employeeId, payslipContribution(p.amounts)]),
  );
}

/**
 * Adds the run's payslips to the year-to-date ledger (once per employee, whatever the retries),
 * completes the run, then lets the employer's next run start.
 */
export async function closeRun(ports: SagaPorts, { runId }: RunRef): Promise<{ status: RunStatus }> {
  const run = await requireRun(ports, runId);
  const at = await started(ports, runId, StepName.CloseRun);
  const payslips = await ports.payslips.listPayslips(runId);
  await ports.ytd.apply(run.employerId, run.period.taxYear, runId, ytdContributions(run, payslips));
  await succeeded(ports, runId, StepName.CloseRun, at);
  await ports.runs.updateRun(runId, { status: RunStatus.Completed, endedAt: ports.clock.now() });
  await releaseEmployer(ports, run.employerId, runId);
  return { status: RunStatus.Completed };
}
