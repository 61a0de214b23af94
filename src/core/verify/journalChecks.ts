/**
 * The run's books: every journal balanced, the payroll and disbursement journals equal to the
 * totals, and after a rollback a mirror-image journal for each one so every account nets to zero.
 */
import { describeError } from '../errors.js';
import {
  Account,
  balancesByAccount,
  disbursementJournal,
  disbursementJournalId,
  disbursementReversalJournal,
  type Journal,
  JournalKind,
  journalInputFromTotals,
  journalTotals,
  payrollJournal,
  payrollJournalId,
  reversingJournal,
} from '../ledger.js';
import { formatCents } from '../money.js';
import { AchStatus } from '../saga/records.js';
import { RunStatus, StepName } from '../saga/steps.js';
import { CheckName, fail, pass, undone, type VerifyCheck, type VerifyData, verdict } from './verifyCheck.js';

export function checkJournalsBalanced(data: VerifyData): VerifyCheck {
  if (data.journals.length === 0) return pass(CheckName.JournalsBalanced, 'no journals posted');
  const problems: string[] = [];
  for (const journal of data.journals) {
    const { debits, credits } = journalTotals(journal);
    if (debits !== credits) {
      problems.push(`${journal.id}: debits ${formatCents(debits)}, credits ${formatCents(credits)}`);
    }
  }
  return verdict(CheckName.JournalsBalanced, problems, `${data.journals.length} journals balance`);
}

/** Account by account: "cash 0.00 posted, -1234.56 expected". */
function journalDifferences(posted: Journal, expected: Journal, source = 'from totals'): string[] {
  const have = balancesByAccount([posted]);
  const want = balancesByAccount([expected]);
  const accounts = new Set([...have.keys(), ...want.keys()]);
  const differences: string[] = [];
  for (const account of accounts) {
    const a = have.get(account) ?? 0;
    const b = want.get(account) ?? 0;
    if (a !== b) differences.push(`${account} ${formatCents(a)} posted, ${formatCents(b)} ${source}`);
  }
  return differences;
}

/** The payroll journal is the one the totals give; the disbursement journal pays out net pay. */
export function checkPayrollJournal(data: VerifyData): VerifyCheck {
  const { run, journals } = data;
  const payroll = journals.find((journal) => journal.id === payrollJournalId(run.runId));
  const disbursement = journals.find((journal) => journal.id === disbursementJournalId(run.runId));
  const completed = run.status === RunStatus.Completed;
  const problems: string[] = [];
  if (!payroll) {
    if (completed) problems.push('the run is COMPLETED but has no payroll journal');
  } else if (!run.totals) {
    problems.push('a payroll journal is posted but the run has no totals');
  } else {
    try {
      const expected = payrollJournal(run.runId, journalInputFromTotals(run.totals));
      problems.push(...journalDifferences(payroll, expected).map((d) => `${payroll.id}: ${d}`));
    } catch (error) {
      problems.push(`the run totals give no valid payroll journal: ${describeError(error)}`);
    }
  }
  if (!disbursement) {
    // A rolled-back run may have had its credits transmitted and reversed before the journal was due.
    if (completed) problems.push('the run is COMPLETED but has no disbursement journal');
  } else if (run.totals) {
    const expected = disbursementJournal(run.runId, run.totals.net);
    problems.push(...journalDifferences(disbursement, expected).map((d) => `${disbursement.id}: ${d}`));
  }
  if (problems.length > 0) return fail(CheckName.PayrollJournal, problems.join('; '));
  if (!payroll) return pass(CheckName.PayrollJournal, 'no payroll journal posted');
  const wages = balancesByAccount([payroll]).get(Account.WagesExpense) ?? 0;
  return pass(
    CheckName.PayrollJournal,
    `payroll journal equals the totals (wages ${formatCents(wages)})${
      disbursement ? `; disbursement pays net ${formatCents(run.totals?.net ?? 0)}` : ''
    }`,
  );
}

/** After a rollback every account the run touched is back to zero. */
export function checkLedgerZero(data: VerifyData): VerifyCheck {
  const balances = balancesByAccount(data.journals);
  if (balances.size === 0) return pass(CheckName.LedgerZero, 'no journals posted');
  const problems = [...balances]
    .filter(([, balance]) => balance !== 0)
    .map(([account, balance]) => `${account} ${formatCents(balance)}`);
  return verdict(
    CheckName.LedgerZero,
    problems,
    `${balances.size} accounts net to zero over ${data.journals.length} journals`,
  );
}

/**
 * Each journal is reversed exactly when its step was undone: the payroll journal once PostLedger
 * is compensated, the disbursement journal by the cash a transmitted ACH reversal recovered (all
 * of it, or what the receiving banks did not return). No reversal is orphaned.
 */
export function checkReversingJournals(data: VerifyData): VerifyCheck {
  const { run, journals } = data;
  const originals = journals.filter((journal) => journal.kind !== JournalKind.Reversal);
  const reversals = journals.filter((journal) => journal.kind === JournalKind.Reversal);
  const problems: string[] = [];
  const reversed: string[] = [];
  for (const original of originals) {
    const reversal = reversals.find((journal) => journal.reverses === original.id);
    let expected: Journal | undefined;
    if (original.id === disbursementJournalId(run.runId)) {
      const recovered = recoveredByReversal(data);
      if (recovered > 0) expected = disbursementReversalJournal(run.runId, recovered);
    } else if (undone(data, StepName.PostLedger)) {
      expected = reversingJournal(original);
    }
    if (!expected) {
      if (reversal) problems.push(`${reversal.id} is posted but ${original.id} was not undone`);
      continue;
    }
    if (!reversal) {
      problems.push(`${original.id}: no reversing journal`);
      continue;
    }
    reversed.push(original.kind);
    problems.push(...journalDifferences(reversal, expected, 'expected').map((d) => `${reversal.id}: ${d}`));
  }
  for (const reversal of reversals) {
    if (!originals.some((journal) => journal.id === reversal.reverses)) {
      problems.push(`${reversal.id} reverses ${reversal.reverses ?? 'nothing'}, which is not posted`);
    }
  }
  if (reversed.length === 0 && problems.length === 0) {
    return pass(CheckName.ReversingJournals, 'no journal reversed, none due');
  }
  return verdict(
    CheckName.ReversingJournals,
    problems,
    `${reversed.length} journals reversed (${reversed.join(', ')})`,
  );
}

/** Cash a transmitted ACH reversal brought back: its total less the entries returned. */
function recoveredByReversal(data: VerifyData): number {
  const record = data.ach.reversal?.record;
  if (record?.status !== AchStatus.Transmitted) return 0;
  return record.totalAmount - (record.returns ?? []).reduce((sum, r) => sum + r.amount, 0);
}
