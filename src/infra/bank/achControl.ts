/** NACHA control totals, computed from entries independently of any file generator. */
import type { Cents } from '../../core/money.js';

/** Transaction codes the payroll files use; the second digit says credit (2) or debit (7). */
export const AchTransactionCode = {
  CheckingCredit: '22',
  CheckingDebit: '27',
  SavingsCredit: '32',
  SavingsDebit: '37',
} as const;
export type AchTransactionCode = (typeof AchTransactionCode)[keyof typeof AchTransactionCode];

export const AchServiceClass = {
  Mixed: '200',
  CreditsOnly: '220',
  DebitsOnly: '225',
} as const;
export type AchServiceClass = (typeof AchServiceClass)[keyof typeof AchServiceClass];

export interface AchControl {
  /** Entry detail records (the files carry no addenda, so this is also the entry/addenda count). */
  readonly entryCount: number;
  /** Sum of the first eight routing digits of every entry, only the last ten digits kept. */
  readonly entryHash: number;
  readonly totalDebit: Cents;
  readonly totalCredit: Cents;
}

export interface AchControlEntry {
  readonly transactionCode: string;
  readonly routing: string;
  readonly amount: number;
}

const ENTRY_HASH_MODULUS = 10_000_000_000;

/** Credit codes end in 1–4 (return, credit, prenote, zero-dollar), debit codes in 6–9. */
export function isCreditCode(transactionCode: string): boolean {
  const last = transactionCode.charAt(1);
  return last >= '1' && last <= '4';
}

export function computeAchControl(entries: Iterable<AchControlEntry>): AchControl {
  let entryCount = 0;
  let entryHash = 0;
  let totalDebit = 0;
  let totalCredit = 0;
  for (const entry of entries) {
    entryCount++;
    // Reduce as we go: the sum of 8-digit numbers stays exact and the kept digits are the same.
    entryHash = (entryHash + Number(entry.routing.slice(0, 8))) % ENTRY_HASH_MODULUS;
    if (isCreditCode(entry.transactionCode)) totalCredit += entry.amount;
    else totalDebit += entry.amount;
  }
  return { entryCount, entryHash, totalDebit: totalDebit as Cents, totalCredit: totalCredit as Cents };
}

export function sameControl(a: AchControl, b: AchControl): boolean {
  return (
    a.entryCount === b.entryCount &&
    a.entryHash === b.entryHash &&
    a.totalDebit === b.totalDebit &&
    a.totalCredit === b.totalCredit
  );
}
