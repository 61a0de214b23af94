/** Pay periods: the contract shared by parsing, the pay engine and the saga. Parsing lives in periodParser.ts. */

export const PayFrequency = {
  Weekly: 'weekly',
  Biweekly: 'biweekly',
  Semimonthly: 'semimonthly',
  Monthly: 'monthly',
} as const;
export type PayFrequency = (typeof PayFrequency)[keyof typeof PayFrequency];

export const PAY_FREQUENCIES: readonly PayFrequency[] = Object.values(PayFrequency);

export const PERIODS_PER_YEAR: Readonly<Record<PayFrequency, number>> = {
  weekly: 52,
  biweekly: 26,
  semimonthly: 24,
  monthly: 12,
};

/** An ISO calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

export interface PayPeriod {
  /** Canonical id as the operator typed it in normal form: `2026-03`, `2026-03-1`, `2026-W09`, `2026-03-02..2026-03-15`. */
  readonly id: string;
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly frequency: PayFrequency;
  readonly payDate: IsoDate;
  /** The tax year is the pay date's year. */
  readonly taxYear: number;
}
