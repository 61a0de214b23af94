/**
 * The payday machine's functions (src/core/saga/definition.ts): plan who is due, start one
 * employer's regular run — through the same start action as the CLI and the API, on behalf of
 * `schedule` — and report. The same handlers run on AWS and in the local host.
 */
import { type Requester, startPayRun } from '../../actions/startPayRun.js';
import { PayrollOpsError } from '../../core/errors.js';
import { parsePeriod } from '../../core/periodParser.js';
import type { AuditStore, ExecutionPort, SagaPorts, ScheduleStore } from '../../core/ports.js';
import { FunctionName } from '../../core/saga/functions.js';
import {
  type DueRunItem,
  type PaydaySkip,
  PaydaySkipReason,
  planPaydayTask,
  reportPayday,
  type StartOutcome,
} from '../../core/saga/paydayTasks.js';
import { RunType } from '../../core/saga/records.js';
import type { LambdaHandler } from '../resources.js';

/** Who the runs a schedule starts are recorded as requested by, and the audit trail's actor. */
export const SCHEDULE_REQUESTER: Requester = { requestedBy: 'schedule', actor: 'schedule' };

export interface PaydayHandlerDeps {
  readonly ports: SagaPorts & { readonly audit: AuditStore; readonly schedules: ScheduleStore };
  readonly executions: ExecutionPort;
}

/**
 * Starts the item's regular run. A period that has its run already (a trigger that raced this one,
 * or a run started by hand since the plan) is a skip, not a failure; any other error is thrown
 * for the iteration's Catch, which reports it without stopping the other employers.
 */
export async function startScheduledRun(deps: PaydayHandlerDeps, item: DueRunItem): Promise<StartOutcome> {
  const period = parsePeriod(item.period, {
    source: 'period',
    payDate: item.payDate,
    payDateSource: 'payDate',
  });
  try {
    const started = await startPayRun(
      { ...deps.ports, executions: deps.executions },
      { employerId: item.employerId, period, runType: RunType.Regular },
      SCHEDULE_REQUESTER,
    );
    return { employerId: item.employerId, runId: started.runId };
  } catch (error) {
    if (!(PayrollOpsError.isPayrollOpsError(error) && error.code === 'RUN_EXISTS')) throw error;
    const { runId, status } = error.details as { runId?: string; status?: string };
    return {
      employerId: item.employerId,
      skipped: PaydaySkipReason.AlreadyStarted,
      detail: `${item.period} already has regular run ${runId ?? '(unknown)'}${status ? ` (${status})` : ''}`,
    };
  }
}

export function createPaydayHandlers(deps: PaydayHandlerDeps): Record<string, LambdaHandler> {
  return {
    [FunctionName.PlanPayday]: async (event) => planPaydayTask(deps.ports, event as { asOf?: unknown }),
    [FunctionName.StartScheduledRun]: async (event) => startScheduledRun(deps, event as DueRunItem),
    [FunctionName.ReportPayday]: async (event) =>
      reportPayday(
        event as {
          readonly asOf: string;
          readonly skipped: readonly PaydaySkip[];
          readonly results: readonly StartOutcome[];
        },
      ),
  };
}
