/**
 * `payroll-ops audit [--run RUN] [--limit N]`: the operator actions that changed state — who, when,
 * what, on which run and why — newest first. Reads only.
 */
import type { Command } from 'commander';
import { withBackend } from './backend.js';
import { contextFor } from './context.js';
import { wholeNumberFlag } from './flags.js';
import { auditRecordView, renderAuditTable } from './io/auditRender.js';
import { OutputFormat } from './io/ioHost.js';

export const DEFAULT_AUDIT_LIMIT = 50;
const MAX_AUDIT_LIMIT = 10_000;

export interface AuditOptions {
  readonly runId?: string;
  readonly limit: number;
}

export function parseAuditOptions(raw: { readonly run?: string; readonly limit?: string }): AuditOptions {
  const limit =
    raw.limit === undefined
      ? DEFAULT_AUDIT_LIMIT
      : wholeNumberFlag('--limit', raw.limit, {
          min: 1,
          max: MAX_AUDIT_LIMIT,
          what: 'a number of records',
          code: 'BAD_LIMIT',
        });
  return { limit, ...(raw.run !== undefined ? { runId: raw.run } : {}) };
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('list operator actions that changed state: who, when, what, run and reason (newest first)')
    .option('--run <run>', 'only the actions on this run')
    .option('--limit <n>', `how many records to list (default ${DEFAULT_AUDIT_LIMIT})`)
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops audit
  $ payroll-ops audit --run acme-2026-03-regular
  $ payroll-ops --output json audit --limit 10`,
    )
    .action(async (raw: { run?: string; limit?: string }, command: Command) => {
      const ctx = contextFor(command);
      const { io } = ctx;
      const options = parseAuditOptions(raw);
      const records = await withBackend(ctx, (backend) => backend.ports.audit.list(options));
      if (io.output === OutputFormat.Json) io.dataJson({ records: records.map(auditRecordView) });
      else if (io.output === OutputFormat.Jsonl) for (const r of records) io.dataJson(auditRecordView(r));
      else if (records.length === 0)
        io.info(
          options.runId === undefined
            ? 'No audit records yet.'
            : `No audit records for run ${options.runId}.`,
        );
      else io.data(renderAuditTable(records));
    });
}
