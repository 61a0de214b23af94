/**
 * The composition root of the backend's functions: SDK clients from the Lambda environment (on
 * AWS the runtime's, locally the host's endpoints), adapters, then handlers by function name.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SagaPorts } from '../../core/ports.js';
import { FunctionName } from '../../core/saga/functions.js';
import { DynamoMessageFailureStore } from '../aws/dynamoMessageFailureStore.js';
import { createSagaPorts, dataTable } from '../aws/sagaPorts.js';
import { createExecutionPort, stateMachineArn } from '../aws/sfnExecutions.js';
import { IDEMPOTENCY_TABLE_NAME } from '../aws/tables.js';
import type { LambdaHandler } from '../resources.js';
import { type ArtifactStore, createBankGatewayHandler } from './bankGateway.js';
import type { IdempotencyOptions, InsideGuard } from './idempotency.js';
import { createOffCycleApiHandler } from './offCycleApi.js';
import { createPayslipDeliveryHandler } from './payslipDelivery.js';
import { createSagaHandlers } from './sagaHandlers.js';

export interface PayrollBackend {
  readonly ports: SagaPorts;
  readonly idempotency: IdempotencyOptions;
  readonly handlers: Readonly<Record<string, LambdaHandler>>;
}

export interface PayrollBackendOptions {
  readonly artifacts: ArtifactStore;
  /** Local host only: its fault injection inside the idempotency guard (see InsideGuard). */
  readonly insideGuard?: InsideGuard;
}

export function createPayrollBackend(options: PayrollBackendOptions): PayrollBackend {
  const dynamodb = new DynamoDBClient({});
  // Requests go to the configured endpoint, not the queue URL's host: the same on AWS, and on the
  // embedded stack, whose queue URLs name a virtual host that need not resolve.
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
  const sfn = new SFNClient({});
  const ports = createSagaPorts({ dynamodb, sqs });
  const idempotency: IdempotencyOptions = {
    client: dynamodb,
    tableName: IDEMPOTENCY_TABLE_NAME,
    ...(options.insideGuard ? { insideGuard: options.insideGuard } : {}),
  };
  const failures = new DynamoMessageFailureStore(dataTable({ dynamodb }));
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
        executions: async (context) => {
          // The state machines live in the invoked function's account and region.
          const [, , , region, account] = context.invokedFunctionArn.split(':');
          const resolvedRegion = region || (await sfn.config.region());
          return createExecutionPort(sfn, (name) => stateMachineArn(resolvedRegion, account ?? '', name));
        },
      }),
    },
  };
}
