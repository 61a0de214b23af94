/**
 * `payroll-ops schedule set|list|pause|resume|remove|run-due`: employers' pay schedules, and the
 * payday machine started by hand exactly as the daily schedule starts it.
 */
import type { Command } from 'commander';
import { followRuns } from '../actions/followRuns.js';
import {
  changeSchedule,
  listSchedules,
  ScheduleAction,
  scheduleFromRequest,
  setSchedule,
} from '../actions/paySchedules.js';
import { runDue, todayUtc } from '../actions/runDue.js';
import { BadInputError, OperationFailedError } from '../core/errors.js';
import { checkEmployerId } from '../core/limits.js';
import { MAX_LEAD_DAYS, PAY_DAY_RULES } from '../core/paySchedule.js';
import { PAY_FREQUENCIES } from '../core/period.js';
import { type PaydayReport, paydayDate } from '../core/saga/paydayTasks.js';
import { RunStatus } from '../core/saga/steps.js';
import { systemClock } from '../infra/aws/sagaPorts.js';
import { type Backend, withBackend } from './backend.js';
import { type CommandContext, contextFor } from './context.js';
import { wholeNumberFlag } from './flags.js';
import { paydaySummary, renderPaydayTable, renderScheduleTable, scheduleJson } from './io/scheduleRender.js';

function parseLeadDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return wholeNumberFlag('--lead-days', text.trim(), {
    min: 0,
    max: MAX_LEAD_DAYS,
    what: 'a number of banking days (default 2)',
    code: 'SCHEDULE_LEAD_DAYS_INVALID',
  });
}

function parseAsOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) {
    throw new BadInputError('AS_OF_INVALID', `--as-of ${text}: not a date; give it as YYYY-MM-DD.`, {
      details: { flag: '--as-of' },
    });
  }
  return paydayDate(text);
}

function registerSet(schedule: Command): void {
  schedule
    .command('set')
    .description("create or replace an employer's pay schedule (a paused one stays paused)")
    .argument('<employer>', 'employer id (payroll-ops employer set creates it)')
    .requiredOption('--calendar <calendar>', `pay calendar: ${PAY_FREQUENCIES.join(', ')}`)
    .option('--from <period>', 'the first period to pay (default: the current one)')
    .option(
      '--lead-days <n>',
      `banking days between the run's start and its pay date, 0–${MAX_LEAD_DAYS} (default 2)`,
    )
    .option(
      '--pay-day-rule <rule>',
      `a pay date on a weekend or holiday moves: ${PAY_DAY_RULES.join(' or ')}`,
    )
    .addHelpText(
      'after',
      `
A period's pay date is its last day, moved to a banking day by --pay-day-rule (default
previous-banking-day); its run is due --lead-days banking days before (default 2: ACH settles).

Examples:
  $ payroll-ops schedule set acme --calendar monthly --from 2026-04
  $ payroll-ops schedule set globex --calendar biweekly --from 2026-03-02..2026-03-15 --lead-days 3`,
    )
    .action(async (employerId: string, raw: Record<string, string | undefined>, command: Command) => {
      const ctx = contextFor(command);
      checkEmployerId(employerId, 'Employer id');
      const request = {
        employerId,
        calendar: raw.calendar ?? '',
        ...(raw.from !== undefined ? { from: raw.from } : {}),
        ...(raw.leadDays !== undefined ? { leadDays: parseLeadDays(raw.leadDays) as number } : {}),
        ...(raw.payDayRule !== undefined ? { payDayRule: raw.payDayRule } : {}),
      };
      // Every flag checked before the backend is opened: bad input writes nothing.
      scheduleFromRequest(request, todayUtc(systemClock));
      const { schedule: saved, created } = await withBackend(ctx, (backend) =>
        setSchedule(backend.ports, request, backend.actor),
      );
      if (ctx.io.json) ctx.io.dataJson(saved);
      else
        ctx.io.success(
          `Schedule of ${saved.employerId} ${created ? 'created' : 'replaced'}: ${saved.calendar} from ${saved.from}, ` +
            `due ${saved.leadDays} banking day(s) before the pay date (${saved.payDayRule})${saved.paused ? '; still paused' : ''}.`,
        );
    });
}

function registerList(schedule: Command): void {
  schedule
    .command('list')
    .description('every pay schedule with the next period it will pay, its pay date and due date')
    .addHelpText(
      'after',
      '\nExamples:\n  $ payroll-ops schedule list\n  $ payroll-ops schedule list --output json',
    )
    .action(async (_raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      const views = await withBackend(ctx, (backend) => listSchedules(backend.ports));
      if (ctx.io.json) {
        ctx.io.dataJson({ schedules: views.map(scheduleJson) });
        return;
      }
      if (views.length === 0) {
        ctx.io.info(
          'No pay schedules; create one with payroll-ops schedule set EMPLOYER --calendar monthly.',
        );
        return;
      }
      ctx.io.data(renderScheduleTable(views));
    });
}

function registerChange(schedule: Command, action: ScheduleAction, description: string, done: string): void {
  schedule
    .command(action)
    .description(description)
    .argument('<employer>', 'employer id')
    .addHelpText('after', `\nExample:\n  $ payroll-ops schedule ${action} acme`)
    .action(async (employerId: string, _raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      checkEmployerId(employerId, 'Employer id');
      const { before, after } = await withBackend(ctx, (backend) =>
        changeSchedule(backend.ports, employerId, action, backend.actor),
      );
      if (ctx.io.json) ctx.io.dataJson({ employerId, action, before, after: after ?? null });
      else ctx.io.success(`Schedule of ${employerId} ${done}.`);
    });
}

async function watchStarted(ctx: CommandContext, backend: Backend, report: PaydayReport) {
  if (report.started.length === 0) return [];
  ctx.io.info(`Following ${report.started.length} run(s) to their end…`);
  return followRuns(backend.ports, ctx.io, report.started);
}

function registerRunDue(schedule: Command): void {
  schedule
    .command('run-due')
    .description('start the payday machine now, as the daily schedule does, and print what it started')
    .option('--as-of <date>', 'the day to pay for, YYYY-MM-DD (default: today, UTC)')
    .option('--watch', 'then follow the started runs to their end (exit 1 if any did not complete)')
    .addHelpText(
      'after',
      `
Starts the regular run of every employer whose schedule is due on that day (one period per
employer), and reports the others with the reason. Safe to repeat: a period whose run was
started is not started again.

Examples:
  $ payroll-ops schedule run-due
  $ payroll-ops schedule run-due --as-of 2026-03-27 --watch
  $ payroll-ops --output json schedule run-due --as-of 2026-03-27`,
    )
    .action(async (raw: { asOf?: string; watch?: boolean }, command: Command) => {
      const ctx = contextFor(command);
      const asOf = parseAsOf(raw.asOf);
      const { report, ends } = await withBackend(ctx, async (backend) => {
        const { report, startedRuns } = await runDue(
          {
            clock: systemClock,
            payday: backend.payday,
            audit: backend.ports.audit,
            runs: backend.ports.runs,
          },
          { ...(asOf ? { asOf } : {}), actor: backend.actor },
        );
        if (!ctx.io.json) {
          const table = renderPaydayTable(report, startedRuns);
          if (table) ctx.io.data(table);
          ctx.io.success(paydaySummary(report));
        }
        return { report, ends: raw.watch ? await watchStarted(ctx, backend, report) : undefined };
      });
      if (ctx.io.json) ctx.io.dataJson({ ...report, ...(ends ? { runs: ends } : {}) });
      const notCompleted = (ends ?? []).filter((end) => end.status !== RunStatus.Completed);
      if (notCompleted.length > 0) {
        throw new OperationFailedError(
          'RUNS_NOT_COMPLETED',
          `${notCompleted.length} of ${report.started.length} run(s) did not complete: ${notCompleted.map((end) => `${end.runId} ${end.status}`).join(', ')}; see payroll-ops status RUN.`,
        );
      }
      if (report.failed.length > 0) {
        throw new OperationFailedError(
          'PAYDAY_STARTS_FAILED',
          `${report.failed.length} employer(s) could not be started: ${report.failed.map((f) => f.employerId).join(', ')}.`,
        );
      }
    });
}

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('pay schedules of employers, and the payday that starts their due runs');
  registerSet(schedule);
  registerList(schedule);
  registerChange(
    schedule,
    ScheduleAction.Pause,
    'pause a schedule: its runs are not started until it is resumed',
    'paused',
  );
  registerChange(
    schedule,
    ScheduleAction.Resume,
    'resume a paused schedule: it catches up from the last period paid',
    'resumed',
  );
  registerChange(schedule, ScheduleAction.Remove, "remove an employer's schedule (its runs stay)", 'removed');
  registerRunDue(schedule);
}
