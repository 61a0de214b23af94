/**
 * `payroll-ops run --period P`: validates the run against the stored roster (a dry run of the pay
 * engine, so bad input fails before anything is written), takes the period and starts the saga.
 */

import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import {
  checkIdempotencyKey,
  dryRunPayRun,
  type PayRunRequest,
  startPayRun,
} from '../actions/startPayRun.js';
import { parsePayments } from '../core/paymentsParser.js';
import { parsePeriod } from '../core/periodParser.js';
import { RunType } from '../core/saga/records.js';
import { basisOf } from '../core/saga/startRun.js';
import { parseTimesheet } from '../core/timesheetParser.js';
import { definitionHash } from '../infra/backendSpec.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { DEFAULT_EMPLOYER } from './employees.js';
import { reasonFlag } from './flags.js';
import { followRunToCompletion } from './follow.js';
import { previewJson, renderPreviewTable } from './io/previewRenderer.js';
import { readInputFile } from './readInputFile.js';

export function parseRunOptions(raw: Record<string, string | boolean | undefined>): PayRunRequest {
  const period = parsePeriod(String(raw.period), { payDate: raw.payDate as string | undefined });
  const offCycle = raw.offCycle === true;
  // An off-cycle run says why it is made; a regular one may.
  const reason = offCycle
    ? reasonFlag(raw.reason as string | undefined, '--off-cycle')
    : typeof raw.reason === 'string' && raw.reason.trim() !== ''
      ? raw.reason.trim()
      : undefined;
  const timesheetFile = raw.timesheet as string | undefined;
  const paymentsFile = raw.payments as string | undefined;
  const request: PayRunRequest = {
    period,
    employerId: String(raw.employer ?? DEFAULT_EMPLOYER),
    runType: offCycle ? RunType.OffCycle : RunType.Regular,
    ...(reason ? { reason } : {}),
    ...(timesheetFile
      ? { timesheets: parseTimesheet(readInputFile('--timesheet', timesheetFile), timesheetFile) }
      : {}),
    ...(paymentsFile
      ? { payments: parsePayments(readInputFile('--payments', paymentsFile), paymentsFile).payments }
      : {}),
  };
  // Refuse a wrong combination before the backend is even opened.
  basisOf({ runType: request.runType, payments: request.payments, timesheets: request.timesheets });
  return request;
}

/**
 * A deployed stack runs the state machine definitions it was deployed with: when they differ from
 * this CLI's, the run follows the deployed ones and the operator should know.
 */
function warnOnDefinitionDrift(ctx: CommandContext, backend: Backend): void {
  const deployed = backend.deployedDefinitionHash;
  if (deployed === undefined || deployed === definitionHash()) return;
  ctx.io.warn(
    `target ${backend.target.name} runs state machine definitions ${deployed}, this CLI has ${definitionHash()}; redeploy (payroll-ops deploy --target ${backend.target.name}) to run this version's saga.`,
  );
}

/** The CLI's start: the operator is who asked, and who the audit trail names. */
export function startCliRun(
  ctx: CommandContext,
  backend: Backend,
  request: PayRunRequest,
  idempotencyKey?: string,
) {
  return startPayRun(
    { ...backend.ports, executions: backend.executions, requests: backend.requests },
    request,
    { requestedBy: ctx.env.user, actor: backend.actor },
    // One key per invocation, or the operator's: the same command retried with it starts nothing new.
    idempotencyKey ?? randomUUID(),
  );
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start a pay run for a period (a saga on the backend) and print its id')
    .requiredOption('--period <period>', 'pay period: YYYY-MM, YYYY-MM-1|2, YYYY-Www or START..END')
    .option('--employer <id>', 'employer', DEFAULT_EMPLOYER)
    .option('--pay-date <date>', 'pay date, YYYY-MM-DD (default: the last day of the period)')
    .option(
      '--timesheet <file>',
      'timesheet CSV: hours of hourly employees (with --off-cycle: hours owed, paid to those listed only)',
    )
    .option(
      '--payments <file>',
      'with --off-cycle: CSV employee_id,amount,kind (bonus, commission, retro, correction), paid to those listed only',
    )
    .option('--off-cycle', 'an extra run in a period that already has its regular run (needs --reason)')
    .option('--reason <text>', 'why an off-cycle run is made (recorded on the run)')
    .option('--idempotency-key <key>', 'makes a retried command safe: the same key and request start one run')
    .option(
      '--dry-run',
      'print the preview from the stored roster and start nothing (exit 1 if the period is paid)',
    )
    .option('--watch', 'follow the run to its end (exit 0 when COMPLETED, 1 otherwise)')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops run --period 2026-03 --watch
  $ payroll-ops run --period 2026-03 --dry-run --output json
  $ payroll-ops run --period 2026-03 --off-cycle --reason "missed overtime" --timesheet fixes.csv
  $ payroll-ops run --period 2026-03 --off-cycle --reason "Q1 bonus" --payments bonuses.csv --watch`,
    )
    .action(async (raw: Record<string, string | boolean | undefined>, command: Command) => {
      const ctx = contextFor(command);
      const options = parseRunOptions(raw);
      await withBackend(ctx, async (backend) => {
        warnOnDefinitionDrift(ctx, backend);
        if (raw.dryRun === true) {
          const preview = await dryRunPayRun(backend.ports, options);
          if (ctx.io.json) ctx.io.dataJson(previewJson(preview));
          else ctx.io.data(renderPreviewTable(preview));
          return;
        }
        const started = await startCliRun(
          ctx,
          backend,
          options,
          typeof raw.idempotencyKey === 'string'
            ? checkIdempotencyKey(raw.idempotencyKey, '--idempotency-key')
            : undefined,
        );
        if (ctx.io.json && raw.watch !== true)
          ctx.io.dataJson({ runId: started.runId, executionArn: started.executionArn });
        else if (!ctx.io.json) ctx.io.data(started.runId);
        ctx.io.info(`Run ${started.runId} started; follow it with: payroll-ops watch ${started.runId}`);
        if (raw.watch === true) await followRunToCompletion(backend, ctx.io, started.runId, {});
      });
    });
}
