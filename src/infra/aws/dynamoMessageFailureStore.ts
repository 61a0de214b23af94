/**
 * The last handler error of each queue message, under its run: `RUN#<runId>` / `MSGFAIL#<messageId>`
 * (the pointer id, stable across redeliveries and DLQ redrives, unlike SQS's own message id).
 * Written by the SQS consumers when a message fails, read by `payroll-ops dlq list`.
 */
import type { MessageFailure, MessageFailureStore } from '../../core/deadLetters.js';
import { type DataTable, withoutKeys } from './dataTable.js';
import { runPk } from './keys.js';

export const MESSAGE_FAILURE_PREFIX = 'MSGFAIL#';

const failureKey = (runId: string, messageId: string) => ({
  pk: runPk(runId),
  sk: `${MESSAGE_FAILURE_PREFIX}${messageId}`,
});

export class DynamoMessageFailureStore implements MessageFailureStore {
  constructor(private readonly table: DataTable) {}

  async recordFailure(failure: MessageFailure): Promise<void> {
    await this.table.put({ ...failureKey(failure.runId, failure.messageId), ...failure });
  }

  async getFailure(runId: string, messageId: string): Promise<MessageFailure | undefined> {
    const item = await this.table.get(failureKey(runId, messageId));
    return item ? (withoutKeys(item) as unknown as MessageFailure) : undefined;
  }
}
