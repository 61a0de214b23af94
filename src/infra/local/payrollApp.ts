/**
 * The payroll backend as the local host runs it: the same tables, queues, state machines and
 * handlers as the AWS stack, plus the local-only fault injection wrapped around the handlers.
 */

import type { SagaPorts } from '../../core/ports.js';
import { payRunDefinition, rollbackDefinition } from '../../core/saga/definition.js';
import { FunctionName, StateMachineName } from '../../core/saga/functions.js';
import type { AchFileKind } from '../../core/saga/records.js';
import { PAYROLL_QUEUES, PAYROLL_TABLES, QUEUE_NAMES } from '../aws/tables.js';
import { type ArtifactStore, recordRejection, transmitAchFile } from '../lambda/bankGateway.js';
import { createPayrollBackend, type PayrollBackend } from '../lambda/composition.js';
import { expireOrphanedInProgress } from '../lambda/idempotency.js';
import { OFF_CYCLE_ROUTES } from '../lambda/offCycleApi.js';
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

export function payrollApp(context: PayrollAppContext): LocalApp {
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
    (name: string): LambdaHandler =>
    (event, ctx) => {
      const handler = resolve()[name];
      if (!handler) throw new TypeError(`no handler registered for ${name}`);
      return handler(event, ctx);
    };
  const functionNames = Object.values(FunctionName);
  return {
    tables: PAYROLL_TABLES,
    queues: PAYROLL_QUEUES,
    lambdas: Object.fromEntries(functionNames.map((name) => [name, lazy(name)])),
    eventSourceMappings: [
      {
        queueName: QUEUE_NAMES['bank-gateway'],
        functionName: FunctionName.BankGateway,
        batchSize: 1,
        reportBatchItemFailures: true,
      },
      {
        queueName: QUEUE_NAMES['payslip-delivery'],
        functionName: FunctionName.PayslipDelivery,
        batchSize: 10,
        reportBatchItemFailures: true,
      },
    ],
    stateMachines: [
      { name: StateMachineName.PayRun, definition: payRunDefinition },
      { name: StateMachineName.Rollback, definition: rollbackDefinition },
    ],
    schedules: [],
    api: { routes: OFF_CYCLE_ROUTES.map((route) => ({ ...route, functionName: FunctionName.OffCycleApi })) },
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
