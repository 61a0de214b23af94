/** `payroll-ops employer set ID ...`: the employer whose funding account pays a run and whose ACH id signs its files. */
import type { Command } from 'commander';
import { validateRouting } from '../core/aba.js';
import { BadInputError } from '../core/errors.js';
import { checkEmployerId } from '../core/limits.js';
import { maskAccount } from '../core/mask.js';
import type { Employer } from '../core/saga/records.js';
import { recordAudit } from './auditTrail.js';
import { withBackend } from './backend.js';
import { contextFor } from './context.js';

export function parseEmployer(id: string, raw: Record<string, string | undefined>): Employer {
  checkEmployerId(id, 'Employer id');
  const name = raw.name?.trim() ?? '';
  if (name.length === 0 || name.length > 23) {
    throw new BadInputError(
      'BAD_EMPLOYER_NAME',
      '--name must be 1–23 characters (the NACHA company name field).',
    );
  }
  const routing = raw.fundingRouting ?? '';
  if (!validateRouting(routing)) {
    throw new BadInputError(
      'BAD_FUNDING_ROUTING',
      `--funding-routing ${routing}: not a nine-digit routing number with an assigned prefix (01–12, 21–32, 61–72, 80) and a valid ABA check digit; correct it.`,
    );
  }
  const account = raw.fundingAccount ?? '';
  if (!/^\d{4,17}$/.test(account)) {
    throw new BadInputError('BAD_FUNDING_ACCOUNT', '--funding-account must be 4–17 digits; correct it.');
  }
  const achCompanyId = raw.achCompanyId ?? '';
  if (!/^\d{10}$/.test(achCompanyId)) {
    throw new BadInputError(
      'BAD_ACH_COMPANY_ID',
      `--ach-company-id ${achCompanyId}: must be 10 digits (often 1 followed by the EIN); correct it.`,
    );
  }
  return { employerId: id, name, fundingRouting: routing, fundingAccount: account, achCompanyId };
}

export function employerJson(employer: Employer) {
  return {
    employerId: employer.employerId,
    name: employer.name,
    fundingRouting: employer.fundingRouting,
    fundingAccount: maskAccount(employer.fundingAccount),
    achCompanyId: employer.achCompanyId,
  };
}

export function registerEmployer(program: Command): void {
  const employer = program.command('employer').description('set up the employers whose payrolls run here');
  employer
    .command('set <id>')
    .description('create or update an employer: name, funding account and ACH company id')
    .requiredOption('--name <name>', 'company name as it appears on ACH files (≤ 23 characters)')
    .requiredOption('--funding-routing <routing>', 'routing number of the funding account (ODFI)')
    .requiredOption('--funding-account <account>', 'funding account number (debited for each run)')
    .requiredOption('--ach-company-id <id>', 'NACHA company identification, 10 digits')
    .addHelpText(
      'after',
      `
Example:
  $ payroll-ops employer set acme --name "Acme Manufacturing" --funding-routing 021000021 \\
      --funding-account 000123456789 --ach-company-id 1234567890`,
    )
    .action(async (id: string, raw: Record<string, string | undefined>, command: Command) => {
      const ctx = contextFor(command);
      const parsed = parseEmployer(id, raw);
      await withBackend(ctx, async (backend) => {
        await backend.ports.roster.putEmployer(parsed);
        await recordAudit(ctx, backend, { action: 'employer.set', details: { employer: parsed.employerId } });
      });
      if (ctx.io.json) ctx.io.dataJson(employerJson(parsed));
      else
        ctx.io.success(
          `Employer ${parsed.employerId} (${parsed.name}) saved; funding account ${maskAccount(parsed.fundingAccount)}.`,
        );
    });
}
