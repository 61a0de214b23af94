/**
 * Follows several runs at once to their end (`schedule run-due --watch`): one line per run as it
 * ends, polling the store like `watch` does, so runs started by another process are followed too.
 */
import { PayrollOpsError } from '../core/errors.js';
import type { SagaPorts } from '../core/ports.js';
import { isTerminal, type RunStatus } from '../core/saga/steps.js';
import type { IoHost } from './io/ioHost.js';

export interface RunEnd {
  readonly runId: string;
  readonly status: RunStatus;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until every run is terminal; their final statuses, in the order given. */
export async function followRuns(
  ports: Pick<SagaPorts, 'runs'>,
  io: IoHost,
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
        io.info(`${runId} ended ${run.status} (${ended.size} of ${runIds.length})`);
      }
    }
    if (ended.size < runIds.length) await sleep(intervalMs);
  }
  return runIds.map((runId) => ({ runId, status: ended.get(runId) as RunStatus }));
}
