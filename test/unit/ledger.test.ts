import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import {
  Account,
  assertBalanced,
  balancesByAccount,
  disbursementJournal,
  type Journal,
  type JournalInput,
  journalInputFromTotals,
  payrollJournal,
  reversingJournal,
  UnbalancedJournalError,
} from '../../src/core/ledger.js';
import type { Cents } from '../../src/core/money.js';
import type { PayslipTotals } from '../../src/core/payroll/payslip.js';

/**
 * A run with $15,000.00 gross, worked by hand:
 *   Section 125 $300.00 reduces FICA wages → FICA wages 14,700.00; 401(k) $750.00 does not.
 *   Social Security 6.2% × 14,700.00 = 911.40 each side; Medicare 1.45% × 14,700.00 = 213.15 each side;
 *   Additional Medicare 0.9% × 1,500.00 (one earner over 200k YTD) = 13.50; FUTA 0.6% × 14,700.00 = 88.20;
 *   income tax withheld 1,482.50.
 *   net = 15,000.00 − 750.00 − 300.00 − 1,482.50 − 911.40 − 213.15 − 13.50 = 11,329.45
 */
const RUN = 'acme-2026-03-regular';
const TOTALS: JournalInput = {
  gross: 1_500_000,
  preTax401k: 75_000,
  preTaxSection125: 30_000,
  federalIncomeTax: 148_250,
  socialSecurity: 91_140,
  medicare: 21_315,
  additionalMedicare: 1_350,
  net: 1_132_945,
  employerSocialSecurity: 91_140,
  employerMedicare: 21_315,
  futa: 8_820,
};

const c = (value: number) => value as Cents;

describe('payrollJournal', () => {
  it('debits wages and employer taxes and credits every liability, balancing to the cent', () => {
    const journal = payrollJournal(RUN, TOTALS);

    expect(journal).toEqual({
      id: `${RUN}-payroll`,
      runId: RUN,
      kind: 'payroll',
      lines: [
        { account: Account.WagesExpense, debit: c(1_500_000), credit: c(0) },
        // 911.40 + 213.15 + 88.20
        { account: Account.EmployerPayrollTaxExpense, debit: c(121_275), credit: c(0) },
        { account: Account.NetPayPayable, debit: c(0), credit: c(1_132_945) },
        { account: Account.FederalIncomeTaxPayable, debit: c(0), credit: c(148_250) },
        // employee + employer 911.40
        { account: Account.SocialSecurityPayable, debit: c(0), credit: c(182_280) },
        // 213.15 + 213.15 + 13.50
        { account: Account.MedicarePayable, debit: c(0), credit: c(43_980) },
        { account: Account.FutaPayable, debit: c(0), credit: c(8_820) },
        { account: Account.Retirement401kPayable, debit: c(0), credit: c(75_000) },
        { account: Account.BenefitsPayable, debit: c(0), credit: c(30_000) },
      ],
    });
    const debits = journal.lines.reduce((sum, line) => sum + line.debit, 0);
    const credits = journal.lines.reduce((sum, line) => sum + line.credit, 0);
    expect(debits).toBe(1_621_275);
    expect(credits).toBe(1_621_275);
  });

  it('omits accounts with nothing to post', () => {
    const journal = payrollJournal(RUN, {
      ...TOTALS,
      preTax401k: 0,
      additionalMedicare: 0,
      futa: 0,
      net: TOTALS.net + 75_000 + 1_350,
    });
    const accounts = journal.lines.map((line) => line.account);
    expect(accounts).not.toContain(Account.Retirement401kPayable);
    expect(accounts).not.toContain(Account.FutaPayable);
    expect(journal.lines.find((line) => line.account === Account.MedicarePayable)?.credit).toBe(42_630);
  });

  it('refuses totals where gross does not equal net plus deductions and taxes', () => {
    const error = catchError(() => payrollJournal(RUN, { ...TOTALS, net: TOTALS.net + 1 }));
    expect(error).toBeInstanceOf(UnbalancedJournalError);
    expect(error).toMatchObject({
      code: 'JOURNAL_UNBALANCED',
      kind: 'operation-failed',
      debits: 1_621_275,
      credits: 1_621_276,
    });
  });

  it('refuses negative or fractional amounts', () => {
    expect(() => payrollJournal(RUN, { ...TOTALS, futa: -1 })).toThrow(BadInputError);
    expect(() => payrollJournal(RUN, { ...TOTALS, gross: 1_500_000.5 })).toThrow(BadInputError);
  });

  it("accepts the pay engine's run totals", () => {
    const totals: PayslipTotals = {
      gross: c(TOTALS.gross),
      preTax401k: c(TOTALS.preTax401k),
      preTaxSection125: c(TOTALS.preTaxSection125),
      federalIncomeTax: c(TOTALS.federalIncomeTax),
      socialSecurity: c(TOTALS.socialSecurity),
      medicare: c(TOTALS.medicare),
      additionalMedicare: c(TOTALS.additionalMedicare),
      net: c(TOTALS.net),
      employer: { socialSecurity: c(91_140), medicare: c(21_315), futa: c(8_820) },
      employees: 3,
    };
    expect(payrollJournal(RUN, journalInputFromTotals(totals))).toEqual(payrollJournal(RUN, TOTALS));
  });
});

describe('assertBalanced', () => {
  it('rejects a hand-made journal whose sides differ', () => {
    const journal: Journal = {
      id: 'j1',
      runId: RUN,
      kind: 'disbursement',
      lines: [
        { account: Account.NetPayPayable, debit: c(100), credit: c(0) },
        { account: Account.Cash, debit: c(0), credit: c(99) },
      ],
    };
    expect(() => assertBalanced(journal)).toThrow(UnbalancedJournalError);
  });
});

describe('rollback', () => {
  it('leaves every account of the run at zero after reversing payroll and disbursement', () => {
    const payroll = payrollJournal(RUN, TOTALS);
    const disbursement = disbursementJournal(RUN, TOTALS.net);

    const posted = balancesByAccount([payroll, disbursement]);
    expect(posted.get(Account.NetPayPayable)).toBe(0);
    expect(posted.get(Account.Cash)).toBe(-1_132_945);
    expect(posted.get(Account.WagesExpense)).toBe(1_500_000);

    // Compensations run in reverse order.
    const reversals = [reversingJournal(disbursement), reversingJournal(payroll)];
    for (const reversal of reversals) assertBalanced(reversal);
    const after = balancesByAccount([payroll, disbursement, ...reversals]);

    expect([...after.keys()].sort()).toEqual(Object.values(Account).sort());
    for (const [account, balance] of after) expect({ account, balance }).toEqual({ account, balance: 0 });
  });

  it('derives reversal ids from the journal they undo, so a repeated compensation writes the same record', () => {
    const payroll = payrollJournal(RUN, TOTALS);
    const reversal = reversingJournal(payroll);
    expect(reversal).toMatchObject({ id: `${RUN}-payroll-reversal`, kind: 'reversal', reverses: payroll.id });
    expect(reversingJournal(payroll)).toEqual(reversal);
    expect(reversal.lines[0]).toEqual({ account: Account.WagesExpense, debit: 0, credit: 1_500_000 });
    expect(disbursementJournal(RUN, 10).id).toBe(`${RUN}-disbursement`);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
