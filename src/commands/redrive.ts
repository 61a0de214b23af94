/**
 * `payroll-ops redrive RUN`: restarts a pay run's failed (or stopped, or timed-out) execution from
 * the state that failed (the redrive action, src/actions/redrive.ts), then follows the run to its
 * end like `watch`.
 */
import type { Command } from 'commander';
import { runEndedError } from '../actions/followRun.js';
import { redriveRun } from '../actions/redrive.js';
import { withBackend } from './backend.js';
import { contextFor } from './context.js';
import { followRunView } from './follow.js';

export function registerRedrive(program: Command): void {
  program
    .command('redrive')
    .description('restart a failed pay run from the state that failed (RedriveExecution), then follow it')
    .argument('<run>', 'run id, e.g. acme-2026-03-regular')
    .option('--reason <text>', 'why (kept in the audit record)')
    .addHelpText(
      'after',
      `
Exit 0 when the run ends as expected (COMPLETED; ROLLED_BACK for a run that was rolling back).
A step whose record is still in progress waits for its in-progress expiry: see
payroll-ops idempotency list --status INPROGRESS --run RUN.

Examples:
  $ payroll-ops redrive acme-2026-03-regular --reason "host crashed during FundPayroll"
  $ payroll-ops --output jsonl redrive acme-2026-03-regular`,
    )
    .action(async (runId: string, raw: { reason?: string }, command: Command) => {
      const ctx = contextFor(command);
      await withBackend(ctx, async (backend) => {
        const expect = await redriveRun({ ...backend.ports, executions: backend.executions }, ctx.io, {
          runId,
          actor: backend.actor,
          ...(raw.reason !== undefined ? { reason: raw.reason } : {}),
        });
        const final = await followRunView(backend, ctx.io, runId, {});
        if (final.status !== expect) throw runEndedError(final);
      });
    });
}
