/**
 * The stack's state: the DynamoDB tables, the artifacts bucket and the queues with their DLQs,
 * each from its entry in the backend specification. Tables and buckets outlive the stack
 * (RETAIN, deletion protection): `payroll-ops destroy` must never take pay-run records with it.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { BackendQueue, BackendSpec, BackendTable, OutboxQueue } from '../backendSpec.js';
import { type KeyAttribute, KeyType, keyName, keyType } from '../resources.js';

export interface Storage {
  readonly dataTable: dynamodb.TableV2;
  readonly idempotencyTable: dynamodb.TableV2;
  readonly artifacts: s3.Bucket;
  readonly queues: ReadonlyMap<OutboxQueue, { readonly queue: sqs.Queue; readonly dlq: sqs.Queue }>;
}

const ATTRIBUTE_TYPES: Readonly<Record<KeyType, dynamodb.AttributeType>> = {
  [KeyType.String]: dynamodb.AttributeType.STRING,
  [KeyType.Number]: dynamodb.AttributeType.NUMBER,
  [KeyType.Binary]: dynamodb.AttributeType.BINARY,
};

const attribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: keyName(key),
  type: ATTRIBUTE_TYPES[keyType(key)],
});

/** SQS keeps an undelivered message 4 days by default; parked messages wait for the operator longer. */
const DLQ_RETENTION = Duration.days(14);

function table(scope: Construct, spec: BackendTable): dynamodb.TableV2 {
  return new dynamodb.TableV2(scope, spec.logicalId, {
    tableName: spec.name,
    partitionKey: attribute(spec.partitionKey),
    ...(spec.sortKey ? { sortKey: attribute(spec.sortKey) } : {}),
    globalSecondaryIndexes: (spec.gsis ?? []).map((index) => ({
      indexName: index.name,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
    })),
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
  });
}

function queueWithDlq(scope: Construct, spec: BackendQueue) {
  const dlq = new sqs.Queue(scope, `${spec.logicalId}Dlq`, {
    queueName: spec.dlq.name,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DLQ_RETENTION,
  });
  const queue = new sqs.Queue(scope, spec.logicalId, {
    queueName: spec.name,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
    deadLetterQueue: { queue: dlq, maxReceiveCount: spec.dlq.maxReceiveCount },
  });
  return { queue, dlq };
}

function bucket(scope: Construct, id: string, props: s3.BucketProps = {}): s3.Bucket {
  // No bucket name: S3 names are global, so CloudFormation makes one unique to this stack.
  return new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    ...props,
  });
}

export function declareStorage(scope: Construct, spec: BackendSpec): Storage {
  // Who read or wrote which ACH file: S3 server access logs (delivered under a bucket policy).
  const accessLogs = bucket(scope, `${spec.artifactsBucket.logicalId}AccessLogs`, { versioned: false });
  return {
    dataTable: table(scope, spec.tables.data),
    idempotencyTable: table(scope, spec.tables.idempotency),
    artifacts: bucket(scope, spec.artifactsBucket.logicalId, {
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
    }),
    queues: new Map(spec.queues.map((queue) => [queue.outbox, queueWithDlq(scope, queue)])),
  };
}
