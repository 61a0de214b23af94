/**
 * Supplemental wages (IRS Publication 15, section 7) paid in an off-cycle run: bonuses,
 * commissions, retroactive pay and corrections, identified separately from regular wages and
 * withheld by the optional flat-rate method. Pure, like computePayslip, and exact for any amount:
 * every figure rounds to the cent, half up, once.
 */
import { isIsoDate } from '../bankingDays.js';
import { BadInputError } from '../errors.js';
import { applyRate, type Cents } from '../money.js';
import type { OffCyclePayment } from '../offCyclePayments.js';
import type { IsoDate } from '../period.js';
import type { Employee, YtdBalances } from '../roster.js';
import type { PayslipAmounts } from './payslip.js';
import { BASIS_POINTS, type TaxTables } from './taxTables.js';

export interface SupplementalPayslipInput {
  readonly employee: Employee;
  /** This employee's payments in the run; summed into one payslip (one payment for withholding). */
  readonly payments: readonly OffCyclePayment[];
  /** Balances before this payment: earlier runs of the pay date's year plus opening balances. */
  readonly ytd: YtdBalances;
  /** Decides the tax year: wages are taxed in the year they are paid. */
  readonly payDate: IsoDate;
}

export interface SupplementalWages {
  readonly ssWages: Cents;
  readonly medicareWages: Cents;
  readonly futaWages: Cents;
  /** Every supplemental wage of this payslip (= gross); rolls into YTD `supplementalWages`. */
  readonly supplementalWages: Cents;
  /** The part withheld at the flat rate (22%): what lies below the threshold year to date. */
  readonly flatRateWages: Cents;
  /** The part withheld at the highest rate (37%): what lies above $1,000,000 year to date. */
  readonly highestRateWages: Cents;
}

/** The same amounts as a regular payslip, with the wages YTD needs for supplemental pay. */
export interface SupplementalPayslipAmounts extends PayslipAmounts {
  readonly wages: SupplementalWages;
}

/**
 * One employee's off-cycle payslip. The W-4 is not used: the flat rate is applied "without regard
 * to" it, and the 37% part is mandatory even for an employee who claims exemption. No 401(k) or
 * Section 125 deduction is taken from supplemental pay, so FICA and FUTA wages equal gross.
 */
export function computeSupplementalPayslip(
  input: SupplementalPayslipInput,
  tables: TaxTables,
): SupplementalPayslipAmounts {
  const { employee, payments, ytd, payDate } = input;
  if (!isIsoDate(payDate)) {
    throw new BadInputError('PAY_DATE_INVALID', `Pay date ${payDate} is not a date in the form YYYY-MM-DD.`);
  }
  const taxYear = Number(payDate.slice(0, 4));
  if (taxYear !== tables.taxYear) {
    throw new BadInputError(
      'TAX_YEAR_MISMATCH',
      `Pay date ${payDate} is in tax year ${taxYear} but the tax tables given are for ${tables.taxYear}.`,
    );
  }
  const gross = paymentsTotal(employee.employeeId, payments);

  const ss = tables.socialSecurity;
  const ssWages = Math.max(0, Math.min(gross, ss.wageBase - ytd.ssWages)) as Cents;
  const socialSecurity = applyRate(ssWages, ss.rateBasisPoints, BASIS_POINTS);

  const medicareWages = gross;
  const medicare = applyRate(medicareWages, tables.medicare.rateBasisPoints, BASIS_POINTS);

  // Only the part of this payment that lies above the threshold year to date.
  const additional = tables.additionalMedicare;
  const aboveAfter = ytd.medicareWages + medicareWages - additional.threshold;
  const additionalWages = Math.max(0, Math.min(aboveAfter, medicareWages)) as Cents;
  const additionalMedicare = applyRate(additionalWages, additional.rateBasisPoints, BASIS_POINTS);

  const futaWages = Math.max(0, Math.min(gross, tables.futa.wageBase - ytd.futaWages)) as Cents;
  const futa = applyRate(futaWages, tables.futa.rateBasisPoints, BASIS_POINTS);

  const rates = tables.supplemental;
  // Room left below $1M this year; a payment that crosses it is split there.
  const room = Math.max(0, rates.highestRateThreshold - ytd.supplementalWages);
  const flatRateWages = Math.min(gross, room) as Cents;
  const highestRateWages = (gross - flatRateWages) as Cents;
  const federalIncomeTax = flatRateWithholding(flatRateWages, highestRateWages, tables);

  const net = (gross - federalIncomeTax - socialSecurity - medicare - additionalMedicare) as Cents;
  return {
    gross,
    preTax401k: 0 as Cents,
    preTaxSection125: 0 as Cents,
    federalIncomeTax,
    socialSecurity,
    medicare,
    additionalMedicare,
    net,
    employer: { socialSecurity, medicare, futa },
    wages: {
      ssWages,
      medicareWages,
      futaWages,
      supplementalWages: gross,
      flatRateWages,
      highestRateWages,
    },
  };
}

/**
 * 22% × the part below the threshold + 37% × the part above, rounded once (not once per part,
 * which could differ by a cent). BigInt: the products pass 2^53 from about $24 billion.
 */
function flatRateWithholding(flatRateWages: Cents, highestRateWages: Cents, tables: TaxTables): Cents {
  const rates = tables.supplemental;
  const scaled =
    BigInt(flatRateWages) * BigInt(rates.flatRateBasisPoints) +
    BigInt(highestRateWages) * BigInt(rates.highestRateBasisPoints);
  const bp = BigInt(BASIS_POINTS);
  return Number((scaled * 2n + bp) / (2n * bp)) as Cents;
}

function paymentsTotal(employeeId: string, payments: readonly OffCyclePayment[]): Cents {
  let total = 0;
  for (const payment of payments) {
    if (payment.employeeId !== employeeId) {
      throw new BadInputError(
        'PAYMENT_EMPLOYEE_MISMATCH',
        `A ${payment.kind} payment for ${payment.employeeId} was given for employee ${employeeId}.`,
      );
    }
    if (!Number.isSafeInteger(payment.amount) || payment.amount < 0) {
      throw new BadInputError(
        'PAYMENT_AMOUNT_INVALID',
        `The ${payment.kind} payment for ${employeeId} is ${payment.amount}, not a whole number of cents of 0 or more.`,
      );
    }
    total += payment.amount;
  }
  if (!Number.isSafeInteger(total)) {
    throw new BadInputError(
      'PAYMENT_TOTAL_TOO_LARGE',
      `The payments for ${employeeId} add up to more than can be paid exactly; split them into several runs.`,
    );
  }
  return total as Cents;
}
