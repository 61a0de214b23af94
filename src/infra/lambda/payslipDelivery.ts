/**
 * Payslip delivery: one message per chunk of payslips. Locally "delivery" is the record that the
 * chunk's payslips were made available to employees; a retracted run is not delivered.
 */
import type { DeliveryStore, Outbox, RunStore } from '../../core/ports.js';
import { RunStatus } from '../../core/saga/steps.js';
import type { LambdaHandler } from '../resources.js';
import { type IdempotencyOptions, idempotentHandler } from './idempotency.js';
import { type FailureRecorder, sqsBatchHandler } from './sqsBatch.js';

export interface PayslipDeliveryDeps {
  readonly runs: RunStore;
  readonly deliveries: DeliveryStore;
  readonly outbox: Outbox;
  readonly idempotency: IdempotencyOptions;
  /** Keeps each failed message's error for `payroll-ops dlq list`. */
  readonly failures?: FailureRecorder;
  readonly now: () => string;
}

export interface DeliveryMessage {
  readonly messageId: string;
  readonly runId: string;
  readonly chunkIndex: number;
}

const NOT_DELIVERABLE: readonly RunStatus[] = [
  RunStatus.RollingBack,
  RunStatus.RolledBack,
  RunStatus.CompensationFailed,
];

export async function deliverPayslips(
  deps: Omit<PayslipDeliveryDeps, 'idempotency' | 'failures'>,
  message: DeliveryMessage,
) {
  const run = await deps.runs.getRun(message.runId);
  if (run && !NOT_DELIVERABLE.includes(run.status)) {
    await deps.deliveries.recordDelivery(message.runId, message.chunkIndex, 'DELIVERED', deps.now());
  }
  await deps.outbox.markDone(message.messageId);
}

export function createPayslipDeliveryHandler(deps: PayslipDeliveryDeps): LambdaHandler {
  const deliver = idempotentHandler<DeliveryMessage, void>(
    deps.idempotency,
    'PayslipDelivery',
    'messageId',
    (m) => deliverPayslips(deps, m),
  );
  return sqsBatchHandler<DeliveryMessage>(async (message, _record, context) => {
    await deliver(message, context);
  }, deps.failures);
}
