/**
 * What applying a plan to the running host changes, resource by resource, in the shape of
 * CloudFormation's diff (`deploy --diff` prints both alike). Tables, queues and state machines are
 * compared with what the emulators hold; functions, triggers, schedules and routes with the plan
 * the host runs. Nothing that holds data is dropped: removing a table or changing its keys, and
 * removing or replacing a queue that holds messages, are refused, with the reason and the way out.
 * A table's indexes change by rebuilding it (tableRebuild.ts), which only a starting host does.
 */
import { type KeyAttribute, keyName, keyType } from '../../resources.js';
import type { LocalPlan, PlannedQueue, PlannedTable } from './localPlan.js';
import { QueueAttribute } from './localPlan.js';
import { ResourceType } from './resourceKinds.js';
import { redrivePolicyText } from './templatePlan.js';

export const ChangeAction = { Add: 'add', Update: 'update', Remove: 'remove' } as const;
export type ChangeAction = (typeof ChangeAction)[keyof typeof ChangeAction];

export interface LocalChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** The physical name (a route: `METHOD /path`). */
  readonly name: string;
  readonly change: ChangeAction;
  /** CloudFormation's words: WILL_CREATE, WILL_UPDATE, WILL_REPLACE, WILL_DESTROY. */
  readonly impact: string;
  readonly details: readonly string[];
  /** Why the host will not make this change (it would drop data), and what to do instead. */
  readonly refused?: string;
}

export type ObservedTable = Pick<PlannedTable, 'partitionKey' | 'sortKey' | 'gsis'>;
export interface ObservedQueue {
  readonly url: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Visible, in flight and delayed. */
  readonly messages: number;
}
export interface ObservedStateMachine {
  readonly arn: string;
  readonly type: string;
  readonly definition: string;
}

/** What the emulators hold, for the names of the plans compared. */
export interface Observed {
  readonly tables: ReadonlyMap<string, ObservedTable>;
  readonly queues: ReadonlyMap<string, ObservedQueue>;
  readonly stateMachines: ReadonlyMap<string, ObservedStateMachine>;
}

type Outcome = Omit<LocalChange, 'stack' | 'resourceType' | 'logicalId' | 'name'>;

export const EMPTY_PLAN: LocalPlan = {
  stackName: '',
  tables: [],
  queues: [],
  functions: [],
  eventSourceMappings: [],
  stateMachines: [],
  schedules: [],
  routes: [],
  outputs: {},
  ignored: {},
};

const keyText = (key: KeyAttribute | undefined) =>
  key === undefined ? '-' : `${keyName(key)} (${keyType(key)})`;
const keysText = (keys: { partitionKey: KeyAttribute; sortKey?: KeyAttribute }) =>
  `${keyText(keys.partitionKey)}, ${keyText(keys.sortKey)}`;

export interface DiffOptions {
  /** A starting host may rebuild a table whose indexes changed; a running one may not. */
  readonly rebuildTables: boolean;
}

const KEEP_OR_RESET = 'keep it as it is in the template, or start afresh with payroll-ops local reset';

function tableChange(
  table: PlannedTable,
  observed: ObservedTable | undefined,
  current: PlannedTable | undefined,
  options: DiffOptions,
): Outcome | undefined {
  const ttl = table.timeToLiveAttribute
    ? [`time to live on ${table.timeToLiveAttribute} (recorded; the local DynamoDB has no TTL)`]
    : [];
  if (!observed) return { change: 'add', impact: 'WILL_CREATE', details: ttl };
  if (keysText(observed) !== keysText(table)) {
    return {
      change: 'update',
      impact: 'WILL_REPLACE',
      details: [`keys ${keysText(observed)} → ${keysText(table)}`],
      refused: `changing the keys of table ${table.name} replaces it and drops every item in it; ${KEEP_OR_RESET}`,
    };
  }
  const indexes: string[] = [];
  const had = new Map(observed.gsis.map((index) => [index.name, keysText(index)]));
  for (const index of table.gsis) {
    const before = had.get(index.name);
    if (before === undefined) indexes.push(`add index ${index.name}`);
    else if (before !== keysText(index))
      indexes.push(`replace index ${index.name} (${before} → ${keysText(index)})`);
  }
  for (const name of had.keys()) {
    if (!table.gsis.some((index) => index.name === name)) indexes.push(`remove index ${name}`);
  }
  const details = [...indexes];
  if (current && current.timeToLiveAttribute !== table.timeToLiveAttribute) {
    details.push(...(ttl.length ? ttl : ['no time to live']));
  }
  if (details.length === 0) return undefined;
  if (indexes.length > 0 && !options.rebuildTables) {
    return {
      change: 'update',
      impact: 'WILL_UPDATE',
      details,
      refused: `new indexes on table ${table.name} need it rebuilt, which the local host does only as it starts, from the build's template: run payroll-ops local stop, then payroll-ops deploy`,
    };
  }
  if (indexes.length > 0) details.push('the table is rebuilt with its items');
  return { change: 'update', impact: 'WILL_UPDATE', details };
}

const normalized = (attribute: string, value: string | undefined) =>
  value === undefined || value === ''
    ? ''
    : attribute === QueueAttribute.RedrivePolicy
      ? redrivePolicyText(value)
      : value;

function queueChange(queue: PlannedQueue, observed: ObservedQueue | undefined): Outcome | undefined {
  if (!observed) return { change: 'add', impact: 'WILL_CREATE', details: [] };
  if ((observed.attributes.FifoQueue === 'true') !== queue.fifo) {
    return {
      change: 'update',
      impact: 'WILL_REPLACE',
      details: [queue.fifo ? 'standard → FIFO' : 'FIFO → standard'],
      ...(observed.messages > 0
        ? {
            refused: `replacing queue ${queue.name} drops the ${observed.messages} message(s) in it; ${KEEP_OR_RESET}`,
          }
        : {}),
    };
  }
  const details: string[] = [];
  for (const attribute of Object.values(QueueAttribute)) {
    if (attribute === QueueAttribute.FifoQueue) continue;
    const wanted = normalized(attribute, queue.attributes[attribute]);
    const held = normalized(attribute, observed.attributes[attribute]);
    // An attribute the template leaves out keeps its value, except the redrive policy: its absence means none.
    if (queue.attributes[attribute] === undefined && attribute !== QueueAttribute.RedrivePolicy) continue;
    if (wanted !== held) details.push(`${attribute} ${held || '(none)'} → ${wanted || '(none)'}`);
  }
  return details.length ? { change: 'update', impact: 'WILL_UPDATE', details } : undefined;
}

interface Compared<T> {
  readonly item: T;
  readonly change: ChangeAction;
  readonly details: readonly string[];
}

/** Entries of `next` and `current` compared by key: added, changed (`compare` says how), removed. */
function byKey<T>(
  current: readonly T[],
  next: readonly T[],
  key: (item: T) => string,
  compare: (before: T, after: T) => string[],
): Compared<T>[] {
  const before = new Map(current.map((item) => [key(item), item]));
  const after = new Set(next.map(key));
  const compared: Compared<T>[] = [];
  for (const item of next) {
    const old = before.get(key(item));
    const details = old ? compare(old, item) : [];
    if (!old) compared.push({ item, change: ChangeAction.Add, details });
    else if (details.length > 0) compared.push({ item, change: ChangeAction.Update, details });
  }
  for (const item of current) {
    if (!after.has(key(item))) compared.push({ item, change: ChangeAction.Remove, details: [] });
  }
  return compared;
}

/** The fields of two records that differ, by name. */
function changedFields(before: object, after: object): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => JSON.stringify((before as never)[name]) !== JSON.stringify((after as never)[name]))
    .map((name) => `${name} changed`);
}

const IMPACT: Readonly<Record<ChangeAction, string>> = {
  add: 'WILL_CREATE',
  update: 'WILL_UPDATE',
  remove: 'WILL_DESTROY',
};

/** Every change that applying `next` makes to a host that runs `current` over `observed` emulators. */
export function diffPlan(
  observed: Observed,
  current: LocalPlan,
  next: LocalPlan,
  options: DiffOptions,
): LocalChange[] {
  const stack = next.stackName;
  const changes: LocalChange[] = [];
  const push = (resourceType: string, logicalId: string, name: string, change: Outcome | undefined) => {
    if (change) changes.push({ stack, resourceType, logicalId, name, ...change });
  };
  const currentTables = new Map(current.tables.map((table) => [table.name, table]));
  for (const table of next.tables) {
    const change = tableChange(
      table,
      observed.tables.get(table.name),
      currentTables.get(table.name),
      options,
    );
    push(table.resourceType, table.logicalId, table.name, change);
  }
  for (const table of current.tables.filter((t) => !next.tables.some((n) => n.name === t.name))) {
    if (!observed.tables.has(table.name)) continue;
    push(table.resourceType, table.logicalId, table.name, {
      change: 'remove',
      impact: 'WILL_DESTROY',
      details: [],
      refused: `removing table ${table.name} drops every item in it; ${KEEP_OR_RESET}`,
    });
  }
  for (const queue of next.queues) {
    push(
      ResourceType.Queue,
      queue.logicalId,
      queue.name,
      queueChange(queue, observed.queues.get(queue.name)),
    );
  }
  for (const queue of current.queues.filter((q) => !next.queues.some((n) => n.name === q.name))) {
    const held = observed.queues.get(queue.name);
    if (!held) continue;
    push(ResourceType.Queue, queue.logicalId, queue.name, {
      change: 'remove',
      impact: 'WILL_DESTROY',
      details: [],
      ...(held.messages > 0
        ? {
            refused: `removing queue ${queue.name} drops the ${held.messages} message(s) in it; keep it in the template until it is empty (payroll-ops dlq list shows dead letters)`,
          }
        : {}),
    });
  }
  for (const machine of next.stateMachines) {
    const held = observed.stateMachines.get(machine.name);
    if (!held)
      push(ResourceType.StateMachine, machine.logicalId, machine.name, {
        change: 'add',
        impact: 'WILL_CREATE',
        details: [],
      });
    else if (held.type !== machine.type)
      push(ResourceType.StateMachine, machine.logicalId, machine.name, {
        change: 'update',
        impact: 'WILL_REPLACE',
        details: [`type ${held.type} → ${machine.type}`],
      });
    else if (held.definition !== machine.definition)
      push(ResourceType.StateMachine, machine.logicalId, machine.name, {
        change: 'update',
        impact: 'WILL_UPDATE',
        details: ['definition changed'],
      });
  }
  for (const machine of current.stateMachines.filter(
    (m) => !next.stateMachines.some((n) => n.name === m.name),
  )) {
    if (observed.stateMachines.has(machine.name))
      push(ResourceType.StateMachine, machine.logicalId, machine.name, {
        change: 'remove',
        impact: 'WILL_DESTROY',
        details: [],
      });
  }
  const runtime = [
    [ResourceType.Function, byKey(current.functions, next.functions, (fn) => fn.name, changedFields)],
    [
      ResourceType.EventSourceMapping,
      byKey(current.eventSourceMappings, next.eventSourceMappings, (m) => m.logicalId, changedFields),
    ],
    [ResourceType.Schedule, byKey(current.schedules, next.schedules, (s) => s.name, changedFields)],
    [
      ResourceType.ApiMethod,
      byKey(current.routes, next.routes, (r) => `${r.method} ${r.path}`, changedFields),
    ],
  ] as const;
  for (const [resourceType, entries] of runtime) {
    for (const { item, change, details } of entries) {
      const name =
        'method' in item
          ? `${item.method} ${item.path}`
          : 'queueName' in item
            ? `${item.queueName} → ${item.functionName}`
            : item.name;
      push(resourceType, item.logicalId, name, { change, impact: IMPACT[change], details });
    }
  }
  return changes;
}
