/**
 * `payroll-ops schedule run-due`: starts the payday machine now, exactly as the daily schedule
 * does (the same machine, the same `{ asOf }` input), waits for it to end and returns its report —
 * the runs it started, the employers it skipped and why, the starts that failed.
 */
import { randomBytes } from 'node:crypto';
import { OperationFailedError, TransientError } from '../core/errors.js';
import type { IsoDate } from '../core/period.js';
import {
  type AuditStore,
  type Clock,
  ExecutionStatus,
  type PaydayExecutions,
  type RunStore,
} from '../core/ports.js';
import { type PaydayReport, paydayDate } from '../core/saga/paydayTasks.js';

export interface RunDuePorts {
  readonly clock: Clock;
  readonly payday: PaydayExecutions;
  readonly audit: AuditStore;
  readonly runs: Pick<RunStore, 'getRun'>;
}

export interface RunDueOptions {
  /** Between polls of the execution; 250 ms by default. */
  readonly pollMs?: number;
  /** Give up waiting (the execution goes on) after this long; 10 minutes by default. */
  readonly timeoutMs?: number;
}

/** A run the payday started, as its record says: whose, and for which period. */
export interface StartedRunView {
  readonly runId: string;
  readonly employerId: string;
  readonly period: string;
  readonly payDate: IsoDate;
}

export interface RunDueResult {
  /** The machine's output, as the daily schedule's executions end with it. */
  readonly report: PaydayReport;
  readonly executionArn: string;
  readonly startedRuns: readonly StartedRunView[];
}

/**
 * Unique per trigger, so a day may be triggered any number of times (by the schedule, and by
 * operators): `run-due-<asOf>-<UTC time>-<random>`, within Step Functions' 80 characters.
 */
export function runDueExecutionName(asOf: IsoDate, now: string): string {
  const stamp = now.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `run-due-${asOf}-${stamp}-${randomBytes(3).toString('hex')}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Today in UTC: the date the daily schedule (06:00 UTC) would use. */
export function todayUtc(clock: Clock): IsoDate {
  return clock.now().slice(0, 10);
}

async function startedRunViews(ports: Pick<RunDuePorts, 'runs'>, report: PaydayReport) {
  const runs = await Promise.all(report.started.map((runId) => ports.runs.getRun(runId)));
  return runs.flatMap((run) =>
    run
      ? [{ runId: run.runId, employerId: run.employerId, period: run.period.id, payDate: run.period.payDate }]
      : [],
  );
}

export async function runDue(
  ports: RunDuePorts,
  request: { readonly asOf?: string; readonly actor: string },
  options: RunDueOptions = {},
): Promise<RunDueResult> {
  const asOf = paydayDate(request.asOf ?? todayUtc(ports.clock));
  const name = runDueExecutionName(asOf, ports.clock.now());
  const { executionArn } = await ports.payday.start(name, { asOf });
  await ports.audit.record({
    at: ports.clock.now(),
    actor: request.actor,
    action: 'schedule.run-due',
    details: { asOf, execution: name },
  });
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    const execution = await ports.payday.describe(executionArn).catch((error: unknown) => {
      // A busy host may drop one poll; the execution goes on regardless.
      if (error instanceof TransientError) return undefined;
      throw error;
    });
    if (execution && execution.status !== ExecutionStatus.Running) {
      if (execution.status === ExecutionStatus.Succeeded && execution.output) {
        const report = JSON.parse(execution.output) as PaydayReport;
        return { report, executionArn, startedRuns: await startedRunViews(ports, report) };
      }
      throw new OperationFailedError(
        'PAYDAY_FAILED',
        `The payday execution ${name} ended ${execution.status}${execution.error ? `: ${execution.error}` : ''}${execution.cause ? ` (${execution.cause})` : ''}; no report.`,
        { details: { executionArn } },
      );
    }
    if (Date.now() > deadline) {
      throw new OperationFailedError(
        'PAYDAY_TIMEOUT',
        `The payday execution ${name} is still running; it goes on — see its runs with payroll-ops status.`,
        { details: { executionArn } },
      );
    }
    await sleep(options.pollMs ?? 250);
  }
}
