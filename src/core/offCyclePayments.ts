/**
 * Off-cycle payments: what an unplanned run pays, exactly. The same contract is read from a CSV
 * file (paymentsParser.ts) and from the HTTP API's JSON body (paymentsValidator.ts); both run the
 * checks of PaymentsCollector, so the CLI and the API accept and refuse exactly the same payments.
 */
import type { BadInputError } from './errors.js';
import { AmountLimits } from './limits.js';
import { type Cents, formatCentsGrouped } from './money.js';

export const PaymentKind = {
  Bonus: 'bonus',
  Commission: 'commission',
  Retro: 'retro',
  Correction: 'correction',
} as const;
export type PaymentKind = (typeof PaymentKind)[keyof typeof PaymentKind];

export const PAYMENT_KINDS: readonly PaymentKind[] = Object.values(PaymentKind);

export interface OffCyclePayment {
  readonly employeeId: string;
  /** More than 0 and at most MAX_PAYMENT_AMOUNT. */
  readonly amount: Cents;
  readonly kind: PaymentKind;
}

export interface OffCyclePayments {
  /** In input order; at most one per employee and kind. */
  readonly payments: readonly OffCyclePayment[];
  /** The sum of every amount; exact, see the caps below. */
  readonly total: Cents;
  /** How many different employees are paid. */
  readonly employees: number;
}

/**
 * The caps keep every figure an exact Number: 100,000 payments of at most $10,000,000.00 (the cap
 * on any amount, src/core/limits.ts) sum to at most 10^14 cents, far below 2^53 (about 9.007 ×
 * 10^15), and one employee's payslip (at most four payments, one per kind) stays below it too.
 */
export const MAX_PAYMENTS = 100_000;
export const MAX_PAYMENT_AMOUNT = AmountLimits.amount as Cents;

/** The message for an amount over MAX_PAYMENT_AMOUNT, shown as the operator wrote it. */
export function overLimitProblem(amountText: string): string {
  return `${amountText} is over the ${formatCentsGrouped(MAX_PAYMENT_AMOUNT)} limit for one payment; split it across runs.`;
}

/** Whole digits past what parseCents reads (13): a plain decimal that long is over the cap, not malformed. */
export function isOverlongDecimal(text: string): boolean {
  const match = /^(\d+)(?:\.\d{1,2})?$/.exec(text);
  return match !== null && match[1]!.replace(/^0+(?=\d)/, '').length > 13;
}

/** A payment's fields, named as the caller's input names them (CSV column or JSON key). */
export type PaymentField = 'employeeId' | 'amount' | 'kind';

/** Where the collector reports a problem: the current entry, and how to name an earlier one. */
export interface PaymentSite {
  /** 0-based position of the current entry in the input. */
  readonly position: number;
  /** The one-line error for the current entry, naming `field` when given. */
  fail(field: PaymentField | undefined, problem: string, code: string): BadInputError;
  /** How a message names the entry at an earlier position: `row 3`, `payments[0]`. */
  nameOf(position: number): string;
}

export interface PaymentCheckOptions {
  /**
   * When given, a payment for an employee this returns false for is refused on its own row:
   * pass the employer's roster, so a typo is caught with its row rather than after the run starts.
   */
  readonly isEmployee?: (employeeId: string) => boolean;
}

/**
 * The checks shared by both inputs, applied entry by entry so the first problem names its entry.
 * Duplicates of the same employee and kind are refused: an off-cycle run exists to pay exactly
 * what it is given, and a row pasted twice is far likelier than two bonuses meant to stay apart
 * (those can be given as one row with the total). Different kinds for one employee are fine.
 */
export class PaymentsCollector {
  private readonly payments: OffCyclePayment[] = [];
  private readonly firstAt = new Map<string, number>();
  private readonly employeeIds = new Set<string>();
  private total = 0;

  constructor(private readonly options: PaymentCheckOptions = {}) {}

  add(payment: OffCyclePayment, site: PaymentSite): void {
    if (this.payments.length >= MAX_PAYMENTS) {
      throw site.fail(
        undefined,
        `more than ${MAX_PAYMENTS} payments; split them into several off-cycle runs.`,
        'TOO_MANY_PAYMENTS',
      );
    }
    const { employeeId, amount, kind } = payment;
    if (amount === 0) {
      throw site.fail(
        'amount',
        `0 for ${employeeId}; give an amount above 0, or leave the ${kind} out.`,
        'BAD_AMOUNT',
      );
    }
    if (amount > MAX_PAYMENT_AMOUNT) {
      throw site.fail('amount', overLimitProblem(formatCentsGrouped(amount)), 'AMOUNT_TOO_LARGE');
    }
    if (this.options.isEmployee !== undefined && !this.options.isEmployee(employeeId)) {
      throw site.fail(
        'employeeId',
        `${employeeId} is not on the employer's roster; check the id or import the employee first.`,
        'UNKNOWN_EMPLOYEE',
      );
    }
    const key = `${employeeId}\u0000${kind}`;
    const earlier = this.firstAt.get(key);
    if (earlier !== undefined) {
      throw site.fail(
        'kind',
        `${employeeId} already has a ${kind} payment at ${site.nameOf(earlier)}; give one ${kind} per employee with the total.`,
        'DUPLICATE_PAYMENT',
      );
    }
    this.firstAt.set(key, site.position);
    this.employeeIds.add(employeeId);
    this.payments.push(payment);
    this.total += amount;
  }

  /** The payments collected; `empty` is thrown when there are none (an off-cycle run pays something). */
  result(empty: () => BadInputError): OffCyclePayments {
    if (this.payments.length === 0) throw empty();
    return { payments: this.payments, total: this.total as Cents, employees: this.employeeIds.size };
  }
}

/** One employee's payments together, in input order: what computeSupplementalPayslip takes. */
export function paymentsByEmployee(
  payments: readonly OffCyclePayment[],
): ReadonlyMap<string, readonly OffCyclePayment[]> {
  const byEmployee = new Map<string, OffCyclePayment[]>();
  for (const payment of payments) {
    const list = byEmployee.get(payment.employeeId);
    if (list === undefined) byEmployee.set(payment.employeeId, [payment]);
    else list.push(payment);
  }
  return byEmployee;
}
