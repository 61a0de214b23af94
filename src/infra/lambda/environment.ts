/**
 * The deployed functions' configuration through environment variables: the CDK stack writes them
 * (`lambdaEnvironment`), the Lambda entry reads them (`readLambdaEnvironment`), so resource names
 * are never constants in the bundle. The Lambda-side counterpart of src/commands/config.ts.
 */
import { InfrastructureError } from '../../core/errors.js';
import { FunctionName, StateMachineName } from '../../core/saga/functions.js';
import { OutboxQueue } from '../backendSpec.js';
import type { BackendConfig } from './composition.js';

export const LambdaEnv = {
  /** Which handler this function runs (the entry dispatches on it). */
  Handler: 'PAYROLL_OPS_HANDLER',
  DataTable: 'PAYROLL_OPS_DATA_TABLE',
  IdempotencyTable: 'PAYROLL_OPS_IDEMPOTENCY_TABLE',
  ArtifactsBucket: 'PAYROLL_OPS_ARTIFACTS_BUCKET',
} as const;
export type LambdaEnv = (typeof LambdaEnv)[keyof typeof LambdaEnv];

const upper = (kebab: string) => kebab.toUpperCase().replaceAll('-', '_');

/** `PAYROLL_OPS_QUEUE_BANK_GATEWAY`: the SQS name behind an outbox queue. */
export const queueVariable = (queue: OutboxQueue): string => `PAYROLL_OPS_QUEUE_${upper(queue)}`;
/** `PAYROLL_OPS_DLQ_BANK_GATEWAY`: the SQS name of an outbox queue's dead-letter queue. */
export const deadLetterQueueVariable = (queue: OutboxQueue): string => `PAYROLL_OPS_DLQ_${upper(queue)}`;
/** `PAYROLL_OPS_STATE_MACHINE_PAY_RUN`: a state machine's ARN. */
export const stateMachineVariable = (machine: StateMachineName): string =>
  `PAYROLL_OPS_STATE_MACHINE_${upper(machine)}`;

export interface LambdaSettings {
  readonly handler: FunctionName;
  readonly config: BackendConfig;
  readonly artifactsBucket: string;
}

/** The variables of one function (values may be CDK tokens). */
export function lambdaEnvironment(
  handler: FunctionName,
  config: BackendConfig,
  artifactsBucket: string,
): Record<string, string> {
  return {
    [LambdaEnv.Handler]: handler,
    [LambdaEnv.DataTable]: config.dataTable,
    [LambdaEnv.IdempotencyTable]: config.idempotencyTable,
    [LambdaEnv.ArtifactsBucket]: artifactsBucket,
    ...Object.fromEntries(
      Object.values(OutboxQueue).map((queue) => [queueVariable(queue), config.queues[queue]]),
    ),
    ...Object.fromEntries(
      Object.values(OutboxQueue).map((queue) => [deadLetterQueueVariable(queue), config.dlqs[queue]]),
    ),
    ...Object.fromEntries(
      Object.values(StateMachineName).map((machine) => [
        stateMachineVariable(machine),
        config.stateMachineArns[machine],
      ]),
    ),
  };
}

export function readLambdaEnvironment(env: Readonly<Record<string, string | undefined>>): LambdaSettings {
  const required = (name: string): string => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new InfrastructureError(
        'LAMBDA_ENVIRONMENT',
        `The function's environment lacks ${name}; redeploy the stack.`,
      );
    }
    return value;
  };
  const handler = required(LambdaEnv.Handler);
  if (!(Object.values(FunctionName) as string[]).includes(handler)) {
    throw new InfrastructureError(
      'LAMBDA_ENVIRONMENT',
      `${LambdaEnv.Handler}=${JSON.stringify(handler)} names no handler.`,
    );
  }
  return {
    handler: handler as FunctionName,
    artifactsBucket: required(LambdaEnv.ArtifactsBucket),
    config: {
      dataTable: required(LambdaEnv.DataTable),
      idempotencyTable: required(LambdaEnv.IdempotencyTable),
      queues: Object.fromEntries(
        Object.values(OutboxQueue).map((queue) => [queue, required(queueVariable(queue))]),
      ) as BackendConfig['queues'],
      dlqs: Object.fromEntries(
        Object.values(OutboxQueue).map((queue) => [queue, required(deadLetterQueueVariable(queue))]),
      ) as BackendConfig['dlqs'],
      stateMachineArns: Object.fromEntries(
        Object.values(StateMachineName).map((machine) => [machine, required(stateMachineVariable(machine))]),
      ) as BackendConfig['stateMachineArns'],
    },
  };
}
