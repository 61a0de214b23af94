/**
 * The composition of the DynamoDB and SQS adapters into the saga's ports. The clients are
 * injected: the Lambda runtime's on AWS, the local host's endpoints on the embedded stack.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AuditStore, Clock, SagaPorts, ScheduleStore } from '../../core/ports.js';
import type { BatchWriteOptions } from './batchWriter.js';
import { DataTable } from './dataTable.js';
import { DynamoAchStore } from './dynamoAchStore.js';
import { DynamoAuditStore } from './dynamoAuditStore.js';
import { DynamoChunkStore } from './dynamoChunkStore.js';
import { DynamoDeliveryStore } from './dynamoDeliveryStore.js';
import { DynamoFundingStore } from './dynamoFundingStore.js';
import { DynamoLedgerStore } from './dynamoLedgerStore.js';
import { DynamoLockStore } from './dynamoLockStore.js';
import { DynamoPaymentStore } from './dynamoPaymentStore.js';
import { DynamoPayslipStore } from './dynamoPayslipStore.js';
import { DynamoRosterStore } from './dynamoRosterStore.js';
import { DynamoRunStore } from './dynamoRunStore.js';
import { DynamoScheduleStore } from './dynamoScheduleStore.js';
import { DynamoTimesheetStore } from './dynamoTimesheetStore.js';
import { DynamoYtdLedger } from './dynamoYtdLedger.js';
import { type QueueUrlLookup, queueUrlLookup } from './queueUrls.js';
import { documentsSdk } from './sdk.js';
import { SqsOutbox } from './sqsOutbox.js';
import { DATA_TABLE_NAME, type OutboxQueue } from './tables.js';

export const systemClock: Clock = { now: () => new Date().toISOString() };

export interface SagaPortsOptions {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  /** The data table; the local target's by default. */
  readonly tableName?: string;
  /** The SQS queue behind each outbox queue; the local target's names by default. */
  readonly queueNames?: Readonly<Record<OutboxQueue, string>>;
  /** The URL of a queue by its SQS name; by default looked up once per queue with `sqs`. */
  readonly queueUrl?: QueueUrlLookup;
  readonly clock?: Clock;
  /** Tuning of bulk writes (calls in flight, retries of unprocessed items). */
  readonly batch?: BatchWriteOptions;
}

/** The saga's ports plus the operator's audit trail and the pay schedules, in the same table. */
export interface AwsSagaPorts extends SagaPorts {
  readonly audit: AuditStore;
  readonly schedules: ScheduleStore;
}

export function dataTable(options: {
  readonly dynamodb: DynamoDBClient;
  readonly tableName?: string;
  readonly batch?: BatchWriteOptions;
}): DataTable {
  const documents = documentsSdk.DynamoDBDocumentClient.from(options.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return new DataTable(documents, options.tableName ?? DATA_TABLE_NAME, options.batch);
}

export function createSagaPorts(options: SagaPortsOptions): AwsSagaPorts {
  const table = dataTable(options);
  const clock = options.clock ?? systemClock;
  return {
    clock,
    runs: new DynamoRunStore(table),
    locks: new DynamoLockStore(table, () => clock.now()),
    roster: new DynamoRosterStore(table),
    ytd: new DynamoYtdLedger(table),
    timesheets: new DynamoTimesheetStore(table),
    payments: new DynamoPaymentStore(table),
    chunks: new DynamoChunkStore(table),
    payslips: new DynamoPayslipStore(table),
    funding: new DynamoFundingStore(table),
    ledger: new DynamoLedgerStore(table),
    ach: new DynamoAchStore(table),
    deliveries: new DynamoDeliveryStore(table),
    outbox: new SqsOutbox({
      table,
      sqs: options.sqs,
      queueUrl: options.queueUrl ?? queueUrlLookup(options.sqs),
      ...(options.queueNames ? { queueNames: options.queueNames } : {}),
    }),
    audit: new DynamoAuditStore(table),
    schedules: new DynamoScheduleStore(table, () => clock.now()),
  };
}
