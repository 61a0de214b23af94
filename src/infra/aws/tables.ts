/**
 * The backend's DynamoDB tables and SQS queues as data. The local host creates them in the
 * emulators and the CDK stack declares them on AWS, from these same definitions.
 */
import type { OutboxMessage } from '../../core/saga/records.js';
import type { QueueSpec, TableSpec } from '../resources.js';

export const DATA_TABLE_NAME = 'payroll-ops-data';
export const IDEMPOTENCY_TABLE_NAME = 'payroll-ops-idempotency';
/** The one secondary index of the data table: sparse, only items that carry `gsi1pk` appear in it. */
export const GSI1 = 'gsi1';

/** Every pay-run record lives in one table, keyed by the patterns in docs/data-model.md. */
export const DATA_TABLE: TableSpec = {
  name: DATA_TABLE_NAME,
  partitionKey: 'pk',
  sortKey: 'sk',
  gsis: [{ name: GSI1, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
};

/** Powertools for AWS Lambda idempotency records (its DynamoDB persistence layer's default key `id`). */
export const IDEMPOTENCY_TABLE: TableSpec = {
  name: IDEMPOTENCY_TABLE_NAME,
  partitionKey: 'id',
};

export const PAYROLL_TABLES: TableSpec[] = [DATA_TABLE, IDEMPOTENCY_TABLE];

export type OutboxQueue = OutboxMessage['queue'];

/** The outbox's logical queue names (what the saga says) and the SQS queue behind each. */
export const QUEUE_NAMES: Readonly<Record<OutboxQueue, string>> = {
  'bank-gateway': 'payroll-ops-bank-gateway',
  'payslip-delivery': 'payroll-ops-payslip-delivery',
};

/** A message that fails three receives is parked in the DLQ for the operator instead of looping forever. */
const MAX_RECEIVE_COUNT = 3;
/**
 * Must be at least the consumer function's timeout (AWS refuses the event source mapping
 * otherwise); short enough that a failed delivery is retried promptly on the local stack.
 */
const VISIBILITY_TIMEOUT_SECONDS = 30;

function queueWithDlq(name: string): QueueSpec {
  return {
    name,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    dlq: { name: `${name}-dlq`, maxReceiveCount: MAX_RECEIVE_COUNT },
  };
}

export const PAYROLL_QUEUES: QueueSpec[] = [
  queueWithDlq(QUEUE_NAMES['bank-gateway']),
  queueWithDlq(QUEUE_NAMES['payslip-delivery']),
];
