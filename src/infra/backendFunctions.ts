/**
 * Each function's size and what it may touch: the CDK app grants exactly this access (least
 * privilege) and the cost model in docs/deploy.md is computed from these timeouts and sizes.
 */
import { FunctionName, StateMachineName } from '../core/saga/functions.js';
import type { OutboxMessage } from '../core/saga/records.js';

type OutboxQueue = OutboxMessage['queue'];

export interface FunctionAccess {
  /** Reads and writes the data table (every function does: it is the source of truth). */
  readonly dataTable: boolean;
  /** Guards its effect with Powertools idempotency records. */
  readonly idempotencyTable: boolean;
  /** Publishes outbox messages to these queues. */
  readonly sendTo: readonly OutboxQueue[];
  /** Writes ACH files and the transmission log to the artifacts bucket. */
  readonly writeArtifacts: boolean;
  /** Starts executions of these state machines (and reads them back: a start whose answer was lost). */
  readonly startExecutions: readonly StateMachineName[];
  /** Receives and deletes the messages of these queues' DLQs (to send them back with `sendTo`). */
  readonly redriveDeadLetters: readonly OutboxQueue[];
}

export interface FunctionShape {
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly access: FunctionAccess;
}

const NONE: FunctionAccess = {
  dataTable: true,
  idempotencyTable: false,
  sendTo: [],
  writeArtifacts: false,
  startExecutions: [],
  redriveDeadLetters: [],
};
const GUARDED: FunctionAccess = { ...NONE, idempotencyTable: true };
/** Computes from its input alone: no table, no queue. */
const PURE: FunctionAccess = { ...NONE, dataTable: false };
const CONSUMER_QUEUES: readonly OutboxQueue[] = ['bank-gateway', 'payslip-delivery'];

/**
 * The saga's steps keep the 300 s timeout their Task states (and the in-progress expiry of their
 * idempotency records) assume. Memory buys CPU on Lambda: the steps that touch every employee of
 * a 100k run (snapshot, year-to-date roll, voiding) get more. The bank gateway reads every payslip
 * of a run and writes the NACHA file; its queue's visibility timeout equals its timeout.
 */
export const FUNCTION_SHAPES: Readonly<Record<FunctionName, FunctionShape>> = {
  [FunctionName.OpenRun]: { timeoutSeconds: 300, memoryMb: 1769, access: GUARDED },
  [FunctionName.CalculatePayChunk]: { timeoutSeconds: 300, memoryMb: 1024, access: GUARDED },
  [FunctionName.FundPayroll]: { timeoutSeconds: 300, memoryMb: 512, access: GUARDED },
  [FunctionName.PostLedger]: { timeoutSeconds: 300, memoryMb: 512, access: GUARDED },
  [FunctionName.Disburse]: {
    timeoutSeconds: 300,
    memoryMb: 512,
    access: { ...GUARDED, sendTo: ['bank-gateway'] },
  },
  [FunctionName.CheckDisbursement]: { timeoutSeconds: 300, memoryMb: 256, access: NONE },
  [FunctionName.PublishPayslips]: {
    timeoutSeconds: 300,
    memoryMb: 512,
    access: { ...GUARDED, sendTo: ['payslip-delivery'] },
  },
  [FunctionName.CloseRun]: { timeoutSeconds: 300, memoryMb: 1769, access: GUARDED },
  [FunctionName.BeginRollback]: { timeoutSeconds: 300, memoryMb: 256, access: NONE },
  // The Disburse compensation sends the REVERSAL file through the bank gateway.
  [FunctionName.Compensate]: {
    timeoutSeconds: 300,
    memoryMb: 1769,
    access: { ...GUARDED, sendTo: ['bank-gateway'] },
  },
  [FunctionName.RecordCompensationFailure]: { timeoutSeconds: 300, memoryMb: 256, access: NONE },
  [FunctionName.FinishRollback]: { timeoutSeconds: 300, memoryMb: 256, access: NONE },
  [FunctionName.BankGateway]: {
    timeoutSeconds: 120,
    memoryMb: 1769,
    access: { ...GUARDED, writeArtifacts: true },
  },
  [FunctionName.PayslipDelivery]: { timeoutSeconds: 30, memoryMb: 256, access: GUARDED },
  // API Gateway gives up on an integration after 29 s.
  [FunctionName.OffCycleApi]: {
    timeoutSeconds: 29,
    memoryMb: 512,
    access: { ...NONE, startExecutions: [StateMachineName.PayRun] },
  },
  // Reads the schedules and each employer's regular runs.
  [FunctionName.PlanPayday]: { timeoutSeconds: 120, memoryMb: 512, access: NONE },
  // The start action: validates the roster (gross-to-net for every employee), takes the locks,
  // writes the run and starts its execution. Within the payday Map's EXPRESS child (5 minutes).
  [FunctionName.StartScheduledRun]: {
    timeoutSeconds: 120,
    memoryMb: 1769,
    access: { ...NONE, startExecutions: [StateMachineName.PayRun] },
  },
  [FunctionName.ReportPayday]: { timeoutSeconds: 30, memoryMb: 256, access: PURE },
  // Every 15 minutes: DLQ messages back to their queues, failure records of the parked ones.
  [FunctionName.RedriveDeadLetters]: {
    timeoutSeconds: 300,
    memoryMb: 512,
    access: { ...NONE, sendTo: CONSUMER_QUEUES, redriveDeadLetters: CONSUMER_QUEUES },
  },
};
