/** `payroll-ops employees import|list`: the roster in the store, the same CSV format as `preview`. */
import type { Command } from 'commander';
import { BadInputError } from '../core/errors.js';
import { Limits } from '../core/limits.js';
import { maskAccount } from '../core/mask.js';
import { formatCents } from '../core/money.js';
import { AVAILABLE_TAX_YEARS } from '../core/payroll/taxTables.js';
import type { Employee } from '../core/roster.js';
import { parseRoster } from '../core/rosterParser.js';
import { employerMustExist } from '../core/saga/validateRun.js';
import { changedOpeningYears, ytdBeforeRun } from '../core/ytd.js';
import { recordAudit } from './auditTrail.js';
import { type Backend, withBackend } from './backend.js';
import { contextFor } from './context.js';
import {
  type EmployeeYear,
  employeeDetailJson,
  employeeJson,
  renderEmployeeDetail,
} from './io/employeeRender.js';
import { renderTable } from './io/tables.js';
import { readInputFile } from './readInputFile.js';

export const DEFAULT_EMPLOYER = 'acme';

export function requireEmployer(backend: Backend, employerId: string): Promise<void> {
  return employerMustExist(backend.ports.roster, employerId);
}

export function registerEmployees(program: Command): void {
  const employees = program.command('employees').description("manage an employer's roster in the store");
  employees
    .command('import <file>')
    .description('import a roster CSV (the preview format); re-importing upserts by employee_id')
    .option('--employer <id>', 'employer the roster belongs to', DEFAULT_EMPLOYER)
    .addHelpText('after', '\nExample:\n  $ payroll-ops employees import examples/roster.csv --employer acme')
    .action(async (file: string, raw: { employer: string }, command: Command) => {
      const ctx = contextFor(command);
      // Parse and validate everything before touching the store: bad input writes nothing.
      // Opening balances without a ytd_tax_year belong to the year of the import.
      const roster = parseRoster(readInputFile('FILE', file), file, {
        defaultTaxYear: new Date().getUTCFullYear(),
      });
      const counts = await withBackend(ctx, async (backend) => {
        await requireEmployer(backend, raw.employer);
        const existing = await refuseOverLimit(backend, raw.employer, roster);
        await refusePaidOpeningChanges(backend, raw.employer, file, existing, roster);
        const result = await backend.ports.roster.upsertEmployees(raw.employer, roster);
        await recordAudit(ctx, backend, {
          action: 'employees.import',
          details: { employer: raw.employer, file, ...result },
        });
        return result;
      });
      const result = { employer: raw.employer, file, ...counts, total: roster.length };
      if (ctx.io.json) ctx.io.dataJson(result);
      else
        ctx.io.success(
          `Imported ${roster.length} employees for ${raw.employer}: ${counts.created} created, ${counts.updated} updated.`,
        );
    });
  employees
    .command('list')
    .description("list an employer's employees (bank accounts masked)")
    .option('--employer <id>', 'employer', DEFAULT_EMPLOYER)
    .addHelpText('after', '\nExample:\n  $ payroll-ops employees list --employer acme --output json')
    .action(async (raw: { employer: string }, command: Command) => {
      const ctx = contextFor(command);
      const list = await withBackend(ctx, async (backend) => {
        await requireEmployer(backend, raw.employer);
        return backend.ports.roster.listEmployees(raw.employer);
      });
      if (ctx.io.json) {
        ctx.io.dataJson({ employer: raw.employer, employees: list.map(employeeJson) });
        return;
      }
      ctx.io.data(
        renderTable(
          ['Employee', 'Name', 'Pay', 'Frequency', 'Filing status', 'Bank account'],
          list.map((e) => [
            e.employeeId,
            e.name,
            e.payType === 'salary'
              ? `${formatCents(e.annualSalary ?? 0)}/yr`
              : `${formatCents(e.hourlyRate ?? 0)}/h`,
            e.payFrequency,
            e.filingStatus,
            `${maskAccount(e.bank.account)} (${e.bank.accountType})`,
          ]),
        ),
      );
      ctx.io.info(`${list.length} employees.`);
    });
  employees
    .command('show <id>')
    .description('one employee with year-to-date balances per tax year and the runs applied to them')
    .option('--employer <id>', 'employer', DEFAULT_EMPLOYER)
    .addHelpText('after', '\nExample:\n  $ payroll-ops employees show E0001 --employer acme --output json')
    .action(async (employeeId: string, raw: { employer: string }, command: Command) => {
      const ctx = contextFor(command);
      const { employee, years } = await withBackend(ctx, async (backend) => {
        await requireEmployer(backend, raw.employer);
        const found = await backend.ports.roster.getEmployee(raw.employer, employeeId);
        if (!found) {
          throw new BadInputError(
            'EMPLOYEE_NOT_FOUND',
            `Employee ${employeeId} is not on employer ${raw.employer}'s roster; see payroll-ops employees list --employer ${raw.employer}.`,
          );
        }
        return { employee: found, years: await employeeYears(backend, raw.employer, found) };
      });
      if (ctx.io.json) ctx.io.dataJson(employeeDetailJson(employee, years));
      else ctx.io.data(renderEmployeeDetail(employee, years));
    });
}

/**
 * The tax years worth showing: the year of the opening balances, the current year, and every
 * year the pay engine has tables for in which a run was applied.
 */
async function employeeYears(
  backend: Backend,
  employerId: string,
  employee: Employee,
): Promise<EmployeeYear[]> {
  const candidates = new Set([employee.openingTaxYear, new Date().getUTCFullYear(), ...AVAILABLE_TAX_YEARS]);
  const years: EmployeeYear[] = [];
  for (const taxYear of [...candidates].sort((a, b) => a - b)) {
    const entry = await backend.ports.ytd.entry(employerId, employee.employeeId, taxYear);
    const shown =
      entry !== undefined || taxYear === employee.openingTaxYear || taxYear === new Date().getUTCFullYear();
    if (!shown) continue;
    years.push({ taxYear, balances: ytdBeforeRun(employee, taxYear, entry), runs: entry?.runs ?? [] });
  }
  return years;
}

/** An import may not take an employer past the largest roster whose totals are proven exact. */
async function refuseOverLimit(
  backend: Backend,
  employerId: string,
  roster: readonly Employee[],
): Promise<readonly Employee[]> {
  if (roster.length === 0) return [];
  const existing = await backend.ports.roster.listEmployees(employerId);
  const ids = new Set(existing.map((employee) => employee.employeeId));
  for (const employee of roster) ids.add(employee.employeeId);
  if (ids.size > Limits.maxEmployees) {
    throw new BadInputError(
      'ROSTER_TOO_LARGE',
      `Employer ${employerId} would have ${ids.size.toLocaleString('en-US')} employees; the limit is ${Limits.maxEmployees.toLocaleString('en-US')}. Split the roster across employers.`,
    );
  }
  return existing;
}

/**
 * Opening balances are fixed once runs are paid on them: a re-import that changes an employee's
 * opening of a year with applied runs (other amounts, another ytd_tax_year, or the columns left
 * blank — a roster re-imported next January without ytd_tax_year moves them to the new year) would
 * silently change the year-to-date under paid runs. Refused before anything is written.
 */
async function refusePaidOpeningChanges(
  backend: Backend,
  employerId: string,
  file: string,
  existing: readonly Employee[],
  roster: readonly Employee[],
): Promise<void> {
  const stored = new Map(existing.map((employee) => [employee.employeeId, employee]));
  const changes = roster.flatMap((employee) => {
    const before = stored.get(employee.employeeId);
    return before ? changedOpeningYears(before, employee).map((year) => ({ before, year })) : [];
  });
  const years = [...new Set(changes.map((change) => change.year))];
  const ledgers = new Map(
    await Promise.all(
      years.map(async (year) => [year, await backend.ports.ytd.entries(employerId, year)] as const),
    ),
  );
  for (const { before, year } of changes) {
    const runs = ledgers.get(year)?.get(before.employeeId)?.runs ?? [];
    if (runs.length === 0) continue;
    const kept =
      before.openingTaxYear === year
        ? `keep ytd_tax_year ${year} and the ytd_ amounts stored now on its row`
        : `leave its opening balances in ${before.openingTaxYear} (ytd_tax_year ${before.openingTaxYear})`;
    throw new BadInputError(
      'OPENING_BALANCES_PAID_ON',
      `${file}: ${before.employeeId}'s ${year} opening balances would change, but ${runs.length} run(s) of ${year} (${runs[0]}…) were paid on them; ${kept} (payroll-ops employees show ${before.employeeId} --employer ${employerId}), or leave the employee out of the file.`,
    );
  }
}
