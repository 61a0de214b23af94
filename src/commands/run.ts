/**
 * `payroll-ops run --period P`: validates the run against the stored roster (a dry run of the pay
 * engine, so bad input fails before anything is written), takes the period and starts the saga.
 */
import type { Command } from 'commander';
import { BadInputError } from '../core/errors.js';
import type { PayRunPreview } from '../core/payroll/previewPayRun.js';
import type { PayPeriod } from '../core/period.js';
import { parsePeriod } from '../core/periodParser.js';
import type { Timesheet } from '../core/roster.js';
import { RunType } from '../core/saga/records.js';
import { type StartedRun, startRun } from '../core/saga/startRun.js';
import { validateRun } from '../core/saga/validateRun.js';
import { parseTimesheet } from '../core/timesheetParser.js';
import { recordAudit } from './auditTrail.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { DEFAULT_EMPLOYER } from './employees.js';
import { followRunToCompletion } from './follow.js';
import { previewJson, renderPreviewTable } from './io/previewRenderer.js';
import { readInputFile } from './readInputFile.js';

export interface RunOptions {
  readonly period: PayPeriod;
  readonly employerId: string;
  readonly timesheets?: ReadonlyMap<string, Timesheet>;
  readonly runType: RunType;
  readonly reason?: string;
}

export function parseRunOptions(raw: Record<string, string | boolean | undefined>): RunOptions {
  const period = parsePeriod(String(raw.period), { payDate: raw.payDate as string | undefined });
  const offCycle = raw.offCycle === true;
  const reason = typeof raw.reason === 'string' ? raw.reason.trim() : undefined;
  if (offCycle && !reason) {
    throw new BadInputError(
      'REASON_REQUIRED',
      '--off-cycle needs --reason TEXT saying why the extra run is made.',
    );
  }
  const timesheetFile = raw.timesheet as string | undefined;
  return {
    period,
    employerId: String(raw.employer ?? DEFAULT_EMPLOYER),
    runType: offCycle ? RunType.OffCycle : RunType.Regular,
    ...(reason ? { reason } : {}),
    ...(timesheetFile
      ? { timesheets: parseTimesheet(readInputFile('--timesheet', timesheetFile), timesheetFile) }
      : {}),
  };
}

/** The pay engine over the stored roster and year-to-date balances: exactly what the saga will compute. */
export function previewStoredRun(backend: Backend, options: RunOptions): Promise<PayRunPreview> {
  return validateRun(backend.ports, options);
}

export async function startPayRun(
  ctx: CommandContext,
  backend: Backend,
  options: RunOptions,
): Promise<StartedRun> {
  await previewStoredRun(backend, options);
  const started = await startRun(
    { ...backend.ports, executions: backend.executions },
    {
      employerId: options.employerId,
      period: options.period,
      runType: options.runType,
      ...(options.reason ? { reason: options.reason } : {}),
      requestedBy: ctx.env.user,
      ...(options.timesheets ? { timesheets: [...options.timesheets.values()] } : {}),
    },
  );
  await recordAudit(ctx, backend, {
    action: options.runType === RunType.OffCycle ? 'run.start-off-cycle' : 'run.start',
    runId: started.runId,
    ...(options.reason ? { reason: options.reason } : {}),
    details: { period: options.period.id, employer: options.employerId },
  });
  return started;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start a pay run for a period (a saga on the backend) and print its id')
    .requiredOption('--period <period>', 'pay period: YYYY-MM, YYYY-MM-1|2, YYYY-Www or START..END')
    .option('--employer <id>', 'employer', DEFAULT_EMPLOYER)
    .option('--pay-date <date>', 'pay date, YYYY-MM-DD (default: the last day of the period)')
    .option('--timesheet <file>', 'timesheet CSV with hours for hourly employees')
    .option('--off-cycle', 'an extra run in a period that already has its regular run (needs --reason)')
    .option('--reason <text>', 'why an off-cycle run is made (recorded on the run)')
    .option('--dry-run', 'print the preview from the stored roster and start nothing')
    .option('--watch', 'follow the run to its end (exit 0 when COMPLETED, 1 otherwise)')
    .addHelpText(
      'after',
      `
Examples:
  $ payroll-ops run --period 2026-03 --watch
  $ payroll-ops run --period 2026-03 --dry-run --output json
  $ payroll-ops run --period 2026-03 --off-cycle --reason "missed overtime" --timesheet fixes.csv`,
    )
    .action(async (raw: Record<string, string | boolean | undefined>, command: Command) => {
      const ctx = contextFor(command);
      const options = parseRunOptions(raw);
      await withBackend(ctx, async (backend) => {
        if (raw.dryRun === true) {
          const preview = await previewStoredRun(backend, options);
          if (ctx.io.json) ctx.io.dataJson(previewJson(preview));
          else ctx.io.data(renderPreviewTable(preview));
          return;
        }
        const started = await startPayRun(ctx, backend, options);
        if (ctx.io.json && raw.watch !== true)
          ctx.io.dataJson({ runId: started.runId, executionArn: started.executionArn });
        else if (!ctx.io.json) ctx.io.data(started.runId);
        ctx.io.info(`Run ${started.runId} started; follow it with: payroll-ops watch ${started.runId}`);
        if (raw.watch === true) await followRunToCompletion(backend, ctx.io, started.runId, {});
      });
    });
}
