/**
 * The bank gateway: takes an ACH file pointer off the queue, writes the NACHA file from the stored
 * payslips and "transmits" it exactly once — the PENDING → TRANSMITTED transition is conditional,
 * so a message delivered twice transmits one file, and a cancelled file is never sent.
 */
import { OperationFailedError } from '../../core/errors.js';
import type { Cents } from '../../core/money.js';
import type { AchStore, Outbox, PayslipStore, RosterStore, RunStore } from '../../core/ports.js';
import { AchFileKind, type AchReturn, AchStatus, PayslipStatus } from '../../core/saga/records.js';
import { buildCreditFile, buildReversalFile } from '../bank/achFile.js';
import type { LambdaHandler } from '../resources.js';
import { type IdempotencyOptions, idempotentHandler } from './idempotency.js';
import { type FailureRecorder, sqsBatchHandler } from './sqsBatch.js';

/** Where transmitted files are kept: the data folder locally, a bucket on AWS. */
export interface ArtifactStore {
  /** Writes the artifact (same name, same content on a repeat) and returns where it is. */
  put(runId: string, name: string, text: string): Promise<string>;
  /** Appends one line to the bank's transmission log: the record of what actually left. */
  logTransmission(line: string): Promise<void>;
  /** Removes an artifact that never left (its file was cancelled while it was being written). */
  remove(runId: string, name: string): Promise<void>;
}

export interface BankGatewayDeps {
  readonly runs: RunStore;
  readonly roster: RosterStore;
  readonly payslips: PayslipStore;
  readonly ach: AchStore;
  readonly outbox: Outbox;
  readonly artifacts: ArtifactStore;
  readonly idempotency: IdempotencyOptions;
  /** Keeps each failed message's error for `payroll-ops dlq list`. */
  readonly failures?: FailureRecorder;
  readonly now: () => string;
}

export interface AchMessage {
  readonly messageId: string;
  readonly runId: string;
  readonly kind: AchFileKind;
}

/** The entries of a file as the bank sees them: who is paid (or debited) how much. */
export interface AchEntryRef {
  readonly employeeId: string;
  readonly amount: Cents;
}

/**
 * Transmits the file once. `returned` is the bank's answer about entries it sends back at once
 * (the local bank's `return` fault); they are recorded in the same write that marks the file
 * TRANSMITTED, so no one ever sees the file transmitted without them.
 */
export async function transmitAchFile(
  deps: Omit<BankGatewayDeps, 'idempotency' | 'failures'>,
  message: AchMessage,
  returned?: (entries: readonly AchEntryRef[]) => readonly AchReturn[],
): Promise<AchStatus> {
  const file = await deps.ach.getAchFile(message.runId, message.kind);
  if (!file)
    throw new OperationFailedError(
      'ACH_FILE_MISSING',
      `No ${message.kind} ACH file for run ${message.runId}.`,
    );
  if (file.status !== AchStatus.Pending) {
    await deps.outbox.markDone(message.messageId);
    return file.status;
  }
  const run = await deps.runs.getRun(message.runId);
  const employer = run ? await deps.roster.getEmployer(run.employerId) : undefined;
  if (!run || !employer) {
    throw new OperationFailedError('ACH_CONTEXT_MISSING', `Run ${message.runId} or its employer is missing.`);
  }
  const payslips = (await deps.payslips.listPayslips(message.runId)).filter(
    (p) => message.kind === AchFileKind.Reversal || p.status === PayslipStatus.Issued,
  );
  const input = {
    employer: {
      name: employer.name,
      achCompanyId: employer.achCompanyId,
      fundingRouting: employer.fundingRouting,
    },
    effectiveDate: file.effectiveDate,
    fileCreationDate: file.createdAt.slice(0, 10),
    entries: payslips
      .filter((p) => p.amounts.net > 0)
      .map((p) => ({
        employeeId: p.employeeId,
        name: p.name,
        routing: p.bank.routing,
        account: p.bank.account,
        accountType: p.bank.accountType,
        amount: p.amounts.net,
      })),
  };
  const built =
    message.kind === AchFileKind.Credit ? await buildCreditFile(input) : await buildReversalFile(input);
  const name = `${message.runId}-${message.kind.toLowerCase()}.ach`;
  // The file is written (atomically, under its final name) before the record says TRANSMITTED:
  // a crash in between leaves a PENDING file that the redelivery writes again, never a
  // TRANSMITTED record without its file. The content depends only on the stored records.
  const location = await deps.artifacts.put(message.runId, name, built.text);
  const transmittedAt = deps.now();
  const after = await deps.ach.transitionAchFile(
    message.runId,
    message.kind,
    [AchStatus.Pending],
    AchStatus.Transmitted,
    {
      transmittedAt,
      artifact: name,
      // The file's own count: employees whose net pay is zero get no entry.
      entryCount: built.control.entryCount,
      ...(returned ? { returns: returned(input.entries) } : {}),
    },
  );
  // Only the invocation whose transition won logs the transmission (duplicate deliveries of one
  // message are also serialised by the idempotency record on its id).
  if (after.status === AchStatus.Transmitted && after.transmittedAt === transmittedAt) {
    await deps.artifacts.logTransmission(
      `${after.transmittedAt} ${message.runId} ${message.kind} entries=${built.control.entryCount} total=${built.control.totalCredit + built.control.totalDebit} ${location}`,
    );
    await deps.runs.updateRun(message.runId, {
      artifacts: {
        ...run.artifacts,
        ...(message.kind === AchFileKind.Credit ? { achFile: location } : { reversalFile: location }),
      },
    });
  } else if (after.status === AchStatus.Cancelled || after.status === AchStatus.Rejected) {
    // The file was withdrawn meanwhile: what was written never left, so it must not lie around.
    await deps.artifacts.remove(message.runId, name);
  }
  await deps.outbox.markDone(message.messageId);
  return after.status;
}

export function createBankGatewayHandler(deps: BankGatewayDeps): LambdaHandler {
  const transmit = idempotentHandler<AchMessage, AchStatus>(
    deps.idempotency,
    'BankGateway',
    'messageId',
    (message) => transmitAchFile(deps, message),
  );
  return sqsBatchHandler<AchMessage>(async (message, _record, context) => {
    await transmit(message, context);
  }, deps.failures);
}

/** The bank refused the file: recorded so CheckDisbursement fails the step and the saga compensates. */
export async function recordRejection(
  deps: Pick<BankGatewayDeps, 'ach' | 'outbox'>,
  message: AchMessage,
  reason: string,
): Promise<void> {
  await deps.ach.transitionAchFile(message.runId, message.kind, [AchStatus.Pending], AchStatus.Rejected, {
    rejectionReason: reason,
  });
  await deps.outbox.markDone(message.messageId);
}
