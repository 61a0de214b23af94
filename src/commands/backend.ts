/**
 * Opens the backend a command operates on: the embedded local stack (attached to, or started
 * detached) or a deployed AWS target. The same SDK clients and adapters serve both.
 */
import { BadInputError } from '../core/errors.js';
import type { ExecutionPort } from '../core/ports.js';
import type { StateMachineName } from '../core/saga/functions.js';
import { type AwsClients, clientsFor } from '../infra/aws/clients.js';
import { type QueueUrlLookup, queueUrlLookup } from '../infra/aws/queueUrls.js';
import { type AwsSagaPorts, createSagaPorts } from '../infra/aws/sagaPorts.js';
import { createExecutionPort } from '../infra/aws/sfnExecutions.js';
import { localCredentials } from '../infra/local/credentials.js';
import { ensureLocalHost } from '../infra/local/ensureHost.js';
import { ensurePrivateFolder } from '../infra/local/privateFolder.js';
import { localTargetOutputs } from '../infra/localTarget.js';
import { type TargetNames, targetNames } from '../infra/targetNames.js';
import type { CommandContext } from './context.js';

export interface Backend {
  readonly target: string;
  readonly home: string;
  readonly clients: AwsClients;
  /** Every physical name, from the target's outputs (the local target's: what its host applied). */
  readonly names: TargetNames;
  /** The saga's ports plus the operator's audit trail. */
  readonly ports: AwsSagaPorts;
  readonly executions: ExecutionPort;
  /** Queue URLs by SQS name, looked up once. */
  readonly queueUrl: QueueUrlLookup;
  stateMachineArn(machine: StateMachineName): string;
  close(): void;
}

export const LOCAL_TARGET = 'local';

export function requireLocalTarget(ctx: CommandContext, what: string): void {
  if (ctx.globals.target !== LOCAL_TARGET) {
    throw new BadInputError(
      'LOCAL_ONLY',
      `${what} is only available on the local target, not on ${ctx.globals.target}; drop --target.`,
    );
  }
}

export async function openBackend(ctx: CommandContext): Promise<Backend> {
  if (ctx.globals.target !== LOCAL_TARGET) {
    throw new BadInputError(
      'UNKNOWN_TARGET',
      `Target ${ctx.globals.target} is not known here; only the built-in local target is available until payroll-ops deploy records an AWS target. Use --target local.`,
    );
  }
  ensurePrivateFolder(ctx.env.home, (message) => ctx.io.warn(message));
  const endpoints = await ensureLocalHost(ctx.env.home);
  const clients = clientsFor(
    { kind: 'local', endpoints, credentials: localCredentials(ctx.env.home) },
    { userAgent: 'payroll-ops-cli' },
  );
  const queueUrl = queueUrlLookup(clients.sqs);
  // The local host recorded them before it answered ensureLocalHost.
  const names = targetNames(localTargetOutputs(ctx.env.home), LOCAL_TARGET);
  const arnOf = (machine: StateMachineName) => names.stateMachineArns[machine];
  return {
    target: LOCAL_TARGET,
    home: ctx.env.home,
    clients,
    names,
    ports: createSagaPorts({
      dynamodb: clients.dynamodb,
      sqs: clients.sqs,
      queueUrl,
      tableName: names.dataTable,
      queueNames: names.queues,
    }),
    executions: createExecutionPort(clients.sfn, arnOf),
    queueUrl,
    stateMachineArn: arnOf,
    close: () => clients.destroy(),
  };
}

/** Runs `action` with an open backend and always closes its sockets so the command exits promptly. */
export async function withBackend<T>(
  ctx: CommandContext,
  action: (backend: Backend) => Promise<T>,
): Promise<T> {
  const backend = await openBackend(ctx);
  try {
    return await action(backend);
  } finally {
    backend.close();
  }
}
