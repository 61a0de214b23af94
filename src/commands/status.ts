/**
 * `payroll-ops status [RUN]`: the recent runs newest first, or one run's step timeline, totals,
 * compensations and artifacts. Reads the run records only; changes nothing.
 */
import type { Command } from 'commander';
import { type FollowPorts, readRunDetail, runNotFound } from '../actions/followRun.js';
import { type RunDetail, type RunListItem, runListView } from '../core/saga/runView.js';
import { withBackend } from './backend.js';
import { contextFor } from './context.js';
import { wholeNumberFlag } from './flags.js';
import { OutputFormat } from './io/ioHost.js';
import { PLAIN, renderRunDetail, renderRunList } from './io/runRender.js';

export const DEFAULT_RUN_LIST_LIMIT = 20;
const MAX_RUN_LIST_LIMIT = 1000;

export interface StatusOptions {
  readonly runId?: string;
  readonly limit: number;
  readonly employerId?: string;
}

export type StatusResult =
  | { readonly kind: 'list'; readonly runs: readonly RunListItem[] }
  | { readonly kind: 'run'; readonly run: RunDetail };

export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RUN_LIST_LIMIT;
  return wholeNumberFlag('--limit', text, {
    min: 1,
    max: MAX_RUN_LIST_LIMIT,
    what: 'a number of runs',
    code: 'BAD_LIMIT',
  });
}

/** The command's one action: one run's detail, or the recent runs. An unknown run is bad input. */
export async function readStatus(
  backend: { readonly ports: FollowPorts },
  options: StatusOptions,
): Promise<StatusResult> {
  if (options.runId !== undefined) {
    const run = await readRunDetail(backend.ports, options.runId);
    if (!run) throw runNotFound(options.runId);
    return { kind: 'run', run };
  }
  const records = await backend.ports.runs.listRuns({
    limit: options.limit,
    ...(options.employerId !== undefined ? { employerId: options.employerId } : {}),
  });
  // The store lists newest first too; the view sorts again so the order never depends on an adapter.
  const { runs } = runListView(records);
  return { kind: 'list', runs: runs.slice(0, options.limit) };
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show recent pay runs, or one run: its steps, totals, compensations and artifacts')
    .argument('[run]', 'run id, e.g. acme-2026-03-regular (omit to list recent runs)')
    .option('--limit <n>', `how many recent runs to list (default ${DEFAULT_RUN_LIST_LIMIT})`)
    .option('--employer <id>', 'list only this employer’s runs')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops status
  $ payroll-ops status --employer acme --limit 5
  $ payroll-ops status acme-2026-03-regular
  $ payroll-ops --output json status acme-2026-03-regular`,
    )
    .action(async (runId: string | undefined, raw: Record<string, string | undefined>, command: Command) => {
      const ctx = contextFor(command);
      const { io } = ctx;
      const options: StatusOptions = {
        limit: parseLimit(raw.limit),
        ...(runId !== undefined ? { runId } : {}),
        ...(raw.employer !== undefined ? { employerId: raw.employer } : {}),
      };
      const result = await withBackend(ctx, (backend) => readStatus(backend, options));
      const render = { paint: io.stdoutIsTty ? io.style : PLAIN, now: new Date().toISOString() };
      if (result.kind === 'run') {
        if (io.json) io.dataJson(result.run);
        else io.data(renderRunDetail(result.run, render));
        return;
      }
      if (io.output === OutputFormat.Jsonl) {
        for (const run of result.runs) io.dataJson(run);
      } else if (io.output === OutputFormat.Json) {
        io.dataJson({ runs: result.runs });
      } else if (result.runs.length === 0) {
        io.info(
          options.employerId === undefined
            ? 'No runs yet; start one with payroll-ops run --period YYYY-MM, or try payroll-ops demo.'
            : `No runs for employer ${options.employerId}; payroll-ops status lists every employer’s runs.`,
        );
      } else {
        io.data(renderRunList(result.runs, render));
      }
    });
}
