/**
 * The saga on the in-memory ports, driven step by step as the state machines would: the pay run
 * (a failure takes the Catch path into the compensations), the bank gateway's real transmission
 * code answering a file (transmit, refuse, or return part of a reversal), and the rollback's
 * compensations newest first, halting at the first that fails. Not a model of Step Functions'
 * timing: each call runs to its end. Shared by the interleaving property and the action tests.
 */
import { TransientError } from '../../src/core/errors.js';
import type { Cents } from '../../src/core/money.js';
import type { Employee } from '../../src/core/roster.js';
import {
  beginRollback,
  compensate,
  finishRollback,
  recordCompensationFailure,
} from '../../src/core/saga/compensations.js';
import {
  calculatePayChunk,
  checkDisbursement,
  closeRun,
  disburse,
  fundPayroll,
  openRun,
  postLedger,
  publishPayslips,
} from '../../src/core/saga/forward.js';
import { AchFileKind } from '../../src/core/saga/records.js';
import { compensationOrder, StepName } from '../../src/core/saga/steps.js';
import { type ArtifactStore, recordRejection, transmitAchFile } from '../../src/infra/lambda/bankGateway.js';
import { MemoryExecutions } from './memoryExecutions.js';
import { createMemoryPorts, fixedClock, type MemoryPorts } from './memoryPorts.js';

export type Bank = 'transmit' | 'reject' | 'return';

export interface World {
  /** The stores themselves, for assertions. */
  readonly ports: MemoryPorts;
  /** The stores as the saga calls them (wrapped, e.g. by a fast-check scheduler). */
  readonly saga: MemoryPorts;
  readonly executions: MemoryExecutions;
  /** ACH files the bank gateway wrote, by location. */
  readonly files: Map<string, string>;
  readonly artifacts: ArtifactStore;
}

export interface WorldOptions {
  readonly employer: string;
  readonly roster: readonly Employee[];
  readonly now: string;
  /** Wraps every store but the clock as the saga sees it. */
  readonly wrap?: <T extends object>(store: T) => T;
}

export async function memoryWorld(options: WorldOptions): Promise<World> {
  const ports = createMemoryPorts({ clock: fixedClock(options.now) });
  await ports.roster.putEmployer({
    employerId: options.employer,
    name: `${options.employer} Co`,
    fundingRouting: '021000021',
    fundingAccount: '555000111',
    achCompanyId: '1234567890',
  });
  await ports.roster.upsertEmployees(options.employer, options.roster);
  const wrap = options.wrap ?? (<T extends object>(store: T) => store);
  const saga = Object.fromEntries(
    Object.entries(ports).map(([name, store]) => [name, name === 'clock' ? store : wrap(store as object)]),
  ) as unknown as MemoryPorts;
  const files = new Map<string, string>();
  const artifacts: ArtifactStore = {
    async put(runId, name, text) {
      files.set(`mem://${runId}/${name}`, text);
      return `mem://${runId}/${name}`;
    },
    async logTransmission() {},
    async remove(runId, name) {
      files.delete(`mem://${runId}/${name}`);
    },
  };
  return { ports, saga, executions: new MemoryExecutions(), files, artifacts };
}

/** The bank gateway on the memory ports: the real transmission code, or a refusal, or a return. */
export async function bank(w: World, runId: string, kind: AchFileKind, answer: Bank): Promise<void> {
  const message = (await w.saga.outbox.pending()).find((m) => m.runId === runId && m.body.kind === kind);
  if (!message) return;
  const ref = { messageId: message.messageId, runId, kind };
  if (answer === 'reject') return recordRejection(w.saga, ref, 'R01 property rejection');
  // The bank answers with the transmission: a returned entry is recorded in the same write.
  const returned =
    answer === 'return' && kind === AchFileKind.Reversal
      ? (entries: readonly { employeeId: string; amount: Cents }[]) =>
          entries.slice(0, 1).map((e) => ({ ...e, code: 'R02' }))
      : undefined;
  await transmitAchFile({ ...w.saga, artifacts: w.artifacts, now: () => w.saga.clock.now() }, ref, returned);
}

/** Compensations newest first; the first failure is recorded and halts the chain (the state machine's shape). */
export async function compensateChain(
  w: World,
  runId: string,
  steps: readonly StepName[],
  answer: Bank,
): Promise<void> {
  for (const step of steps) {
    let failure: unknown;
    try {
      await compensate(w.saga, { runId, step });
    } catch (error) {
      failure = error;
      if (error instanceof TransientError) {
        await bank(w, runId, AchFileKind.Reversal, answer);
        failure = await compensate(w.saga, { runId, step }).then(
          () => undefined,
          (again: unknown) => again,
        );
      }
    }
    if (failure !== undefined) {
      await recordCompensationFailure(w.saga, { runId, step, error: 'Failed', cause: String(failure) });
      break;
    }
  }
  await finishRollback(w.saga, { runId });
}

/** The pay-run execution, step by step; a failure takes the Catch path. */
export async function drive(w: World, runId: string, failAt?: StepName): Promise<void> {
  let step: StepName = StepName.OpenRun;
  const at = async <T>(name: StepName, work: () => Promise<T>): Promise<T> => {
    step = name;
    if (failAt === name) throw new Error(`injected failure of ${name}`);
    return work();
  };
  try {
    const opened = await at(StepName.OpenRun, () => openRun(w.saga, { runId }));
    await at(StepName.CalculatePay, async () => {
      for (const chunk of opened.chunks) await calculatePayChunk(w.saga, { runId, chunk });
    });
    await at(StepName.FundPayroll, () => fundPayroll(w.saga, { runId }));
    await at(StepName.PostLedger, () => postLedger(w.saga, { runId }));
    await at(StepName.Disburse, async () => {
      await disburse(w.saga, { runId });
      await bank(w, runId, AchFileKind.Credit, 'transmit');
      await checkDisbursement(w.saga, { runId, checks: 0 });
    });
    await at(StepName.PublishPayslips, () => publishPayslips(w.saga, { runId }));
    await at(StepName.CloseRun, () => closeRun(w.saga, { runId }));
  } catch (error) {
    await beginRollback(w.saga, { runId, failedStep: step, error: 'StepFailed', cause: String(error) });
    await compensateChain(w, runId, compensationOrder(step), 'transmit');
  }
}
