/**
 * What AWS would refuse in a plan, refused before anything is applied: a host that finds a bad
 * name or value only halfway through applying a template has already made the changes before it
 * (a table created, a queue made) and reports a failure with the stack half changed. So every
 * name is checked against its service's rules and every queue attribute against its range, names
 * are unique per kind, redrive policies, triggers, schedules and routes name a queue or function
 * of the template, and schedule expressions and time zones parse. One line naming the resource.
 */
import { BadInputError } from '../../../core/errors.js';
import { nextFirings } from '../scheduler.js';
import type { LocalPlan, PlannedQueue } from './localPlan.js';
import { QueueAttribute } from './localPlan.js';

const refused = (message: string) => new BadInputError('TEMPLATE_UNSUPPORTED', message);

interface NameRule {
  readonly what: string;
  readonly pattern: RegExp;
  readonly rule: string;
}

// The services' own rules (their API references).
const TABLE: NameRule = {
  what: 'DynamoDB table name',
  pattern: /^[A-Za-z0-9_.-]{3,255}$/,
  rule: '3–255 letters, digits, _ . -',
};
const INDEX: NameRule = { ...TABLE, what: 'index name' };
const QUEUE: NameRule = {
  what: 'SQS queue name',
  pattern: /^[A-Za-z0-9_-]{1,80}$/,
  rule: '1–80 letters, digits, - and _',
};
const FIFO_QUEUE: NameRule = {
  what: 'FIFO queue name',
  pattern: /^[A-Za-z0-9_-]{1,75}\.fifo$/,
  rule: '1–75 letters, digits, - and _, then .fifo',
};
const FUNCTION: NameRule = {
  what: 'Lambda function name',
  pattern: /^[A-Za-z0-9_-]{1,64}$/,
  rule: '1–64 letters, digits, - and _',
};
const STATE_MACHINE: NameRule = {
  what: 'state machine name',
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what AWS forbids.
  pattern: /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/,
  rule: '1–80 characters, no spaces, brackets, wildcards or punctuation such as : / ; , $',
};
const SCHEDULE: NameRule = {
  what: 'schedule name',
  pattern: /^[A-Za-z0-9_.-]{1,64}$/,
  rule: '1–64 letters, digits, _ . -',
};

function checkName(logicalId: string, name: string, rule: NameRule): void {
  if (!rule.pattern.test(name)) {
    throw refused(
      `${logicalId}: the ${rule.what} ${JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name)} is not valid on AWS (${rule.rule}); rename it.`,
    );
  }
}

function checkUnique(items: readonly { logicalId: string; name: string }[], what: string): void {
  const seen = new Map<string, string>();
  for (const { logicalId, name } of items) {
    const first = seen.get(name);
    if (first !== undefined)
      throw refused(`${logicalId}: ${first} already has the ${what} ${name}; rename one.`);
    seen.set(name, logicalId);
  }
}

/** SQS's ranges for the attributes the host sets (seconds and bytes). */
const QUEUE_RANGES: Readonly<Partial<Record<QueueAttribute, readonly [number, number]>>> = {
  [QueueAttribute.VisibilityTimeout]: [0, 43_200],
  [QueueAttribute.MessageRetentionPeriod]: [60, 1_209_600],
  [QueueAttribute.DelaySeconds]: [0, 900],
  [QueueAttribute.MaximumMessageSize]: [1_024, 1_048_576],
  [QueueAttribute.ReceiveMessageWaitTimeSeconds]: [0, 20],
};

function checkQueue(queue: PlannedQueue, queuesByArn: ReadonlyMap<string, PlannedQueue>): void {
  checkName(queue.logicalId, queue.name, queue.fifo ? FIFO_QUEUE : QUEUE);
  for (const [attribute, [low, high]] of Object.entries(QUEUE_RANGES) as [
    QueueAttribute,
    [number, number],
  ][]) {
    const text = queue.attributes[attribute];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < low || value > high) {
      throw refused(
        `${queue.logicalId}: ${attribute} ${text} is not valid on SQS (a whole number from ${low} to ${high}).`,
      );
    }
  }
  const redrive = queue.attributes[QueueAttribute.RedrivePolicy];
  if (redrive === undefined) return;
  const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(redrive) as {
    deadLetterTargetArn: string;
    maxReceiveCount: number;
  };
  const target = queuesByArn.get(deadLetterTargetArn);
  if (!target || target === queue) {
    throw refused(
      `${queue.logicalId}: its dead-letter queue ${deadLetterTargetArn} is not another queue of this template; the local stack redrives only to those.`,
    );
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1_000) {
    throw refused(`${queue.logicalId}: maxReceiveCount ${maxReceiveCount} is not valid on SQS (1 to 1000).`);
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Refuses, in one line naming the resource, the first thing in `plan` that AWS would refuse. */
export function checkPlan(plan: LocalPlan): void {
  for (const table of plan.tables) {
    checkName(table.logicalId, table.name, TABLE);
    for (const index of table.gsis) checkName(`${table.logicalId}.${index.name}`, index.name, INDEX);
    checkUnique(
      table.gsis.map((index) => ({ logicalId: table.logicalId, name: index.name })),
      'index',
    );
  }
  checkUnique(plan.tables, 'table name');
  const queuesByArn = new Map(plan.queues.map((queue) => [queue.arn, queue]));
  for (const queue of plan.queues) checkQueue(queue, queuesByArn);
  checkUnique(plan.queues, 'queue name');
  for (const fn of plan.functions) checkName(fn.logicalId, fn.name, FUNCTION);
  checkUnique(plan.functions, 'function name');
  for (const machine of plan.stateMachines) {
    checkName(machine.logicalId, machine.name, STATE_MACHINE);
    try {
      JSON.parse(machine.definition);
    } catch {
      throw refused(
        `${machine.logicalId}: its definition is not JSON; give the state machine an ASL definition.`,
      );
    }
  }
  checkUnique(plan.stateMachines, 'state machine name');
  const functions = new Set(plan.functions.map((fn) => fn.name));
  const requireFunction = (logicalId: string, name: string) => {
    if (!functions.has(name)) {
      throw refused(
        `${logicalId}: the function ${name} is not a function of this template; the local stack runs only those.`,
      );
    }
  };
  for (const mapping of plan.eventSourceMappings) {
    requireFunction(mapping.logicalId, mapping.functionName);
    if (!Number.isInteger(mapping.batchSize) || mapping.batchSize < 1 || mapping.batchSize > 10_000) {
      throw refused(`${mapping.logicalId}: BatchSize ${mapping.batchSize} is not valid (1 to 10000).`);
    }
  }
  for (const route of plan.routes) requireFunction(route.logicalId, route.functionName);
  for (const schedule of plan.schedules) {
    checkName(schedule.logicalId, schedule.name, SCHEDULE);
    if (schedule.target.kind === 'lambda') requireFunction(schedule.logicalId, schedule.target.functionName);
    if (schedule.timezone !== undefined && !isTimeZone(schedule.timezone)) {
      throw refused(
        `${schedule.logicalId}: ${JSON.stringify(schedule.timezone)} is not an IANA time zone (e.g. Europe/Paris, Etc/UTC).`,
      );
    }
    try {
      nextFirings(schedule.expression, 1, new Date(), schedule.timezone);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      throw refused(
        `${schedule.logicalId}: the schedule ${schedule.expression}${schedule.timezone ? ` in ${schedule.timezone}` : ''} cannot run: ${reason}`,
      );
    }
  }
  checkUnique(plan.schedules, 'schedule name');
}
