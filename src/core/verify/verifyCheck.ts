/**
 * What `verify` compares and reports. The checks take plain data — the stored records of one run
 * plus the ACH files as parsed from disk — so they can be tested with hand-made records and run
 * the same against the local stack and AWS.
 */
import type { Journal } from '../ledger.js';
import type { YtdBalances } from '../roster.js';
import { compensationOf } from '../saga/compensations.js';
import type {
  AchFileRecord,
  ChunkSnapshot,
  FundingMovement,
  PayslipRecord,
  RunRecord,
} from '../saga/records.js';
import { CompensationStatus, RunStatus, type StepName } from '../saga/steps.js';
import type { YtdEntry } from '../ytd.js';

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

/** A run of the same employer and tax year, and what it added to each employee's year. */
export interface YtdRunContribution {
  readonly runId: string;
  /**
   * `held`: the ledger must hold it (closed, payslips not voided); `uncertain`: CloseRun began but
   * did not finish, so it may or may not have been added yet.
   */
  readonly state: 'held' | 'uncertain';
  readonly contributions: ReadonlyMap<string, YtdBalances>;
}

/** What the year-to-date check compares for the run's employees. */
export interface YtdVerifyData {
  readonly taxYear: number;
  /** The opening balance each employee of the run has for the tax year (zero when none). */
  readonly openings: ReadonlyMap<string, YtdBalances>;
  readonly entries: ReadonlyMap<string, YtdEntry>;
  /** The employer's runs of the tax year that may be in the ledger, this one included. */
  readonly runs: readonly YtdRunContribution[];
}

export interface VerifyData {
  readonly run: RunRecord;
  /** The chunks OpenRun froze, in chunk order (empty when the run stopped before OpenRun). */
  readonly snapshots: readonly ChunkSnapshot[];
  readonly payslips: readonly PayslipRecord[];
  readonly journals: readonly Journal[];
  readonly funding: { readonly debit?: FundingMovement; readonly refund?: FundingMovement };
  readonly ach: { readonly credit?: AchArtifact; readonly reversal?: AchArtifact };
  /** Absent when the caller did not gather the ledger (unit tests of other checks). */
  readonly ytd?: YtdVerifyData;
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
  CompensationOrder: 'compensation-order',
  Ytd: 'ytd',
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

/** A rollback has begun for the run: its undo-side checks apply. */
export function rollbackBegan(data: VerifyData): boolean {
  const { status, compensations } = data.run;
  return compensations.length > 0 || status === RunStatus.RollingBack || status === RunStatus.RolledBack;
}

/**
 * Whether a step's effect has been undone (or found absent) by its compensation. A FAILED or
 * NOT_RUN compensation leaves the effect standing, which the checks then expect to find intact.
 */
export function undone(data: VerifyData, step: StepName): boolean {
  const latest = compensationOf(data.run, step);
  return (
    latest?.status === CompensationStatus.Compensated || latest?.status === CompensationStatus.NothingToUndo
  );
}
