/**
 * Double-entry journals for a pay run. One payroll journal recognises the expense and the
 * liabilities, one disbursement journal pays the net wages out of cash, and a rollback posts a
 * mirror image of each so that every account's balance for the run returns to zero.
 */
import { BadInputError, OperationFailedError } from './errors.js';
import type { Cents } from './money.js';
import type { PayslipTotals } from './payroll/payslip.js';

export const Account = {
  WagesExpense: 'wages-expense',
  EmployerPayrollTaxExpense: 'employer-payroll-tax-expense',
  NetPayPayable: 'net-pay-payable',
  FederalIncomeTaxPayable: 'federal-income-tax-payable',
  SocialSecurityPayable: 'social-security-payable',
  MedicarePayable: 'medicare-payable',
  FutaPayable: 'futa-payable',
  Retirement401kPayable: 'retirement-401k-payable',
  BenefitsPayable: 'benefits-payable',
  Cash: 'cash',
} as const;
export type Account = (typeof Account)[keyof typeof Account];

export const JournalKind = {
  Payroll: 'payroll',
  Disbursement: 'disbursement',
  Reversal: 'reversal',
} as const;
export type JournalKind = (typeof JournalKind)[keyof typeof JournalKind];

/** One line carries either a debit or a credit; the other side is zero. */
export interface JournalLine {
  readonly account: Account;
  readonly debit: Cents;
  readonly credit: Cents;
}

export interface Journal {
  /** Deterministic, so a repeated step writes the same journal under the same key. */
  readonly id: string;
  readonly runId: string;
  readonly kind: JournalKind;
  /** For a reversal: the id of the journal it undoes. */
  readonly reverses?: string;
  readonly lines: readonly JournalLine[];
}

/** A pay run's payslip totals, flattened; the pay engine's `sumPayslips` result maps onto it field by field. */
export interface JournalInput {
  readonly gross: number;
  readonly preTax401k: number;
  readonly preTaxSection125: number;
  readonly federalIncomeTax: number;
  readonly socialSecurity: number;
  readonly medicare: number;
  readonly additionalMedicare: number;
  readonly net: number;
  readonly employerSocialSecurity: number;
  readonly employerMedicare: number;
  readonly futa: number;
}

const JOURNAL_INPUT_FIELDS: readonly (keyof JournalInput)[] = [
  'gross',
  'preTax401k',
  'preTaxSection125',
  'federalIncomeTax',
  'socialSecurity',
  'medicare',
  'additionalMedicare',
  'net',
  'employerSocialSecurity',
  'employerMedicare',
  'futa',
];

/** Flattens the pay engine's run totals into the journal builder's input. */
export function journalInputFromTotals(totals: PayslipTotals): JournalInput {
  return {
    gross: totals.gross,
    preTax401k: totals.preTax401k,
    preTaxSection125: totals.preTaxSection125,
    federalIncomeTax: totals.federalIncomeTax,
    socialSecurity: totals.socialSecurity,
    medicare: totals.medicare,
    additionalMedicare: totals.additionalMedicare,
    net: totals.net,
    employerSocialSecurity: totals.employer.socialSecurity,
    employerMedicare: totals.employer.medicare,
    futa: totals.employer.futa,
  };
}

/** Debits and credits of a journal differ: the books would not balance, so nothing may be posted. */
export class UnbalancedJournalError extends OperationFailedError {
  readonly journalId: string;
  readonly debits: Cents;
  readonly credits: Cents;

  constructor(journalId: string, debits: Cents, credits: Cents) {
    super(
      'JOURNAL_UNBALANCED',
      `Journal ${journalId} does not balance: debits ${debits} cents, credits ${credits} cents (difference ${debits - credits}).`,
      { details: { journalId, debits, credits } },
    );
    this.name = 'UnbalancedJournalError';
    this.journalId = journalId;
    this.debits = debits;
    this.credits = credits;
  }

  static isUnbalancedJournal(value: unknown): value is UnbalancedJournalError {
    return value instanceof UnbalancedJournalError;
  }
}

export function payrollJournalId(runId: string): string {
  return `${runId}-payroll`;
}

export function disbursementJournalId(runId: string): string {
  return `${runId}-disbursement`;
}

export function reversalJournalId(journalId: string): string {
  return `${journalId}-reversal`;
}

/**
 * Wages and employer taxes as expense against what the employer now owes: employees (net pay),
 * the IRS (income tax withheld, both halves of FICA, FUTA) and plan administrators (401(k),
 * Section 125 benefits). Throws UnbalancedJournalError when the totals do not add up, i.e. when
 * gross ≠ net + deductions + employee taxes.
 */
export function payrollJournal(runId: string, input: JournalInput): Journal {
  // Only the known fields: callers may pass a wider totals object (e.g. with an employee count).
  for (const field of JOURNAL_INPUT_FIELDS) requireAmount(field, input[field]);
  const employerTaxes = input.employerSocialSecurity + input.employerMedicare + input.futa;
  const journal: Journal = {
    id: payrollJournalId(runId),
    runId,
    kind: JournalKind.Payroll,
    lines: compact([
      debit(Account.WagesExpense, input.gross),
      debit(Account.EmployerPayrollTaxExpense, employerTaxes),
      credit(Account.NetPayPayable, input.net),
      credit(Account.FederalIncomeTaxPayable, input.federalIncomeTax),
      credit(Account.SocialSecurityPayable, input.socialSecurity + input.employerSocialSecurity),
      credit(Account.MedicarePayable, input.medicare + input.employerMedicare + input.additionalMedicare),
      credit(Account.FutaPayable, input.futa),
      credit(Account.Retirement401kPayable, input.preTax401k),
      credit(Account.BenefitsPayable, input.preTaxSection125),
    ]),
  };
  assertBalanced(journal);
  return journal;
}

/** Net pay leaves the bank: the liability to employees is settled from cash. */
export function disbursementJournal(runId: string, netTotal: number): Journal {
  requireAmount('netTotal', netTotal);
  return {
    id: disbursementJournalId(runId),
    runId,
    kind: JournalKind.Disbursement,
    lines: compact([debit(Account.NetPayPayable, netTotal), credit(Account.Cash, netTotal)]),
  };
}

/**
 * Cash back from an ACH reversal: the disbursement undone for the amount actually recovered — all
 * of it, or the entries the receiving banks did not return.
 */
export function disbursementReversalJournal(runId: string, recovered: number): Journal {
  requireAmount('recovered', recovered);
  return {
    id: reversalJournalId(disbursementJournalId(runId)),
    runId,
    kind: JournalKind.Reversal,
    reverses: disbursementJournalId(runId),
    // In the order of the disbursement journal's lines, mirrored.
    lines: compact([credit(Account.NetPayPayable, recovered), debit(Account.Cash, recovered)]),
  };
}

/** The mirror image of a journal: every debit becomes a credit and vice versa. */
export function reversingJournal(journal: Journal): Journal {
  return {
    id: reversalJournalId(journal.id),
    runId: journal.runId,
    kind: JournalKind.Reversal,
    reverses: journal.id,
    lines: journal.lines.map((line) => ({ account: line.account, debit: line.credit, credit: line.debit })),
  };
}

export function journalTotals(journal: Journal): { readonly debits: Cents; readonly credits: Cents } {
  let debits = 0;
  let credits = 0;
  for (const line of journal.lines) {
    debits += line.debit;
    credits += line.credit;
  }
  return { debits: debits as Cents, credits: credits as Cents };
}

export function assertBalanced(journal: Journal): void {
  const { debits, credits } = journalTotals(journal);
  if (debits !== credits) throw new UnbalancedJournalError(journal.id, debits, credits);
}

/**
 * Net balance per account over the given journals: debits positive, credits negative. Accounts
 * that any journal touched are present even when they net to zero, so a rollback check can see them.
 */
export function balancesByAccount(journals: Iterable<Journal>): Map<Account, Cents> {
  const balances = new Map<Account, Cents>();
  for (const journal of journals) {
    for (const line of journal.lines) {
      const previous = balances.get(line.account) ?? 0;
      balances.set(line.account, (previous + line.debit - line.credit) as Cents);
    }
  }
  return balances;
}

function debit(account: Account, amount: number): JournalLine {
  return { account, debit: amount as Cents, credit: 0 as Cents };
}

function credit(account: Account, amount: number): JournalLine {
  return { account, debit: 0 as Cents, credit: amount as Cents };
}

/** Zero lines carry no information and would clutter reports, so they are left out. */
function compact(lines: readonly JournalLine[]): readonly JournalLine[] {
  return lines.filter((line) => line.debit !== 0 || line.credit !== 0);
}

function requireAmount(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BadInputError(
      'JOURNAL_AMOUNT_INVALID',
      `Journal amount ${field} must be a non-negative whole number of cents, got ${value}.`,
    );
  }
}
