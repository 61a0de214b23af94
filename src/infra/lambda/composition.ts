/**
 * The composition root of the backend's functions: SDK clients from the Lambda environment (on
 * AWS the runtime's, locally the host's endpoints), adapters over the names in `config`, then
 * handlers by function (handler key). The Lambda entry builds the config from its environment
 * variables, the local host from the backend specification.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AuditStore, SagaPorts, ScheduleStore } from '../../core/ports.js';
import { FunctionName, type StateMachineName } from '../../core/saga/functions.js';
import { DynamoMessageFailureStore } from '../aws/dynamoMessageFailureStore.js';
import { queueUrlLookup } from '../aws/queueUrls.js';
import { createRequestGuard } from '../aws/requestGuard.js';
import { createSagaPorts, dataTable } from '../aws/sagaPorts.js';
import { createExecutionPort } from '../aws/sfnExecutions.js';
import { SqsDeadLetters } from '../aws/sqsDeadLetters.js';
import type { OutboxQueue } from '../backendSpec.js';
import type { LambdaHandler } from '../resources.js';
import { type ArtifactStore, createBankGatewayHandler } from './bankGateway.js';
import { createDeadLetterRedriveHandler } from './deadLetterRedrive.js';
import type { IdempotencyOptions, InsideGuard } from './idempotency.js';
import { createOffCycleApiHandler } from './offCycleApi.js';
import { createPaydayHandlers } from './paydayHandlers.js';
import { createPayslipDeliveryHandler } from './payslipDelivery.js';
import { createSagaHandlers } from './sagaHandlers.js';

export interface PayrollBackend {
  readonly ports: SagaPorts & { readonly audit: AuditStore; readonly schedules: ScheduleStore };
  readonly idempotency: IdempotencyOptions;
  readonly handlers: Readonly<Record<string, LambdaHandler>>;
}

/** The physical names the functions work on: one target's, never constants. */
export interface BackendConfig {
  readonly dataTable: string;
  readonly idempotencyTable: string;
  /** The SQS queue name behind each outbox queue. */
  readonly queues: Readonly<Record<OutboxQueue, string>>;
  /** The SQS name of each outbox queue's dead-letter queue (the scheduled redrive's). */
  readonly dlqs: Readonly<Record<OutboxQueue, string>>;
  readonly stateMachineArns: Readonly<Record<StateMachineName, string>>;
}

export interface PayrollBackendOptions {
  readonly config: BackendConfig;
  readonly artifacts: ArtifactStore;
  /** Local host only: its fault injection inside the idempotency guard (see InsideGuard). */
  readonly insideGuard?: InsideGuard;
  /** Deployed only: wraps each SDK client (X-Ray tracing of its calls). */
  readonly instrument?: <C>(client: C) => C;
}

export function createPayrollBackend(options: PayrollBackendOptions): PayrollBackend {
  const instrument = options.instrument ?? (<C>(client: C) => client);
  const dynamodb = instrument(new DynamoDBClient({}));
  // Requests go to the configured endpoint, not the queue URL's host: the same on AWS, and on the
  // embedded stack, whose queue URLs name a virtual host that need not resolve.
  const sqs = instrument(new SQSClient({ useQueueUrlAsEndpoint: false }));
  const sfn = instrument(new SFNClient({}));
  const { config } = options;
  const queueUrl = queueUrlLookup(sqs);
  const ports = createSagaPorts({
    dynamodb,
    sqs,
    tableName: config.dataTable,
    queueNames: config.queues,
    queueUrl,
  });
  const idempotency: IdempotencyOptions = {
    client: dynamodb,
    tableName: config.idempotencyTable,
    ...(options.insideGuard ? { insideGuard: options.insideGuard } : {}),
  };
  const failures = new DynamoMessageFailureStore(dataTable({ dynamodb, tableName: config.dataTable }));
  const executions = createExecutionPort(sfn, (machine) => config.stateMachineArns[machine]);
  const now = () => ports.clock.now();
  return {
    ports,
    idempotency,
    handlers: {
      ...createSagaHandlers({ ports, idempotency }),
      [FunctionName.BankGateway]: createBankGatewayHandler({
        ...ports,
        artifacts: options.artifacts,
        idempotency,
        failures,
        now,
      }),
      [FunctionName.PayslipDelivery]: createPayslipDeliveryHandler({ ...ports, idempotency, failures, now }),
      [FunctionName.OffCycleApi]: createOffCycleApiHandler({
        ports,
        executions,
        requests: createRequestGuard({
          client: dynamodb,
          tableName: config.idempotencyTable,
          kind: 'StartRun',
        }),
      }),
      ...createPaydayHandlers({ ports, executions }),
      [FunctionName.RedriveDeadLetters]: createDeadLetterRedriveHandler({
        dlq: new SqsDeadLetters({
          sqs,
          queueUrl,
          names: { queues: config.queues, dlqs: config.dlqs },
        }),
        failures,
        now,
      }),
    },
  };
}
