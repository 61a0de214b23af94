/** `payroll-ops employees import|list`: the roster in the store, the same CSV format as `preview`. */
import type { Command } from 'commander';
import { maskAccount } from '../core/mask.js';
import { formatCents } from '../core/money.js';
import type { Employee } from '../core/roster.js';
import { parseRoster } from '../core/rosterParser.js';
import { employerMustExist } from '../core/saga/validateRun.js';
import { recordAudit } from './auditTrail.js';
import { type Backend, withBackend } from './backend.js';
import { contextFor } from './context.js';
import { renderTable } from './io/tables.js';
import { readInputFile } from './readInputFile.js';

export const DEFAULT_EMPLOYER = 'acme';

export function requireEmployer(backend: Backend, employerId: string): Promise<void> {
  return employerMustExist(backend.ports.roster, employerId);
}

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
      const roster = parseRoster(readInputFile('FILE', file), file);
      const counts = await withBackend(ctx, async (backend) => {
        await requireEmployer(backend, raw.employer);
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
}
