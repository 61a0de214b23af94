/**
 * Renderers for `payroll-ops preview`: the JSON document (the contract of issue 2, amounts as
 * strings with two decimals) and the table. Pure: they return values, the IoHost prints them.
 */
import { formatCents, formatCentsGrouped } from '../../core/money.js';
import type { PayslipAmounts, PayslipTotals } from '../../core/payroll/payslip.js';
import type { PayPeriod } from '../../core/period.js';
import type { PayRunPreview } from '../../core/saga/preview.js';
import { type Alignment, renderTable } from './tables.js';

export interface AmountsJson {
  readonly gross: string;
  readonly preTax401k: string;
  readonly preTaxSection125: string;
  readonly federalIncomeTax: string;
  readonly socialSecurity: string;
  readonly medicare: string;
  readonly additionalMedicare: string;
  readonly net: string;
  readonly employer: { readonly socialSecurity: string; readonly medicare: string; readonly futa: string };
}

export interface PreviewJson {
  readonly period: Pick<PayPeriod, 'id' | 'start' | 'end' | 'payDate' | 'frequency' | 'taxYear'>;
  readonly employees: readonly ({ readonly employeeId: string; readonly name: string } & AmountsJson)[];
  readonly totals: AmountsJson & { readonly employees: number };
}

function amountsJson(amounts: PayslipAmounts | PayslipTotals): AmountsJson {
  return {
    gross: formatCents(amounts.gross),
    preTax401k: formatCents(amounts.preTax401k),
    preTaxSection125: formatCents(amounts.preTaxSection125),
    federalIncomeTax: formatCents(amounts.federalIncomeTax),
    socialSecurity: formatCents(amounts.socialSecurity),
    medicare: formatCents(amounts.medicare),
    additionalMedicare: formatCents(amounts.additionalMedicare),
    net: formatCents(amounts.net),
    employer: {
      socialSecurity: formatCents(amounts.employer.socialSecurity),
      medicare: formatCents(amounts.employer.medicare),
      futa: formatCents(amounts.employer.futa),
    },
  };
}

export function previewJson(preview: PayRunPreview): PreviewJson {
  const { id, start, end, payDate, frequency, taxYear } = preview.period;
  return {
    period: { id, start, end, payDate, frequency, taxYear },
    employees: preview.payslips.map((payslip) => ({
      employeeId: payslip.employeeId,
      name: payslip.name,
      ...amountsJson(payslip.amounts),
    })),
    totals: { ...amountsJson(preview.totals), employees: preview.totals.employees },
  };
}

const HEAD = [
  'Employee',
  'Name',
  'Gross',
  '401(k)',
  'Sec. 125',
  'Fed. income tax',
  'Soc. Sec.',
  'Medicare',
  'Add. Medicare',
  'Net',
  'Er Soc. Sec.',
  'Er Medicare',
  'Er FUTA',
] as const;
const ALIGN: readonly Alignment[] = HEAD.map((_, at) => (at < 2 ? 'left' : 'right'));

function amountCells(amounts: PayslipAmounts | PayslipTotals): string[] {
  return [
    amounts.gross,
    amounts.preTax401k,
    amounts.preTaxSection125,
    amounts.federalIncomeTax,
    amounts.socialSecurity,
    amounts.medicare,
    amounts.additionalMedicare,
    amounts.net,
    amounts.employer.socialSecurity,
    amounts.employer.medicare,
    amounts.employer.futa,
  ].map(formatCentsGrouped);
}

/** A heading line naming the period, then one row per employee and a totals row. */
export function renderPreviewTable(preview: PayRunPreview): string {
  const { period, totals } = preview;
  const heading =
    `Pay period ${period.id} (${period.frequency}, ${period.start} to ${period.end}), ` +
    `pay date ${period.payDate}, tax year ${period.taxYear} (tables ${preview.taxTablesVersion})`;
  const rows = preview.payslips.map((payslip) => [
    payslip.employeeId,
    payslip.name,
    ...amountCells(payslip.amounts),
  ]);
  const footer = [
    ['Total', `${totals.employees} employee${totals.employees === 1 ? '' : 's'}`, ...amountCells(totals)],
  ];
  return `${heading}\n${renderTable(HEAD, rows, { align: ALIGN, footer })}`;
}
