/**
 * The local target's physical names (the stack `payroll-ops`), taken from the backend
 * specification: what the CLI and the tests use on the embedded stack until every command
 * resolves names from its target's outputs. Deployed functions read theirs from the environment.
 */
import type { StateMachineName } from '../../core/saga/functions.js';
import {
  type BackendQueue,
  type BackendTable,
  backendSpec,
  LOCAL_STACK_NAME,
  type OutboxQueue,
  TargetKind,
} from '../backendSpec.js';

export { GSI1, type OutboxQueue } from '../backendSpec.js';

export const LOCAL_SPEC = backendSpec({ stackName: LOCAL_STACK_NAME, target: TargetKind.Local });

export const DATA_TABLE_NAME = LOCAL_SPEC.tables.data.name;
export const IDEMPOTENCY_TABLE_NAME = LOCAL_SPEC.tables.idempotency.name;

export const PAYROLL_TABLES: readonly BackendTable[] = [
  LOCAL_SPEC.tables.data,
  LOCAL_SPEC.tables.idempotency,
];

/** The outbox's logical queue names (what the saga says) and the SQS queue behind each. */
export const QUEUE_NAMES: Readonly<Record<OutboxQueue, string>> = Object.fromEntries(
  LOCAL_SPEC.queues.map((queue) => [queue.outbox, queue.name]),
) as Record<OutboxQueue, string>;

export const PAYROLL_QUEUES: readonly BackendQueue[] = LOCAL_SPEC.queues;

/** The state machines' physical names on the local target. */
export const STATE_MACHINE_NAMES: Readonly<Record<StateMachineName, string>> = Object.fromEntries(
  LOCAL_SPEC.stateMachines.map((machine) => [machine.machine, machine.name]),
) as Record<StateMachineName, string>;
