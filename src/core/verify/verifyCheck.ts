/**
 * What `verify` compares and reports. The checks take plain data — the stored records of one run
 * plus the ACH files as parsed from disk — so they can be tested with hand-made records and run
 * the same against the local stack and AWS.
 */
import type { Journal } from '../ledger.js';
import type {
  AchFileRecord,
  ChunkSnapshot,
  FundingMovement,
  PayslipRecord,
  RunRecord,
} from '../saga/records.js';
import { RunStatus } from '../saga/steps.js';

/** One entry detail record as read back from a NACHA file (a subset of the infra parser's result). */
export interface AchEntryView {
  readonly transactionCode: string;
  readonly routing: string;
  readonly account: string;
  readonly amount: number;
  /** The employee id the file carries as individual identification. */
  readonly individualId: string;
}

/** Control totals as a file declares them. */
export interface AchControlView {
  readonly entryCount: number;
  readonly entryHash: number;
  readonly totalDebit: number;
  readonly totalCredit: number;
}

export interface AchBatchView {
  readonly companyEntryDescription: string;
  readonly entries: readonly AchEntryView[];
  readonly control: AchControlView;
}

export interface AchFileView {
  readonly batches: readonly AchBatchView[];
  readonly control: AchControlView;
}

/** An ACH file's record and, when it was transmitted, what the file on disk holds. */
export interface AchArtifact {
  readonly record: AchFileRecord;
  /** Where the transmitted file is (run.artifacts); absent before transmission. */
  readonly location?: string;
  readonly contents?: AchFileView;
  /** Why the file could not be read or parsed; set instead of `contents`. */
  readonly readError?: string;
}

export interface VerifyData {
  readonly run: RunRecord;
  /** The chunks OpenRun froze, in chunk order (empty when the run stopped before OpenRun). */
  readonly snapshots: readonly ChunkSnapshot[];
  readonly payslips: readonly PayslipRecord[];
  readonly journals: readonly Journal[];
  readonly funding: { readonly debit?: FundingMovement; readonly refund?: FundingMovement };
  readonly ach: { readonly credit?: AchArtifact; readonly reversal?: AchArtifact };
}

export const CheckName = {
  TaxTables: 'tax-tables',
  Payslips: 'payslips',
  PayslipStatus: 'payslip-status',
  RunTotals: 'run-totals',
  JournalsBalanced: 'journals-balanced',
  PayrollJournal: 'payroll-journal',
  AchControl: 'ach-control',
  AchEntries: 'ach-entries',
  Funding: 'funding',
  LedgerZero: 'ledger-zero',
  ReversingJournals: 'reversing-journals',
  FundingRefund: 'funding-refund',
  AchReversal: 'ach-reversal',
} as const;
export type CheckName = (typeof CheckName)[keyof typeof CheckName];

export interface VerifyCheck {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerifyReport {
  readonly runId: string;
  readonly status: RunStatus;
  readonly checks: readonly VerifyCheck[];
  readonly ok: boolean;
}

export function pass(name: CheckName, detail: string): VerifyCheck {
  return { name, ok: true, detail };
}

export function fail(name: CheckName, detail: string): VerifyCheck {
  return { name, ok: false, detail };
}

/** A check's verdict from its list of problems: the first few are named, the rest counted. */
export function verdict(name: CheckName, problems: readonly string[], okDetail: string): VerifyCheck {
  if (problems.length === 0) return pass(name, okDetail);
  return fail(name, summarize(problems));
}

const SHOWN_PROBLEMS = 5;

export function summarize(problems: readonly string[]): string {
  const shown = problems.slice(0, SHOWN_PROBLEMS).join('; ');
  const more = problems.length - SHOWN_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more` : shown;
}

/**
 * Statuses whose books must show a reversal of everything done. A COMPENSATION_FAILED run is
 * included on purpose: what could not be reversed is exactly what verify must report.
 */
export function isRolledBack(status: RunStatus): boolean {
  return (
    status === RunStatus.RolledBack ||
    status === RunStatus.CompensationFailed ||
    status === RunStatus.RollingBack
  );
}
