/**
 * Opens the backend a command operates on, and hands it ports — never SDK clients, table names or
 * queue URLs. The `local` target is the embedded stack (attached to, or started detached); any
 * other is a deployed stack recorded by `deploy` or `target add`, reached after an STS pre-flight
 * that names a credentials problem in one line. Names come from the target's stack outputs (the
 * template the local host applied, or the deployed stack's), so both kinds take the same code path
 * apart from endpoints, credentials and where ACH files are kept.
 */
import { readFile } from 'node:fs/promises';
import type { DeadLetterQueues, MessageFailureStore } from '../core/deadLetters.js';
import { OperationFailedError } from '../core/errors.js';
import type { IdempotencyStore } from '../core/idempotencyRules.js';
import type { ExecutionPort, PaydayExecutions, RequestGuard } from '../core/ports.js';
import { StateMachineName } from '../core/saga/functions.js';
import { type AwsClients, clientsFor } from '../infra/aws/clients.js';
import { DynamoMessageFailureStore } from '../infra/aws/dynamoMessageFailureStore.js';
import { DynamoIdempotencyStore } from '../infra/aws/idempotencyStore.js';
import { queueUrlLookup } from '../infra/aws/queueUrls.js';
import type { RequestGuardOptions } from '../infra/aws/requestGuard.js';
import { type AwsSagaPorts, createSagaPorts, dataTable } from '../infra/aws/sagaPorts.js';
import { createExecutionPort } from '../infra/aws/sfnExecutions.js';
import { createPaydayExecutions } from '../infra/aws/sfnPayday.js';
import { SqsDeadLetters } from '../infra/aws/sqsDeadLetters.js';
import {
  type BackendNames,
  namesFromOutputs,
  type ResolvedTarget,
  resolveTarget,
} from '../infra/backendTarget.js';
import { localCredentials } from '../infra/local/credentials.js';
import { ensureLocalHost } from '../infra/local/ensureHost.js';
import { ensurePrivateFolder } from '../infra/local/privateFolder.js';
import { localTarget } from '../infra/localTarget.js';
import { LOCAL_TARGET_NAME } from '../infra/targets.js';
import type { CommandContext } from './context.js';

/**
 * The request guard, its Powertools modules (≈ 26 ms to load) loaded when a keyed start first
 * uses it, not by every command that opens the backend.
 */
function lazyRequestGuard(options: RequestGuardOptions): RequestGuard {
  let guard: Promise<RequestGuard> | undefined;
  return {
    async once(key, request, work) {
      guard ??= import('../infra/aws/requestGuard.js').then((module) => module.createRequestGuard(options));
      return (await guard).once(key, request, work);
    },
  };
}

export interface Backend {
  readonly target: ResolvedTarget;
  /** The saga's ports plus the operator's audit trail. */
  readonly ports: AwsSagaPorts;
  readonly executions: ExecutionPort;
  /** The payday machine's executions (`schedule run-due`). */
  readonly payday: PaydayExecutions;
  readonly deadLetters: DeadLetterQueues & { dlqName(queue: string): string };
  readonly messageFailures: MessageFailureStore;
  readonly idempotency: IdempotencyStore;
  /** Keeps the idempotency keys of start requests (`run --idempotency-key`). */
  readonly requests: RequestGuard;
  /** The text of an artifact (an ACH file) at the location its run recorded. */
  readArtifact(location: string): Promise<string>;
  /** Who the audit trail names: the OS user on the local target, the caller's identity ARN on AWS. */
  readonly actor: string;
  /** The definitions hash the backend was deployed with, when it recorded one. */
  readonly deployedDefinitionHash?: string;
  close(): void;
}

export const LOCAL_TARGET = LOCAL_TARGET_NAME;
export { requireLocalTarget } from './localOnly.js';

interface Opened {
  readonly clients: AwsClients;
  readonly names: BackendNames;
  readonly actor: string;
  readonly readArtifact: (location: string) => Promise<string>;
  readonly close?: () => void;
}

async function openLocal(ctx: CommandContext): Promise<Opened> {
  ensurePrivateFolder(ctx.env.home, (message) => ctx.io.warn(message));
  const endpoints = await ensureLocalHost(ctx.env.home);
  const clients = clientsFor(
    { kind: 'local', endpoints, credentials: localCredentials(ctx.env.home) },
    { userAgent: 'payroll-ops-cli' },
  );
  return {
    clients,
    // The outputs of the template the host applied: it recorded them before it answered.
    names: namesFromOutputs(localTarget(ctx.env.home)),
    actor: `${ctx.env.user}@${LOCAL_TARGET}`,
    readArtifact: (location) => readFile(location, 'utf8'),
  };
}

async function openAws(
  ctx: CommandContext,
  resolved: Extract<ResolvedTarget, { kind: 'aws' }>,
): Promise<Opened> {
  const { target } = resolved;
  // Before any AWS call: a record without the names this CLI needs says so, and how to update it.
  const names = namesFromOutputs(target);
  // Loaded here: the STS client is needed on aws targets only.
  const { callerIdentity } = await import('../infra/aws/callerIdentity.js');
  const identity = await callerIdentity({
    region: target.region,
    sharedFiles: ctx.env.awsSharedFiles,
    ...(target.profile ? { profile: target.profile } : {}),
  });
  if (identity.account !== target.account) {
    throw new OperationFailedError(
      'WRONG_ACCOUNT',
      `Target ${target.name} is in account ${target.account}, but these credentials are for account ${identity.account}; use the profile of ${target.account}${target.profile ? '' : ' (--profile or AWS_PROFILE)'}.`,
    );
  }
  const clients = clientsFor(
    { kind: 'aws', region: target.region, ...(target.profile ? { profile: target.profile } : {}) },
    { userAgent: 'payroll-ops-cli' },
  );
  // S3 is only needed to read ACH files back (verify): loaded on first use, one client for all.
  let s3: { destroy(): void } | undefined;
  let reader: Promise<(location: string) => Promise<string>> | undefined;
  const readArtifact = async (location: string) => {
    reader ??= (async () => {
      const [{ S3Client }, { s3ArtifactReader }] = await Promise.all([
        import('@aws-sdk/client-s3'),
        import('../infra/aws/s3Artifacts.js'),
      ]);
      const client = new S3Client({
        region: target.region,
        ...(target.profile ? { profile: target.profile } : {}),
      });
      s3 = client;
      return s3ArtifactReader(client, names.artifactsBucket ?? '');
    })();
    return (await reader)(location);
  };
  return { clients, names, actor: identity.arn, readArtifact, close: () => s3?.destroy() };
}

export async function openBackend(ctx: CommandContext): Promise<Backend> {
  const resolved = resolveTarget(ctx.env.home, ctx.globals.target);
  const opened = resolved.kind === 'local' ? await openLocal(ctx) : await openAws(ctx, resolved);
  const { clients, names } = opened;
  const known = names.queueUrls;
  const lookup = queueUrlLookup(clients.sqs);
  const queueUrl = (name: string) => (known[name] ? Promise.resolve(known[name]) : lookup(name));
  const table = dataTable({ dynamodb: clients.dynamodb, tableName: names.dataTable });
  return {
    target: resolved,
    ports: createSagaPorts({
      dynamodb: clients.dynamodb,
      sqs: clients.sqs,
      tableName: names.dataTable,
      queueNames: names.queues,
      queueUrl,
    }),
    executions: createExecutionPort(clients.sfn, (machine) => names.stateMachineArns[machine]),
    payday: createPaydayExecutions(clients.sfn, names.stateMachineArns[StateMachineName.Payday]),
    deadLetters: new SqsDeadLetters({
      sqs: clients.sqs,
      queueUrl,
      names: { queues: names.queues, dlqs: names.dlqs },
    }),
    messageFailures: new DynamoMessageFailureStore(table),
    idempotency: new DynamoIdempotencyStore(clients.dynamodb, names.idempotencyTable),
    requests: lazyRequestGuard({
      client: clients.dynamodb,
      tableName: names.idempotencyTable,
      kind: 'StartRun',
    }),
    readArtifact: opened.readArtifact,
    actor: opened.actor,
    ...(names.definitionHash ? { deployedDefinitionHash: names.definitionHash } : {}),
    close: () => {
      clients.destroy();
      opened.close?.();
    },
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
