/**
 * The backend's functions: one asset (the esbuild bundle) for all of them, each told by its
 * environment which handler it runs and on which resources; each granted exactly the access its
 * specification lists; SQS triggers from the specification.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionName, StateMachineName } from '../../core/saga/functions.js';
import { ARTIFACTS_PREFIX, TRANSMISSIONS_PREFIX } from '../aws/s3Artifacts.js';
import { type BackendFunction, type BackendSpec, stateMachineOf } from '../backendSpec.js';
import type { BackendConfig } from '../lambda/composition.js';
import { lambdaEnvironment } from '../lambda/environment.js';
import type { Storage } from './storage.js';

/** Node.js 22 or later: the runtime provides AWS SDK v3, which the bundle leaves out. */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** Log retention of functions, state machines and API access logs. */
export const LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

/**
 * A state machine's ARN from its fixed name. A CDK reference to the machine from a function's
 * environment or policy makes a cycle (function → machine → machine role → function ARNs).
 */
export function stateMachineArnOf(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function configOf(scope: Construct, spec: BackendSpec, storage: Storage): BackendConfig {
  return {
    dataTable: storage.dataTable.tableName,
    idempotencyTable: storage.idempotencyTable.tableName,
    queues: Object.fromEntries(
      [...storage.queues].map(([outbox, { queue }]) => [outbox, queue.queueName]),
    ) as BackendConfig['queues'],
    dlqs: Object.fromEntries(
      [...storage.queues].map(([outbox, { dlq }]) => [outbox, dlq.queueName]),
    ) as BackendConfig['dlqs'],
    stateMachineArns: Object.fromEntries(
      spec.stateMachines.map((machine) => [machine.machine, stateMachineArnOf(scope, machine.name)]),
    ) as Record<StateMachineName, string>,
  };
}

/** `execution:<machine>:*`: the executions of one state machine (Standard executions are `:`-named). */
export function executionsArnOf(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${name}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** PutObject only, under the two prefixes the artifact store writes (s3Artifacts.ts). */
export function artifactObjectArns(storage: Storage): string[] {
  return [
    storage.artifacts.arnForObjects(`${ARTIFACTS_PREFIX}*`),
    storage.artifacts.arnForObjects(`${TRANSMISSIONS_PREFIX}*`),
  ];
}

function grantAccess(
  scope: Construct,
  spec: BackendSpec,
  storage: Storage,
  fn: BackendFunction,
  target: lambda.Function,
) {
  const { access } = fn;
  if (access.dataTable) storage.dataTable.grantReadWriteData(target);
  if (access.idempotencyTable) storage.idempotencyTable.grantReadWriteData(target);
  for (const queue of access.sendTo) storage.queues.get(queue)?.queue.grantSendMessages(target);
  if (access.writeArtifacts) {
    target.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: artifactObjectArns(storage) }),
    );
    // Only ACH files may be removed (one cancelled while written); the transmission log never.
    target.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: [storage.artifacts.arnForObjects(`${ARTIFACTS_PREFIX}*`)],
      }),
    );
  }
  if (access.startExecutions.length > 0) {
    const names = access.startExecutions.map((machine) => stateMachineOf(spec, machine).name);
    target.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: names.map((name) => stateMachineArnOf(scope, name)),
      }),
    );
    // A start whose answer was lost asks whether its execution began (startRun.ts).
    target.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: names.map((name) => executionsArnOf(scope, name)),
      }),
    );
  }
  for (const queue of access.redriveDeadLetters) storage.queues.get(queue)?.dlq.grantConsumeMessages(target);
}

export function declareFunctions(
  scope: Construct,
  spec: BackendSpec,
  storage: Storage,
  bundleDir: string,
): ReadonlyMap<FunctionName, lambda.Function> {
  const code = lambda.Code.fromAsset(bundleDir);
  const config = configOf(scope, spec, storage);
  const functions = new Map<FunctionName, lambda.Function>();
  for (const fn of spec.functions) {
    const logGroup = new logs.LogGroup(scope, `${fn.logicalId}Logs`, { retention: LOG_RETENTION });
    const created = new lambda.Function(scope, fn.logicalId, {
      functionName: fn.name,
      description: `payroll-ops ${fn.handler} (${spec.stackName})`,
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      code,
      handler: 'index.handler',
      memorySize: fn.memoryMb,
      timeout: Duration.seconds(fn.timeoutSeconds),
      environment: {
        ...lambdaEnvironment(fn.handler, config, storage.artifacts.bucketName),
        POWERTOOLS_SERVICE_NAME: 'payroll-ops',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    grantAccess(scope, spec, storage, fn, created);
    functions.set(fn.handler, created);
  }
  for (const trigger of spec.triggers) {
    const queue = storage.queues.get(trigger.queue)?.queue;
    const consumer = functions.get(trigger.handler);
    if (!queue || !consumer) continue;
    consumer.addEventSource(
      new SqsEventSource(queue, {
        batchSize: trigger.batchSize,
        reportBatchItemFailures: trigger.reportBatchItemFailures,
        ...(trigger.maximumConcurrency ? { maxConcurrency: trigger.maximumConcurrency } : {}),
      }),
    );
  }
  return functions;
}
