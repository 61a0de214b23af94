/**
 * Gross-to-net for one employee and one pay period (PAYROLL.md): gross pay, pre-tax deductions,
 * federal income tax withholding, Social Security, Medicare and Additional Medicare for the
 * employee, and the employer's Social Security, Medicare and FUTA. Pure and allocation-light:
 * a pay run calls it once per employee.
 */
import { BadInputError } from '../errors.js';
import { applyRate, type Cents, divideHalfUp } from '../money.js';
import { type PayPeriod, PERIODS_PER_YEAR } from '../period.js';
import { type Employee, PayType, type Timesheet, type YtdBalances } from '../roster.js';
import type { PayslipAmounts, PayslipTotals } from './payslip.js';
import { BASIS_POINTS, type TaxTables } from './taxTables.js';
import { federalIncomeTaxWithholding } from './withholding.js';

export type { PayslipTotals } from './payslip.js';

export interface PayslipInput {
  readonly employee: Employee;
  readonly period: PayPeriod;
  /** Balances before this period: prior runs of the tax year plus the roster's opening balances. */
  readonly ytd: YtdBalances;
  /** Required for hourly employees. */
  readonly hours?: Timesheet;
}

/**
 * Computes one payslip. Every amount rounds to the cent, half up, once.
 *
 * When pay cannot cover everything, the order of priority is: Section 125 (capped at gross),
 * then the employee's FICA taxes (always covered, since they are a fraction of FICA wages), then
 * the 401(k) deferral (capped at what is left), then federal income tax withholding, which is
 * reduced so net pay never goes below zero. Withholding is the one amount the employee settles
 * on their return anyway, whereas a negative net pay cannot be paid by ACH credit.
 */
export function computePayslip(input: PayslipInput, tables: TaxTables): PayslipAmounts {
  const { employee, period, ytd } = input;
  if (employee.payFrequency !== period.frequency) {
    throw new BadInputError(
      'PAY_FREQUENCY_MISMATCH',
      `Employee ${employee.employeeId} is paid ${employee.payFrequency}, not in the ${period.frequency} period ${period.id}.`,
    );
  }
  if (period.taxYear !== tables.taxYear) {
    throw new BadInputError(
      'TAX_YEAR_MISMATCH',
      `Period ${period.id} is in tax year ${period.taxYear} but the tax tables given are for ${tables.taxYear}.`,
    );
  }
  const periodsPerYear = PERIODS_PER_YEAR[period.frequency];
  const gross = grossPay(input, periodsPerYear);

  const section125 = Math.min(employee.pretaxSection125, gross) as Cents;
  // Section 125 reduces FICA and FUTA wages; a 401(k) deferral does not.
  const ficaWages = gross - section125;

  const ss = tables.socialSecurity;
  const ssRemaining = ss.wageBase - ytd.ssWages;
  const ssWages = Math.max(0, Math.min(ficaWages, ssRemaining)) as Cents;
  const socialSecurity = applyRate(ssWages, ss.rateBasisPoints, BASIS_POINTS);

  const medicareWages = ficaWages as Cents;
  const medicare = applyRate(medicareWages, tables.medicare.rateBasisPoints, BASIS_POINTS);

  // Only the part of this period's Medicare wages that lies above the threshold year to date.
  const additional = tables.additionalMedicare;
  const aboveAfter = ytd.medicareWages + medicareWages - additional.threshold;
  const additionalWages = Math.max(0, Math.min(aboveAfter, medicareWages)) as Cents;
  const additionalMedicare = applyRate(additionalWages, additional.rateBasisPoints, BASIS_POINTS);

  const futaRemaining = tables.futa.wageBase - ytd.futaWages;
  const futaWages = Math.max(0, Math.min(ficaWages, futaRemaining)) as Cents;
  const futa = applyRate(futaWages, tables.futa.rateBasisPoints, BASIS_POINTS);

  const afterFica = ficaWages - socialSecurity - medicare - additionalMedicare;
  const requested401k = applyRate(gross, employee.pretax401kBasisPoints, BASIS_POINTS);
  const preTax401k = Math.min(requested401k, afterFica) as Cents;

  const incomeTaxWages = (ficaWages - preTax401k) as Cents;
  const withholding = federalIncomeTaxWithholding(
    incomeTaxWages,
    periodsPerYear,
    employee.filingStatus,
    employee.w4,
    tables,
  );
  const beforeIncomeTax = afterFica - preTax401k;
  const federalIncomeTax = Math.min(withholding, beforeIncomeTax) as Cents;

  return {
    gross,
    preTax401k,
    preTaxSection125: section125,
    federalIncomeTax,
    socialSecurity,
    medicare,
    additionalMedicare,
    net: (beforeIncomeTax - federalIncomeTax) as Cents,
    employer: { socialSecurity, medicare, futa },
    wages: { ssWages, medicareWages, futaWages },
  };
}

function grossPay(input: PayslipInput, periodsPerYear: number): Cents {
  const { employee, hours } = input;
  if (employee.payType === PayType.Salary) {
    if (employee.annualSalary === undefined) {
      throw new BadInputError(
        'SALARY_MISSING',
        `Salaried employee ${employee.employeeId} has no annual salary.`,
      );
    }
    return divideHalfUp(employee.annualSalary, periodsPerYear) as Cents;
  }
  const rate = employee.hourlyRate;
  if (rate === undefined) {
    throw new BadInputError(
      'HOURLY_RATE_MISSING',
      `Hourly employee ${employee.employeeId} has no hourly rate.`,
    );
  }
  if (hours === undefined) {
    throw new BadInputError(
      'HOURS_MISSING',
      `Hourly employee ${employee.employeeId} (${employee.name}) has no hours in the timesheet; add a row for ${employee.employeeId}.`,
    );
  }
  if (hours.employeeId !== employee.employeeId) {
    throw new BadInputError(
      'HOURS_MISMATCH',
      `Hours for ${hours.employeeId} were given for employee ${employee.employeeId}.`,
    );
  }
  // Hours are hundredths and overtime pays 1.5×: gross = rate × (2·regular + 3·overtime) / 200,
  // rounded once.
  const units = 2 * hours.regularHundredths + 3 * hours.overtimeHundredths;
  const product = rate * units;
  if (Number.isSafeInteger(product)) return divideHalfUp(product, 200) as Cents;
  const exact = BigInt(rate) * BigInt(units);
  return Number((exact * 2n + 200n) / 400n) as Cents;
}

/** Sums payslips into run totals (every amount field, plus the number of employees). */
export function sumPayslips(payslips: Iterable<PayslipAmounts>): PayslipTotals {
  let gross = 0;
  let preTax401k = 0;
  let preTaxSection125 = 0;
  let federalIncomeTax = 0;
  let socialSecurity = 0;
  let medicare = 0;
  let additionalMedicare = 0;
  let net = 0;
  let employerSocialSecurity = 0;
  let employerMedicare = 0;
  let futa = 0;
  let employees = 0;
  for (const p of payslips) {
    gross += p.gross;
    preTax401k += p.preTax401k;
    preTaxSection125 += p.preTaxSection125;
    federalIncomeTax += p.federalIncomeTax;
    socialSecurity += p.socialSecurity;
    medicare += p.medicare;
    additionalMedicare += p.additionalMedicare;
    net += p.net;
    employerSocialSecurity += p.employer.socialSecurity;
    employerMedicare += p.employer.medicare;
    futa += p.employer.futa;
    employees++;
  }
  return {
    gross: gross as Cents,
    preTax401k: preTax401k as Cents,
    preTaxSection125: preTaxSection125 as Cents,
    federalIncomeTax: federalIncomeTax as Cents,
    socialSecurity: socialSecurity as Cents,
    medicare: medicare as Cents,
    additionalMedicare: additionalMedicare as Cents,
    net: net as Cents,
    employer: {
      socialSecurity: employerSocialSecurity as Cents,
      medicare: employerMedicare as Cents,
      futa: futa as Cents,
    },
    employees,
  };
}
