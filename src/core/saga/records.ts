/** What the saga stores: the records behind `status`, `verify` and every compensation. */
import type { Cents } from '../money.js';
import type { OffCyclePayment } from '../offCyclePayments.js';
import type { PayslipAmounts, PayslipTotals } from '../payroll/payslip.js';
import type { IsoDate, PayPeriod } from '../period.js';
import type { BankAccount, Employee, Timesheet, YtdBalances } from '../roster.js';
import type { CompensationStatus, RunStatus, StepName, StepStatus } from './steps.js';

export interface Employer {
  readonly employerId: string;
  readonly name: string;
  readonly fundingRouting: string;
  readonly fundingAccount: string;
  /** NACHA company identification (10 characters). */
  readonly achCompanyId: string;
}

export const RunType = { Regular: 'regular', OffCycle: 'offcycle' } as const;
export type RunType = (typeof RunType)[keyof typeof RunType];

/**
 * What an off-cycle run pays, and nothing else: the listed supplemental payments (bonuses,
 * commissions, retro pay, corrections), or the listed hours owed to hourly employees.
 */
export const OffCycleBasis = { Payments: 'payments', Hours: 'hours' } as const;
export type OffCycleBasis = (typeof OffCycleBasis)[keyof typeof OffCycleBasis];

/** The execution input: everything OpenRun needs, nothing more (the roster stays in the store). */
export interface RunRequest {
  readonly runId: string;
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly runType: RunType;
  readonly reason?: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
}

export interface StepRecord {
  readonly status: StepStatus;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: string;
}

export interface CompensationRecord {
  readonly step: StepName;
  readonly status: CompensationStatus;
  readonly at: string;
  readonly detail?: string;
}

export interface RunTotals extends PayslipTotals {
  /** Cash the employer's funding account is debited: net pay plus every tax withheld or owed. */
  readonly fundingDebit: Cents;
}

export interface RunRecord {
  readonly runId: string;
  readonly employerId: string;
  readonly period: PayPeriod;
  readonly runType: RunType;
  /** Off-cycle runs only: what they pay. */
  readonly basis?: OffCycleBasis;
  readonly reason?: string;
  readonly status: RunStatus;
  readonly requestedBy: string;
  /** The idempotency key of the request that started it: a retry finds this run, never starts another. */
  readonly requestKey?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly executionArn?: string;
  readonly taxTablesVersion?: string;
  readonly employees?: number;
  readonly chunkCount?: number;
  readonly totals?: RunTotals;
  readonly steps: Readonly<Partial<Record<StepName, StepRecord>>>;
  readonly compensations: readonly CompensationRecord[];
  readonly failure?: { readonly step: StepName; readonly error: string; readonly cause: string };
  readonly artifacts: { readonly achFile?: string; readonly reversalFile?: string };
}

/** One employee as frozen into a chunk by OpenRun: later roster edits do not change a running payroll. */
export interface EmployeeSnapshot {
  readonly employee: Employee;
  readonly ytdBefore: YtdBalances;
  readonly hours?: Timesheet;
  /** An off-cycle run's payments to this employee: the payslip pays exactly these. */
  readonly payments?: readonly OffCyclePayment[];
}

export interface ChunkSnapshot {
  readonly runId: string;
  readonly chunkIndex: number;
  readonly employees: readonly EmployeeSnapshot[];
}

/** The chunk descriptor carried by the state machine: never the roster itself. */
export interface ChunkDescriptor {
  readonly chunkIndex: number;
  readonly employees: number;
}

export const PayslipStatus = { Issued: 'ISSUED', Void: 'VOID' } as const;
export type PayslipStatus = (typeof PayslipStatus)[keyof typeof PayslipStatus];

export interface PayslipRecord {
  readonly runId: string;
  readonly employeeId: string;
  readonly name: string;
  readonly chunkIndex: number;
  readonly payDate: IsoDate;
  readonly amounts: PayslipAmounts;
  readonly ytdBefore: YtdBalances;
  readonly bank: BankAccount;
  readonly status: PayslipStatus;
}

export interface ChunkResult {
  readonly runId: string;
  readonly chunkIndex: number;
  readonly totals: PayslipTotals;
}

export const FundingKind = { Debit: 'DEBIT', Refund: 'REFUND' } as const;
export type FundingKind = (typeof FundingKind)[keyof typeof FundingKind];

export interface FundingMovement {
  readonly runId: string;
  readonly employerId: string;
  readonly kind: FundingKind;
  readonly amount: Cents;
  readonly at: string;
}

export const AchFileKind = { Credit: 'CREDIT', Reversal: 'REVERSAL' } as const;
export type AchFileKind = (typeof AchFileKind)[keyof typeof AchFileKind];

export const AchStatus = {
  /** Recorded and handed to the gateway queue; not yet at the bank. */
  Pending: 'PENDING',
  Transmitted: 'TRANSMITTED',
  Rejected: 'REJECTED',
  /** Withdrawn before transmission: the gateway will refuse to send it. */
  Cancelled: 'CANCELLED',
} as const;
export type AchStatus = (typeof AchStatus)[keyof typeof AchStatus];

/** An entry the receiving bank sent back: its money did not move (for a reversal: was not recovered). */
export interface AchReturn {
  readonly employeeId: string;
  readonly amount: Cents;
  /** The NACHA return reason code, e.g. R01 (insufficient funds), R02 (account closed). */
  readonly code: string;
}

export interface AchFileRecord {
  readonly runId: string;
  readonly kind: AchFileKind;
  readonly status: AchStatus;
  /** 1 for the first transmission; a resumed rollback resubmits a rejected reversal as the next attempt. */
  readonly attempt?: number;
  readonly effectiveDate: IsoDate;
  readonly entryCount: number;
  readonly totalAmount: Cents;
  readonly createdAt: string;
  readonly transmittedAt?: string;
  readonly artifact?: string;
  readonly rejectionReason?: string;
  /** Entries returned by the receiving banks, per employee. */
  readonly returns?: readonly AchReturn[];
}

export const DeliveryStatus = { Delivered: 'DELIVERED', Retracted: 'RETRACTED' } as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/**
 * Outbox message ids: the run id, then what the message is for — `<runId>#ach#CREDIT`,
 * `<runId>#ach#REVERSAL#2`, `<runId>#payslips#3`. Deterministic, so a step that publishes again
 * (a retry, a redrive) publishes the same message, and the store can find a message's run.
 */
export const outboxMessageId = {
  achFile: (runId: string, kind: AchFileKind, attempt = 1): string =>
    `${runId}#ach#${kind}${attempt > 1 ? `#${attempt}` : ''}`,
  payslips: (runId: string, chunkIndex: number): string => `${runId}#payslips#${chunkIndex}`,
} as const;

/** A pointer message: the queue carries ids, the store holds the data (outbox pattern). */
export interface OutboxMessage {
  readonly messageId: string;
  readonly runId: string;
  readonly queue: 'bank-gateway' | 'payslip-delivery';
  readonly body: Readonly<Record<string, unknown>>;
  readonly status: 'PENDING' | 'SENT' | 'DONE';
  readonly createdAt: string;
}
