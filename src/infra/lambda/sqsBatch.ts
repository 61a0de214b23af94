/** SQS event source plumbing: one record at a time, failures reported per item so only they are retried. */
import { type MessageFailureStore, pointerOf } from '../../core/deadLetters.js';
import { describeError, PayrollOpsError } from '../../core/errors.js';
import type { LambdaContext } from '../resources.js';

export interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

export interface BatchResponse {
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

/** Where a failed message's error is kept, so `payroll-ops dlq list` can say why it was parked. */
export type FailureRecorder = Pick<MessageFailureStore, 'recordFailure'>;

async function recordFailure(recorder: FailureRecorder, record: SqsRecord, error: unknown): Promise<void> {
  const { messageId, runId } = pointerOf(record.body);
  if (messageId === undefined || runId === undefined) return;
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
  try {
    await recorder.recordFailure({
      messageId,
      runId,
      error: describeError(error),
      ...(PayrollOpsError.isPayrollOpsError(error) ? { code: error.code } : {}),
      at: new Date().toISOString(),
      ...(Number.isFinite(receiveCount) ? { receiveCount } : {}),
    });
  } catch {
    // Bookkeeping only: the message is retried (and parked) whether or not its error was kept.
  }
}

export function sqsBatchHandler<B>(
  process: (body: B, record: SqsRecord, context: LambdaContext) => Promise<void>,
  failures?: FailureRecorder,
): (event: unknown, context: LambdaContext) => Promise<BatchResponse> {
  return async (event, context) => {
    const failed: { itemIdentifier: string }[] = [];
    for (const record of (event as SqsEvent).Records) {
      try {
        await process(JSON.parse(record.body) as B, record, context);
      } catch (error) {
        failed.push({ itemIdentifier: record.messageId });
        if (failures) await recordFailure(failures, record, error);
      }
    }
    return { batchItemFailures: failed };
  };
}
