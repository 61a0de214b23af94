/** Employees as `employees list` and `employees show` print them: accounts masked, amounts as decimals. */
import { maskAccount } from '../../core/mask.js';
import { formatCents, formatCentsGrouped } from '../../core/money.js';
import type { Employee, YtdBalances } from '../../core/roster.js';
import { renderTable } from './tables.js';

export function employeeJson(employee: Employee) {
  return {
    employeeId: employee.employeeId,
    name: employee.name,
    payType: employee.payType,
    payFrequency: employee.payFrequency,
    filingStatus: employee.filingStatus,
    annualSalary: employee.annualSalary === undefined ? null : formatCents(employee.annualSalary),
    hourlyRate: employee.hourlyRate === undefined ? null : formatCents(employee.hourlyRate),
    bank: {
      routing: employee.bank.routing,
      account: maskAccount(employee.bank.account),
      accountType: employee.bank.accountType,
    },
  };
}

/** One tax year of an employee: opening balance plus every run applied, and which runs those are. */
export interface EmployeeYear {
  readonly taxYear: number;
  readonly balances: YtdBalances;
  readonly runs: readonly string[];
}

const YTD_ROWS: readonly (readonly [keyof YtdBalances, string, string])[] = [
  ['gross', 'gross', 'Gross'],
  ['federalIncomeTax', 'federalIncomeTax', 'Federal income tax'],
  ['ssWages', 'socialSecurityWages', 'Social Security wages'],
  ['socialSecurity', 'socialSecurity', 'Social Security'],
  ['medicareWages', 'medicareWages', 'Medicare wages'],
  ['medicare', 'medicare', 'Medicare'],
  ['additionalMedicare', 'additionalMedicare', 'Additional Medicare'],
  ['futaWages', 'futaWages', 'FUTA wages'],
  ['supplementalWages', 'supplementalWages', 'Supplemental wages'],
];

export function employeeDetailJson(employee: Employee, years: readonly EmployeeYear[]) {
  return {
    ...employeeJson(employee),
    ytd: Object.fromEntries(
      years.map((year) => [
        String(year.taxYear),
        {
          ...Object.fromEntries(YTD_ROWS.map(([field, key]) => [key, formatCents(year.balances[field])])),
          runs: [...year.runs],
        },
      ]),
    ),
  };
}

export function renderEmployeeDetail(employee: Employee, years: readonly EmployeeYear[]): string {
  const pay =
    employee.payType === 'salary'
      ? `${formatCentsGrouped(employee.annualSalary ?? 0)} a year`
      : `${formatCentsGrouped(employee.hourlyRate ?? 0)} an hour`;
  const header = [
    `${employee.employeeId}  ${employee.name}`,
    `${employee.payType}, ${employee.payFrequency}, ${pay}; filing ${employee.filingStatus}`,
    `bank ${employee.bank.routing} ${maskAccount(employee.bank.account)} (${employee.bank.accountType})`,
  ].join('\n');
  if (years.length === 0) return `${header}\n\nNo year-to-date balances.`;
  const table = renderTable(
    ['Year to date', ...years.map((year) => String(year.taxYear))],
    YTD_ROWS.map(([field, , label]) => [
      label,
      ...years.map((year) => formatCentsGrouped(year.balances[field])),
    ]),
    { align: ['left', ...years.map(() => 'right' as const)] },
  );
  const runs = years.map(
    (year) => `${year.taxYear}: ${year.runs.length > 0 ? year.runs.join(', ') : 'no runs'}`,
  );
  return `${header}\n\n${table}\nRuns applied\n${runs.map((line) => `  ${line}`).join('\n')}`;
}
