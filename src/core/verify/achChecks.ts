/**
 * The NACHA files as they left for the bank, read back from disk: the credit file's control
 * totals and entries against the payslips, and after a rollback the REVERSAL file mirroring it.
 * The entry hash is recomputed here from the payslips' routing numbers, independently of the
 * code that wrote the file.
 */
import { maskAccount } from '../mask.js';
import { formatCents } from '../money.js';
import { compensationOf } from '../saga/compensations.js';
import { AchStatus, type PayslipRecord } from '../saga/records.js';
import { RunStatus, StepName } from '../saga/steps.js';
import {
  type AchArtifact,
  type AchControlView,
  type AchEntryView,
  type AchFileView,
  CheckName,
  fail,
  pass,
  undone,
  type VerifyCheck,
  type VerifyData,
  verdict,
} from './verifyCheck.js';

export const REVERSAL_DESCRIPTION = 'REVERSAL';

const ENTRY_HASH_MODULUS = 10_000_000_000;

/** Sum of the first eight routing digits of every entry, last ten digits kept (NACHA). */
export function achEntryHash(routings: Iterable<string>): number {
  let hash = 0;
  for (const routing of routings) hash = (hash + Number(routing.slice(0, 8))) % ENTRY_HASH_MODULUS;
  return hash;
}

/** Checking 22, savings 32: the credit codes the payroll file uses. */
function creditCode(payslip: PayslipRecord): string {
  return payslip.bank.accountType === 'savings' ? '32' : '22';
}

/** A credit code's debit twin (22 → 27, 32 → 37): what a reversal entry carries. */
function debitTwin(code: string): string {
  return `${code.charAt(0)}${Number(code.charAt(1)) + 5}`;
}

/** Only employees with net pay get an ACH entry. */
function paidPayslips(data: VerifyData): PayslipRecord[] {
  return data.payslips.filter((payslip) => payslip.amounts.net > 0);
}

type FileState =
  | { readonly kind: 'file'; readonly contents: AchFileView }
  | { readonly kind: 'none'; readonly check: (name: CheckName) => VerifyCheck };

/** The transmitted credit file's contents, or the verdict when there is none to read. */
function creditFile(data: VerifyData): FileState {
  const credit = data.ach.credit;
  const completed = data.run.status === RunStatus.Completed;
  if (!credit) {
    return {
      kind: 'none',
      check: (name) =>
        completed
          ? fail(name, 'the run is COMPLETED but has no ACH credit file')
          : pass(name, 'no ACH credit file created'),
    };
  }
  if (credit.record.status !== AchStatus.Transmitted) {
    const status = credit.record.status;
    return {
      kind: 'none',
      check: (name) =>
        completed
          ? fail(name, `the run is COMPLETED but its credit file is ${status}`)
          : pass(name, `credit file ${status}: never transmitted, no file to read`),
    };
  }
  return readable(credit, 'credit');
}

function readable(artifact: AchArtifact, what: string): FileState {
  if (artifact.contents) return { kind: 'file', contents: artifact.contents };
  const reason =
    artifact.readError ??
    (artifact.location === undefined ? 'its location is not recorded on the run' : 'it was not read');
  return {
    kind: 'none',
    check: (name) => fail(name, `the transmitted ${what} file cannot be checked: ${reason}`),
  };
}

function controlDifferences(where: string, have: AchControlView, want: AchControlView): string[] {
  const differences: string[] = [];
  if (have.entryCount !== want.entryCount)
    differences.push(`${where} entry count ${have.entryCount}, expected ${want.entryCount}`);
  if (have.entryHash !== want.entryHash)
    differences.push(`${where} entry hash ${have.entryHash}, expected ${want.entryHash}`);
  if (have.totalCredit !== want.totalCredit)
    differences.push(
      `${where} total credit ${formatCents(have.totalCredit)}, expected ${formatCents(want.totalCredit)}`,
    );
  if (have.totalDebit !== want.totalDebit)
    differences.push(
      `${where} total debit ${formatCents(have.totalDebit)}, expected ${formatCents(want.totalDebit)}`,
    );
  return differences;
}

/** File and batch control records declare what the payslips say: count, entry hash, total credit. */
export function checkAchControl(data: VerifyData): VerifyCheck {
  const state = creditFile(data);
  if (state.kind === 'none') return state.check(CheckName.AchControl);
  const paid = paidPayslips(data);
  const expected: AchControlView = {
    entryCount: paid.length,
    entryHash: achEntryHash(paid.map((payslip) => payslip.bank.routing)),
    totalDebit: 0,
    totalCredit: paid.reduce((sum, payslip) => sum + payslip.amounts.net, 0),
  };
  const { contents } = state;
  const problems = controlDifferences('file control', contents.control, expected);
  const [batch, ...others] = contents.batches;
  if (!batch || others.length > 0) problems.push(`${contents.batches.length} batches, expected one`);
  else problems.push(...controlDifferences('batch control', batch.control, expected));
  const record = data.ach.credit?.record;
  if (record && record.totalAmount !== expected.totalCredit) {
    problems.push(
      `the file record says ${formatCents(record.totalAmount)}, payslips pay ${formatCents(expected.totalCredit)}`,
    );
  }
  return verdict(
    CheckName.AchControl,
    problems,
    `${expected.entryCount} entries, total ${formatCents(expected.totalCredit)}, entry hash ${expected.entryHash}`,
  );
}

function entriesById(
  entries: Iterable<AchEntryView>,
  problems: string[],
  what: string,
): Map<string, AchEntryView> {
  const byId = new Map<string, AchEntryView>();
  for (const entry of entries) {
    if (byId.has(entry.individualId)) problems.push(`${entry.individualId}: more than one ${what} entry`);
    byId.set(entry.individualId, entry);
  }
  return byId;
}

/** Each entry pays its payslip: same account (routing, number, type) and net pay; none missing or extra. */
export function checkAchEntries(data: VerifyData): VerifyCheck {
  const state = creditFile(data);
  if (state.kind === 'none') return state.check(CheckName.AchEntries);
  const problems: string[] = [];
  const entries = entriesById(
    state.contents.batches.flatMap((batch) => batch.entries),
    problems,
    'credit',
  );
  const paid = paidPayslips(data);
  for (const payslip of paid) {
    const id = payslip.employeeId;
    const entry = entries.get(id);
    entries.delete(id);
    if (!entry) {
      problems.push(`${id}: no entry for net pay ${formatCents(payslip.amounts.net)}`);
      continue;
    }
    if (entry.routing !== payslip.bank.routing || entry.account !== payslip.bank.account) {
      problems.push(
        `${id}: account ${entry.routing} ${maskAccount(entry.account)} in the file, ${payslip.bank.routing} ${maskAccount(payslip.bank.account)} on the payslip`,
      );
    }
    if (entry.transactionCode !== creditCode(payslip)) {
      problems.push(
        `${id}: transaction code ${entry.transactionCode}, ${creditCode(payslip)} for a ${payslip.bank.accountType} account`,
      );
    }
    if (entry.amount !== payslip.amounts.net) {
      problems.push(
        `${id}: ${formatCents(entry.amount)} in the file, net ${formatCents(payslip.amounts.net)} on the payslip`,
      );
    }
  }
  for (const id of entries.keys()) problems.push(`${id}: entry without a payslip paying net pay`);
  return verdict(
    CheckName.AchEntries,
    problems,
    `${paid.length} entries match their payslips (account, amount)`,
  );
}

/**
 * After a rollback the credits are undone: cancelled before transmission, rejected by the bank,
 * or mirrored by a transmitted REVERSAL file of debits — same accounts, same amounts.
 */
export function checkAchReversal(data: VerifyData): VerifyCheck {
  const { credit, reversal } = data.ach;
  if (!credit) return pass(CheckName.AchReversal, 'no ACH credit file: nothing to reverse');
  if (!undone(data, StepName.Disburse)) return unreversedCredits(data);
  switch (credit.record.status) {
    case AchStatus.Cancelled:
      return pass(CheckName.AchReversal, 'credit file CANCELLED before transmission');
    case AchStatus.Rejected:
      return pass(CheckName.AchReversal, 'credit file REJECTED by the bank: nothing was paid');
    case AchStatus.Pending:
      return fail(CheckName.AchReversal, 'credit file still PENDING: neither cancelled nor transmitted');
    case AchStatus.Transmitted:
      break;
  }
  if (!reversal) return fail(CheckName.AchReversal, 'credit file transmitted but no REVERSAL file exists');
  if (reversal.record.status !== AchStatus.Transmitted) {
    return fail(CheckName.AchReversal, `the REVERSAL file is ${reversal.record.status}, not TRANSMITTED`);
  }
  const original = readable(credit, 'credit');
  if (original.kind === 'none') return original.check(CheckName.AchReversal);
  const mirror = readable(reversal, 'reversal');
  if (mirror.kind === 'none') return mirror.check(CheckName.AchReversal);
  const returns = reversal.record.returns ?? [];
  if (returns.length > 0) {
    return fail(
      CheckName.AchReversal,
      `Disburse is recorded compensated but ${returns.length} reversal entries were returned (${returns.map((r) => r.employeeId).join(', ')})`,
    );
  }
  return verdict(
    CheckName.AchReversal,
    mirrorProblems(original.contents, mirror.contents),
    `REVERSAL file mirrors the ${original.contents.control.entryCount} credits (${formatCents(original.contents.control.totalCredit)})`,
  );
}

function mirrorProblems(original: AchFileView, mirror: AchFileView): string[] {
  const problems: string[] = [];
  for (const batch of mirror.batches) {
    if (batch.companyEntryDescription !== REVERSAL_DESCRIPTION) {
      problems.push(
        `company entry description "${batch.companyEntryDescription}", not ${REVERSAL_DESCRIPTION}`,
      );
    }
  }
  problems.push(
    ...controlDifferences('reversal control', mirror.control, {
      entryCount: original.control.entryCount,
      entryHash: original.control.entryHash,
      totalDebit: original.control.totalCredit,
      totalCredit: 0,
    }),
  );
  const debits = entriesById(
    mirror.batches.flatMap((batch) => batch.entries),
    problems,
    'reversal',
  );
  for (const credit of original.batches.flatMap((batch) => batch.entries)) {
    const id = credit.individualId;
    const debit = debits.get(id);
    debits.delete(id);
    if (!debit) {
      problems.push(`${id}: credit of ${formatCents(credit.amount)} not reversed`);
      continue;
    }
    if (
      debit.routing !== credit.routing ||
      debit.account !== credit.account ||
      debit.amount !== credit.amount ||
      debit.transactionCode !== debitTwin(credit.transactionCode)
    ) {
      problems.push(
        `${id}: reversal ${debit.transactionCode} ${maskAccount(debit.account)} ${formatCents(debit.amount)} does not mirror credit ${credit.transactionCode} ${maskAccount(credit.account)} ${formatCents(credit.amount)}`,
      );
    }
  }
  for (const id of debits.keys()) problems.push(`${id}: reversal entry without a credit`);
  return problems;
}

/**
 * The Disburse compensation has not succeeded (failed, not run, or no rollback): whatever the
 * reversal did so far must be consistent — a transmitted REVERSAL file still mirrors the credits,
 * and its returned entries are the money left with the employees.
 */
function unreversedCredits(data: VerifyData): VerifyCheck {
  const { credit, reversal } = data.ach;
  const latest = compensationOf(data.run, StepName.Disburse);
  const why = latest ? `Disburse compensation ${latest.status}` : 'no rollback reached Disburse';
  if (!reversal) return pass(CheckName.AchReversal, `credits not reversed (${why})`);
  if (reversal.record.status !== AchStatus.Transmitted) {
    return pass(
      CheckName.AchReversal,
      `REVERSAL file ${reversal.record.status}: nothing recovered yet (${why})`,
    );
  }
  if (!credit) return fail(CheckName.AchReversal, 'a REVERSAL file was transmitted without a credit file');
  const original = readable(credit, 'credit');
  if (original.kind === 'none') return original.check(CheckName.AchReversal);
  const mirror = readable(reversal, 'reversal');
  if (mirror.kind === 'none') return mirror.check(CheckName.AchReversal);
  const returns = reversal.record.returns ?? [];
  return verdict(
    CheckName.AchReversal,
    mirrorProblems(original.contents, mirror.contents),
    `REVERSAL file mirrors the credits; ${returns.length} returned by the receiving banks (${returns.map((r) => `${r.employeeId} ${r.code}`).join(', ') || 'none'}) (${why})`,
  );
}
