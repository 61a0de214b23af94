/**
 * The payroll backend as the local host runs it: the tables, queues, functions, triggers, state
 * machines, schedules and routes of the backend specification (the stack `payroll-ops`, as the
 * AWS stack declares them), plus the local-only fault injection wrapped around the handlers.
 */
import type { SagaPorts } from '../../core/ports.js';
import type { FunctionName } from '../../core/saga/functions.js';
import type { AchFileKind } from '../../core/saga/records.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws/clients.js';
import { stateMachineArn } from '../aws/sfnExecutions.js';
import { LOCAL_SPEC } from '../aws/tables.js';
import {
  type BackendSpec,
  definitionSubstitutions,
  functionOf,
  stateMachineOf,
  substitute,
} from '../backendSpec.js';
import { type ArtifactStore, recordRejection, transmitAchFile } from '../lambda/bankGateway.js';
import { type BackendConfig, createPayrollBackend, type PayrollBackend } from '../lambda/composition.js';
import { expireOrphanedInProgress } from '../lambda/idempotency.js';
import type { LambdaHandler, LocalApp } from '../resources.js';
import { faultGuard, withFaults } from './faults.js';
import { createFileArtifacts } from './fileArtifacts.js';
import { lambdaContext } from './lambdaRuntime.js';

export interface PayrollAppContext {
  readonly home: string;
}

/** The local bank's `return` fault: the file is transmitted and its first entry comes back with it. */
async function transmitReturningFirst(
  ports: SagaPorts,
  artifacts: ArtifactStore,
  message: { messageId: string; runId: string; kind: AchFileKind },
  code: string,
): Promise<void> {
  await transmitAchFile({ ...ports, artifacts, now: () => ports.clock.now() }, message, (entries) =>
    entries.slice(0, 1).map((entry) => ({ ...entry, code })),
  );
}

/** The names the local functions work on, from the specification (as env vars give them on AWS). */
export function localBackendConfig(spec: BackendSpec): BackendConfig {
  return {
    dataTable: spec.tables.data.name,
    idempotencyTable: spec.tables.idempotency.name,
    queues: Object.fromEntries(
      spec.queues.map((queue) => [queue.outbox, queue.name]),
    ) as BackendConfig['queues'],
    dlqs: Object.fromEntries(
      spec.queues.map((queue) => [queue.outbox, queue.dlq.name]),
    ) as BackendConfig['dlqs'],
    stateMachineArns: Object.fromEntries(
      spec.stateMachines.map((machine) => [
        machine.machine,
        stateMachineArn(LOCAL_REGION, LOCAL_ACCOUNT_ID, machine.name),
      ]),
    ) as BackendConfig['stateMachineArns'],
  };
}

/** A local function's ARN, as CDK fills the definitions' placeholders with deployed ones. */
function localFunctionArn(spec: BackendSpec, handler: FunctionName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionOf(spec, handler).name}`;
}

export function payrollApp(context: PayrollAppContext, spec: BackendSpec = LOCAL_SPEC): LocalApp {
  // The earliest deadline any invocation of this host can have: an in-progress idempotency record
  // expiring before it was left by an invocation of an earlier host that died (the data folder
  // has one owner at a time).
  const firstDeadline = Date.now() + lambdaContext('recover').getRemainingTimeInMillis();
  // Built on first use: the host sets the Lambda environment (endpoints) before any invocation.
  let backend: PayrollBackend | undefined;
  let handlers: Record<string, LambdaHandler> | undefined;
  const resolve = (): Record<string, LambdaHandler> => {
    if (!handlers) {
      const artifacts = createFileArtifacts(context.home);
      backend = createPayrollBackend({
        config: localBackendConfig(spec),
        artifacts,
        insideGuard: faultGuard(context.home),
      });
      const ports = backend.ports;
      handlers = withFaults(context.home, backend.handlers, {
        reject: (message, reason) => recordRejection(ports, message, reason),
        transmitReturningFirst: (message, code) => transmitReturningFirst(ports, artifacts, message, code),
      });
    }
    return handlers;
  };
  const lazy =
    (handlerKey: FunctionName): LambdaHandler =>
    (event, ctx) => {
      const handler = resolve()[handlerKey];
      if (!handler) throw new TypeError(`no handler registered for ${handlerKey}`);
      return handler(event, ctx);
    };
  return {
    tables: [spec.tables.data, spec.tables.idempotency],
    queues: spec.queues,
    // Invoked by physical name, as on AWS; each runs its handler.
    lambdas: Object.fromEntries(spec.functions.map((fn) => [fn.name, lazy(fn.handler)])),
    eventSourceMappings: spec.triggers,
    stateMachines: spec.stateMachines.map((machine) => ({
      name: machine.name,
      definition: JSON.parse(
        substitute(
          machine.definitionString,
          definitionSubstitutions(machine, (handler) => localFunctionArn(spec, handler)),
        ),
      ) as object,
    })),
    schedules: spec.schedules.map((schedule) =>
      schedule.target.kind === 'function'
        ? {
            name: schedule.name,
            cron: schedule.expression,
            invoke: functionOf(spec, schedule.target.handler).name,
            payload: schedule.target.payload,
          }
        : {
            name: schedule.name,
            cron: schedule.expression,
            startExecution: stateMachineOf(spec, schedule.target.machine).name,
            input: schedule.target.input,
          },
    ),
    api: { routes: spec.api.routes },
    async recover() {
      resolve();
      const { ports, idempotency } = backend as PayrollBackend;
      // First, so the redriven steps and the re-enqueued messages can take over their records.
      await expireOrphanedInProgress(idempotency, firstDeadline);
      const outbox = ports.outbox;
      const pending = await outbox.pending();
      for (const message of pending) await outbox.publish(message);
      return { reenqueued: pending.length };
    },
  };
}
