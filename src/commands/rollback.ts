/**
 * `payroll-ops rollback RUN --reason TEXT [--plan]`: undoes a pay run on demand. The rollback
 * action (src/actions/rollback.ts) plans, confirms, audits, stops what is stuck and runs the
 * saga's compensations; this command parses the flags and shows the plan (a table, or inside the
 * one JSON document), the progress like `watch`, and the outcome.
 */
import type { Command } from 'commander';
import {
  RollbackCode,
  type RollbackOutcome,
  type RollbackRequest,
  type RollbackResult,
  rollbackRun as rollbackAction,
  rollbackIncomplete,
} from '../actions/rollback.js';
import type { IIoHost } from '../core/ioMessages.js';
import type { RollbackPlan } from '../core/saga/rollbackPlan.js';
import { RunStatus } from '../core/saga/steps.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { reasonFlag } from './flags.js';
import { followHost, printRunView } from './follow.js';
import { type IoHost, OutputFormat } from './io/ioHost.js';
import {
  achEntryView,
  type RollbackPlanView,
  renderEmployees,
  renderRollbackPlan,
  rollbackPlanView,
} from './io/rollbackRender.js';
import { PLAIN } from './io/runRender.js';

export interface RollbackOptions {
  readonly runId: string;
  readonly reason: string;
  /** Print the plan and stop: nothing is changed. */
  readonly planOnly: boolean;
}

export function parseRollbackOptions(
  runId: string,
  raw: { readonly reason?: string; readonly plan?: boolean },
): RollbackOptions {
  const reason = reasonFlag(raw.reason, 'rollback');
  return { runId, reason, planOnly: raw.plan === true };
}

function outcomeJson(outcome: RollbackOutcome) {
  return {
    status: outcome.status,
    executionName: outcome.executionName,
    stopped: outcome.stopped,
    failedCompensations: outcome.failedCompensations,
    manualRecovery: outcome.manualRecovery.map(achEntryView),
    run: outcome.view,
  };
}

/** Prints the plan where it belongs: a table now, a JSON line, or inside the one JSON document at the end. */
function showPlan(io: IoHost, plan: RollbackPlan, view: RollbackPlanView): void {
  if (io.output === OutputFormat.Table) io.data(renderRollbackPlan(plan, io.stdoutIsTty ? io.style : PLAIN));
  else if (io.output === OutputFormat.Jsonl) io.dataJson({ type: 'rollback-plan', plan: view });
}

function showOutcome(io: IoHost, view: RollbackPlanView, outcome: RollbackOutcome): void {
  if (io.output === OutputFormat.Json) io.dataJson({ plan: view, outcome: outcomeJson(outcome) });
  else if (io.output === OutputFormat.Jsonl)
    io.dataJson({ type: 'rollback-finished', ...outcomeJson(outcome) });
  else {
    printRunView(io, outcome.view);
    if (outcome.manualRecovery.length > 0) {
      io.data(
        `\nNeeds manual recovery (ACH credits that did not come back)\n${renderEmployees(outcome.manualRecovery)}`,
      );
    }
  }
}

export async function rollbackRun(
  ctx: CommandContext,
  backend: Backend,
  options: RollbackOptions,
): Promise<void> {
  const { io } = ctx;
  let planView: RollbackPlanView | undefined;
  const follow = followHost(io);
  const host: IIoHost = {
    async notify(message) {
      if (message.code !== RollbackCode.Plan) return follow.notify(message);
      const { plan } = message.data as { plan: RollbackPlan };
      planView = rollbackPlanView(plan);
      showPlan(io, plan, planView);
    },
    requestResponse: (request) => io.requestResponse(request),
  };
  const request: RollbackRequest = { ...options, actor: backend.actor };
  let result: RollbackResult;
  try {
    result = await rollbackAction({ ...backend.ports, executions: backend.executions }, host, request);
  } catch (error) {
    follow.end(undefined);
    // With --output json stdout carries exactly one document, whatever happened.
    if (io.output === OutputFormat.Json && planView) io.dataJson({ plan: planView });
    throw error;
  }
  const view = rollbackPlanView(result.plan);
  if (result.kind !== 'finished') {
    if (io.output === OutputFormat.Json) io.dataJson({ plan: view });
    if (result.kind === 'nothing-to-do') io.info(`${result.plan.summary} Nothing was changed.`);
    else io.info('--plan: nothing was changed. Run again without --plan to roll back.');
    return;
  }
  const { outcome } = result;
  showOutcome(io, view, outcome);
  if (outcome.status !== RunStatus.RolledBack) throw rollbackIncomplete(options.runId, outcome);
  io.success(`Run ${options.runId} ROLLED_BACK by ${outcome.executionName}.`);
}

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description(
      'undo a pay run: plan, confirm, then run its compensations (completed, stuck or failed runs)',
    )
    .argument('<run>', 'run id, e.g. acme-2026-03-regular (payroll-ops status lists them)')
    .option('--reason <text>', 'why the run is undone (required; recorded in the audit trail)')
    .option('--plan', 'print the plan and stop; nothing is changed')
    .addHelpText(
      'after',
      `
Confirm by typing the run id when asked, or pass --yes (required without a terminal).

Examples:
  $ payroll-ops rollback acme-2026-03-regular --reason "wrong salaries imported" --plan
  $ payroll-ops rollback acme-2026-03-regular --reason "wrong salaries imported"
  $ payroll-ops --output json rollback acme-2026-03-regular --reason "duplicate run" --yes`,
    )
    .action(async (runId: string, raw: { reason?: string; plan?: boolean }, command: Command) => {
      const ctx = contextFor(command);
      const options = parseRollbackOptions(runId, raw);
      await withBackend(ctx, (backend) => rollbackRun(ctx, backend, options));
    });
}
