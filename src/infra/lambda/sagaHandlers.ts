/**
 * The Lambda entry points of the saga: each binds one core step to the adapters and guards it
 * with Powertools idempotency. The same functions are bundled for AWS and invoked in-process by
 * the embedded stack.
 */

import { BadInputError } from '../../core/errors.js';
import type { SagaPorts } from '../../core/ports.js';
import {
  beginRollback,
  compensate,
  finishRollback,
  recordCompensationFailure,
} from '../../core/saga/compensations.js';
import {
  type ChunkRef,
  calculatePayChunk,
  checkDisbursement,
  closeRun,
  disburse,
  fundPayroll,
  openRun,
  postLedger,
  publishPayslips,
  type RunRef,
} from '../../core/saga/forward.js';
import { FunctionName } from '../../core/saga/functions.js';
import { COMPENSABLE_STEPS, type StepName } from '../../core/saga/steps.js';
import type { LambdaHandler } from '../resources.js';
import { type IdempotencyOptions, idempotentHandler } from './idempotency.js';

export interface SagaHandlerDeps {
  readonly ports: SagaPorts;
  readonly idempotency: IdempotencyOptions;
}

type Handlers = Record<string, LambdaHandler>;

export function createSagaHandlers({ ports, idempotency }: SagaHandlerDeps): Handlers {
  const guard = <E, R>(step: string, key: string, fn: (ports: SagaPorts, event: E) => Promise<R>) =>
    idempotentHandler<E, R>(idempotency, step, key, (event) => fn(ports, event)) as LambdaHandler;
  const plain =
    <E, R>(fn: (ports: SagaPorts, event: E) => Promise<R>): LambdaHandler =>
    async (event) =>
      fn(ports, event as E);
  const compensators = new Map<StepName, LambdaHandler>(
    COMPENSABLE_STEPS.map((step) => [step, guard(`Compensate${step}`, '[runId, step]', compensate)]),
  );
  return {
    [FunctionName.OpenRun]: guard<RunRef, unknown>('OpenRun', 'runId', openRun),
    [FunctionName.CalculatePayChunk]: guard<ChunkRef, unknown>(
      'CalculatePay',
      '[runId, chunk.chunkIndex]',
      calculatePayChunk,
    ),
    [FunctionName.FundPayroll]: guard<RunRef, unknown>('FundPayroll', 'runId', fundPayroll),
    [FunctionName.PostLedger]: guard<RunRef, unknown>('PostLedger', 'runId', postLedger),
    [FunctionName.Disburse]: guard<RunRef, unknown>('Disburse', 'runId', disburse),
    // Polled: each call must read the current state, so it is not cached; its one write is once-only.
    [FunctionName.CheckDisbursement]: plain(checkDisbursement),
    [FunctionName.PublishPayslips]: guard<RunRef, unknown>('PublishPayslips', 'runId', publishPayslips),
    [FunctionName.CloseRun]: guard<RunRef, unknown>('CloseRun', 'runId', closeRun),
    // One function, one persistence layer and key prefix per compensated step. A failed
    // compensation stores nothing, so a resumed rollback runs it again.
    [FunctionName.Compensate]: async (event, context) => {
      const step = (event as { step: StepName }).step;
      const handler = compensators.get(step);
      if (!handler) throw new BadInputError('UNKNOWN_STEP', `No compensation for step ${String(step)}.`);
      return handler(event, context);
    },
    [FunctionName.BeginRollback]: plain(beginRollback),
    [FunctionName.RecordCompensationFailure]: plain(recordCompensationFailure),
    [FunctionName.FinishRollback]: plain(finishRollback),
  };
}
