/** The result of gross-to-net for one employee and one period. */
import type { Cents } from '../money.js';

export interface EmployerTaxes {
  readonly socialSecurity: Cents;
  readonly medicare: Cents;
  readonly futa: Cents;
}

/** The amounts a payslip shows and a run sums. */
export interface PayAmounts {
  readonly gross: Cents;
  readonly preTax401k: Cents;
  readonly preTaxSection125: Cents;
  readonly federalIncomeTax: Cents;
  readonly socialSecurity: Cents;
  readonly medicare: Cents;
  readonly additionalMedicare: Cents;
  readonly net: Cents;
  readonly employer: EmployerTaxes;
}

export interface PayslipAmounts extends PayAmounts {
  /** The wages each tax was computed on, kept so year-to-date balances can be rolled forward. */
  readonly wages: {
    readonly ssWages: Cents;
    readonly medicareWages: Cents;
    readonly futaWages: Cents;
    /** Supplemental wages (bonuses, commissions) paid by this payslip; absent on regular pay. */
    readonly supplementalWages?: Cents;
  };
}

/** A pay run's payslips summed: every amount field, plus how many payslips were summed. */
export interface PayslipTotals extends PayAmounts {
  readonly employees: number;
}
