/**
 * The stack's outputs: every name the CLI needs to reach what `deploy` made. A deployed target
 * records them (config.json), `target add` reads them back from CloudFormation.
 */
import { StateMachineName } from '../core/saga/functions.js';
import type { OutboxMessage } from '../core/saga/records.js';

type OutboxQueue = OutboxMessage['queue'];

export const OutputKey = {
  DataTableName: 'DataTableName',
  IdempotencyTableName: 'IdempotencyTableName',
  ArtifactsBucketName: 'ArtifactsBucketName',
  BankGatewayQueueUrl: 'BankGatewayQueueUrl',
  BankGatewayDlqUrl: 'BankGatewayDlqUrl',
  PayslipDeliveryQueueUrl: 'PayslipDeliveryQueueUrl',
  PayslipDeliveryDlqUrl: 'PayslipDeliveryDlqUrl',
  PayRunStateMachineArn: 'PayRunStateMachineArn',
  RollbackStateMachineArn: 'RollbackStateMachineArn',
  PaydayStateMachineArn: 'PaydayStateMachineArn',
  ApiUrl: 'ApiUrl',
  DefinitionHash: 'DefinitionHash',
} as const;
export type OutputKey = (typeof OutputKey)[keyof typeof OutputKey];

/** What an output holds; the CDK app resolves each kind to the resource's attribute. */
export type OutputValue =
  | { readonly kind: 'table-name'; readonly table: 'data' | 'idempotency' }
  | { readonly kind: 'bucket-name' }
  | { readonly kind: 'queue-url'; readonly queue: OutboxQueue; readonly dlq: boolean }
  | { readonly kind: 'state-machine-arn'; readonly machine: StateMachineName }
  | { readonly kind: 'api-url' }
  | { readonly kind: 'definition-hash' };

export interface OutputSpec {
  readonly key: OutputKey;
  readonly description: string;
  readonly value: OutputValue;
}

export const OUTPUT_SPECS: readonly OutputSpec[] = [
  {
    key: OutputKey.DataTableName,
    description: 'DynamoDB table of every pay-run record',
    value: { kind: 'table-name', table: 'data' },
  },
  {
    key: OutputKey.IdempotencyTableName,
    description: 'DynamoDB table of Powertools idempotency records',
    value: { kind: 'table-name', table: 'idempotency' },
  },
  {
    key: OutputKey.ArtifactsBucketName,
    description: 'S3 bucket of ACH files and the transmission log',
    value: { kind: 'bucket-name' },
  },
  {
    key: OutputKey.BankGatewayQueueUrl,
    description: 'SQS queue of ACH files for the bank gateway',
    value: { kind: 'queue-url', queue: 'bank-gateway', dlq: false },
  },
  {
    key: OutputKey.BankGatewayDlqUrl,
    description: 'Dead-letter queue of the bank gateway',
    value: { kind: 'queue-url', queue: 'bank-gateway', dlq: true },
  },
  {
    key: OutputKey.PayslipDeliveryQueueUrl,
    description: 'SQS queue of payslip deliveries',
    value: { kind: 'queue-url', queue: 'payslip-delivery', dlq: false },
  },
  {
    key: OutputKey.PayslipDeliveryDlqUrl,
    description: 'Dead-letter queue of payslip deliveries',
    value: { kind: 'queue-url', queue: 'payslip-delivery', dlq: true },
  },
  {
    key: OutputKey.PayRunStateMachineArn,
    description: 'The pay-run saga',
    value: { kind: 'state-machine-arn', machine: StateMachineName.PayRun },
  },
  {
    key: OutputKey.RollbackStateMachineArn,
    description: "The operator's rollback",
    value: { kind: 'state-machine-arn', machine: StateMachineName.Rollback },
  },
  {
    key: OutputKey.PaydayStateMachineArn,
    description: 'The payday machine: starts the regular runs due on a day',
    value: { kind: 'state-machine-arn', machine: StateMachineName.Payday },
  },
  { key: OutputKey.ApiUrl, description: 'Off-cycle runs API (IAM auth)', value: { kind: 'api-url' } },
  {
    key: OutputKey.DefinitionHash,
    description: 'Hash of the state machine definitions this stack runs',
    value: { kind: 'definition-hash' },
  },
];
