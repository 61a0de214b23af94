/**
 * Following several runs at once to their end (`schedule run-due --watch`), by polling their
 * records as `watch` does, so runs started by another process are followed just the same. Prints
 * nothing: each run that ends is a coded message, and the host shows it as a line (or a JSON line).
 */
import { PayrollOpsError } from '../core/errors.js';
import { type IIoHost, ioMessage } from '../core/ioMessages.js';
import type { SagaPorts } from '../core/ports.js';
import { isTerminal, type RunStatus } from '../core/saga/steps.js';

export const FollowRunsCode = {
  /** One of the runs followed ended. */
  RunEnded: 'PAYROLL_PAYDAY_I6001',
} as const;

export interface RunEnd {
  readonly runId: string;
  readonly status: RunStatus;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until every run is terminal; their final statuses, in the order given. */
export async function followRuns(
  ports: Pick<SagaPorts, 'runs'>,
  io: IIoHost,
  runIds: readonly string[],
  intervalMs = 500,
): Promise<readonly RunEnd[]> {
  const ended = new Map<string, RunStatus>();
  while (ended.size < runIds.length) {
    for (const runId of runIds.filter((id) => !ended.has(id))) {
      const run = await ports.runs.getRun(runId).catch((error: unknown) => {
        // One slow poll of a busy host must not end the watch of runs that are going fine.
        if (PayrollOpsError.isPayrollOpsError(error) && error.retryable) return undefined;
        throw error;
      });
      if (run && isTerminal(run.status)) {
        ended.set(runId, run.status);
        await io.notify(
          ioMessage(
            'info',
            FollowRunsCode.RunEnded,
            `${runId} ended ${run.status} (${ended.size} of ${runIds.length})`,
            {
              runId,
              status: run.status,
            },
          ),
        );
      }
    }
    if (ended.size < runIds.length) await sleep(intervalMs);
  }
  return runIds.map((runId) => ({ runId, status: ended.get(runId) as RunStatus }));
}
