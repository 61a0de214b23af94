/** SQS event source plumbing: one record at a time, failures reported per item so only they are retried. */
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

export function sqsBatchHandler<B>(
  process: (body: B, record: SqsRecord, context: LambdaContext) => Promise<void>,
): (event: unknown, context: LambdaContext) => Promise<BatchResponse> {
  return async (event, context) => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of (event as SqsEvent).Records) {
      try {
        await process(JSON.parse(record.body) as B, record, context);
      } catch {
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
