/**
 * `payroll-ops watch RUN`: follows a run to its end from any process, while it runs or after it
 * ended. Exit 0 when it COMPLETED, 1 (OperationFailedError) when it ended any other way.
 */
import type { Command } from 'commander';
import { DEFAULT_POLL_INTERVAL_MS } from '../actions/followRun.js';
import { withBackend } from './backend.js';
import { contextFor } from './context.js';
import { wholeNumberFlag } from './flags.js';
import { followRunToCompletion } from './follow.js';

const MIN_INTERVAL_MS = 50;

function parseInterval(text: string | undefined): number {
  if (text === undefined) return DEFAULT_POLL_INTERVAL_MS;
  return wholeNumberFlag('--interval', text, {
    min: MIN_INTERVAL_MS,
    max: 60_000,
    what: 'a polling interval in milliseconds',
    code: 'BAD_INTERVAL',
  });
}

function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return (
    wholeNumberFlag('--timeout', text, { min: 1, what: 'a number of seconds', code: 'BAD_TIMEOUT' }) * 1000
  );
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('follow a pay run live until it completes or rolls back (exit 0 only when COMPLETED)')
    .argument('<run>', 'run id, e.g. acme-2026-03-regular (payroll-ops status lists them)')
    .option(
      '--interval <ms>',
      `how often to poll the run, in milliseconds (default ${DEFAULT_POLL_INTERVAL_MS})`,
    )
    .option('--timeout <seconds>', 'give up (exit 1) if the run has not ended by then')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops watch acme-2026-03-regular
  $ payroll-ops --output jsonl watch acme-2026-03-regular     one JSON event per line, ending with run-finished`,
    )
    .action(async (runId: string, raw: Record<string, string | undefined>, command: Command) => {
      const ctx = contextFor(command);
      const intervalMs = parseInterval(raw.interval);
      const timeoutMs = parseTimeout(raw.timeout);
      await withBackend(ctx, (backend) =>
        followRunToCompletion(backend, ctx.io, runId, {
          intervalMs,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        }),
      );
    });
}
