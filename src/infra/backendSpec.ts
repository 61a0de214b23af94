/**
 * THE specification of the backend's resources, as plain data: tables, the artifacts bucket,
 * queues with their DLQs, functions, SQS triggers, state machines, schedules, API routes and
 * outputs. The CDK app (src/infra/cdk/) declares exactly these on AWS and the embedded local host
 * (src/infra/local/payrollApp.ts) creates exactly these in the emulators, so nothing about a
 * resource is written twice. Physical names come from the stack name (see backendNames.ts).
 */
import { createHash } from 'node:crypto';
import { paydayDefinition, payRunDefinition, rollbackDefinition } from '../core/saga/definition.js';
import {
  DefinitionSetting,
  FunctionName,
  functionArnVariable,
  StateMachineName,
} from '../core/saga/functions.js';
import type { OutboxMessage } from '../core/saga/records.js';
import { FUNCTION_SHAPES, type FunctionAccess } from './backendFunctions.js';
import { type DerivedName, NameLimit, physicalName, validateStackName } from './backendNames.js';
import { OUTPUT_SPECS, type OutputSpec } from './backendOutputs.js';
import {
  type ApiRouteSpec,
  type EventSourceMappingSpec,
  HttpMethod,
  type QueueSpec,
  SCHEDULED_TIME,
  type StateMachineSpec,
  type TableSpec,
} from './resources.js';

export type { FunctionAccess } from './backendFunctions.js';
export { LOCAL_STACK_NAME } from './backendNames.js';
export { OutputKey, type OutputSpec, type OutputValue } from './backendOutputs.js';
export { SCHEDULED_TIME } from './resources.js';

export const TargetKind = { Local: 'local', Aws: 'aws' } as const;
export type TargetKind = (typeof TargetKind)[keyof typeof TargetKind];

export type OutboxQueue = OutboxMessage['queue'];
export const OutboxQueue = {
  BankGateway: 'bank-gateway',
  PayslipDelivery: 'payslip-delivery',
} as const satisfies Readonly<Record<string, OutboxQueue>>;

/** What differs between targets besides endpoints and credentials. */
export interface TargetSettings {
  /**
   * CalculatePay chunks (250 employees each) in flight at once. Locally the emulated Step Functions
   * and dynalite share the operator's machine, so a few. On AWS, 20 keeps 100k employees (400 chunks)
   * well inside five minutes while a new on-demand table absorbs the writes (docs/deploy.md,
   * "How Map concurrency was sized").
   */
  readonly calculatePayMaxConcurrency: number;
}

export const TARGET_SETTINGS: Readonly<Record<TargetKind, TargetSettings>> = {
  local: { calculatePayMaxConcurrency: 4 },
  aws: { calculatePayMaxConcurrency: 20 },
};

/** The one secondary index of the data table: sparse, only items that carry `gsi1pk` appear in it. */
export const GSI1 = 'gsi1';

export interface BackendTable extends TableSpec {
  readonly logicalId: string;
  /** DynamoDB TTL: items are deleted after the epoch-seconds time in this attribute. */
  readonly timeToLiveAttribute?: string;
}

export interface BackendQueue extends QueueSpec {
  readonly logicalId: string;
  /** The outbox's name for this queue (what the saga says). */
  readonly outbox: OutboxQueue;
  readonly dlq: { readonly name: string; readonly maxReceiveCount: number };
}

export interface BackendFunction {
  readonly logicalId: string;
  /** The physical name, `<stack>-<handler>`. */
  readonly name: string;
  /** The handler this function runs (the Lambda entry dispatches on it). */
  readonly handler: FunctionName;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly access: FunctionAccess;
}

export interface BackendTrigger extends EventSourceMappingSpec {
  readonly queue: OutboxQueue;
  readonly handler: FunctionName;
}

export interface BackendStateMachine extends StateMachineSpec {
  readonly logicalId: string;
  readonly machine: StateMachineName;
  /** JSON.stringify(definition): exactly the text deployed, before substitution. */
  readonly definitionString: string;
  /** Substitution variable → the function whose ARN fills it. */
  readonly functionSubstitutions: Readonly<Record<string, FunctionName>>;
  /** Substitution variable → the target's setting, as text. */
  readonly settingSubstitutions: Readonly<Record<string, string>>;
}

/** What a schedule does when it fires: invoke a function, or start a state machine's execution. */
export type BackendScheduleTarget =
  | {
      readonly kind: 'function';
      readonly handler: FunctionName;
      readonly payload: Readonly<Record<string, unknown>>;
    }
  | {
      readonly kind: 'state-machine';
      readonly machine: StateMachineName;
      /** The execution input; SCHEDULED_TIME is replaced by the firing's time. */
      readonly input: Readonly<Record<string, unknown>>;
    };

export interface BackendSchedule {
  readonly logicalId: string;
  readonly name: string;
  readonly description: string;
  /** EventBridge Scheduler: `cron(m h dom mon dow year)` or `rate(n unit)`, UTC. */
  readonly expression: string;
  readonly target: BackendScheduleTarget;
}

export interface BackendRoute extends ApiRouteSpec {
  readonly handler: FunctionName;
}

export interface BackendApi {
  readonly name: string;
  readonly routes: readonly BackendRoute[];
  /** Stage-wide throttling (API Gateway token bucket). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** WAF rate-based rule: requests per client IP per five minutes. */
  readonly wafRequestsPerFiveMinutes: number;
}

export interface BackendSpec {
  readonly stackName: string;
  readonly target: TargetKind;
  readonly settings: TargetSettings;
  readonly tables: { readonly data: BackendTable; readonly idempotency: BackendTable };
  readonly artifactsBucket: { readonly logicalId: string };
  readonly queues: readonly BackendQueue[];
  readonly functions: readonly BackendFunction[];
  readonly triggers: readonly BackendTrigger[];
  readonly stateMachines: readonly BackendStateMachine[];
  /** The daily payday and the DLQ redrive every 15 minutes. */
  readonly schedules: readonly BackendSchedule[];
  readonly api: BackendApi;
  readonly outputs: readonly OutputSpec[];
}

/** A message that fails three receives is parked in the DLQ for the operator instead of looping forever. */
const MAX_RECEIVE_COUNT = 3;

const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** The consumer of each queue and how it polls. Visibility timeouts follow the consumer's timeout. */
const TRIGGERS: readonly {
  readonly queue: OutboxQueue;
  readonly handler: FunctionName;
  readonly batchSize: number;
  readonly maximumConcurrency: number;
}[] = [
  // One ACH file per message: a batch would make one slow file hold up the others.
  { queue: OutboxQueue.BankGateway, handler: FunctionName.BankGateway, batchSize: 1, maximumConcurrency: 2 },
  {
    queue: OutboxQueue.PayslipDelivery,
    handler: FunctionName.PayslipDelivery,
    batchSize: 10,
    maximumConcurrency: 2,
  },
];

const MACHINES: readonly { readonly machine: StateMachineName; readonly definition: object }[] = [
  { machine: StateMachineName.PayRun, definition: payRunDefinition },
  { machine: StateMachineName.Rollback, definition: rollbackDefinition },
  { machine: StateMachineName.Payday, definition: paydayDefinition },
];

const SCHEDULES: readonly {
  readonly suffix: string;
  readonly description: string;
  readonly expression: string;
  readonly target: BackendScheduleTarget;
}[] = [
  {
    // 06:00 UTC is before the US business day: runs due today start, and their ACH files reach the
    // bank, hours before its cut-offs. The machine takes the scheduled time's date as `asOf`.
    suffix: 'daily-payday',
    description: 'Starts the regular pay runs due today (the payday state machine)',
    expression: 'cron(0 6 * * ? *)',
    target: { kind: 'state-machine', machine: StateMachineName.Payday, input: { asOf: SCHEDULED_TIME } },
  },
  {
    suffix: 'dlq-redrive',
    description: 'Moves dead letters back to their queues, at most 3 times each, then parks them',
    expression: 'rate(15 minutes)',
    target: { kind: 'function', handler: FunctionName.RedriveDeadLetters, payload: {} },
  },
];

const ROUTES: readonly {
  readonly method: HttpMethod;
  readonly path: string;
  readonly handler: FunctionName;
}[] = [
  { method: HttpMethod.Post, path: '/runs', handler: FunctionName.OffCycleApi },
  { method: HttpMethod.Get, path: '/runs/{runId}', handler: FunctionName.OffCycleApi },
];

/** Every name derived from the stack name, with its service's limit: what validateStackName checks. */
export function derivedNames(): readonly DerivedName[] {
  return [
    { suffix: 'data', limit: NameLimit.DynamoDbTable, what: 'DynamoDB table' },
    { suffix: 'idempotency', limit: NameLimit.DynamoDbTable, what: 'DynamoDB table' },
    ...Object.values(FunctionName).map((fn) => ({
      suffix: fn,
      limit: NameLimit.LambdaFunction,
      what: 'Lambda function',
    })),
    ...Object.values(OutboxQueue).map((queue) => ({
      suffix: `${queue}-dlq`,
      limit: NameLimit.SqsQueue,
      what: 'SQS queue',
    })),
    ...MACHINES.map(({ machine }) => ({
      suffix: machine,
      limit: NameLimit.StateMachine,
      what: 'state machine',
    })),
    ...SCHEDULES.map(({ suffix }) => ({ suffix, limit: NameLimit.Schedule, what: 'schedule' })),
    { suffix: 'api', limit: NameLimit.WebAcl, what: 'web ACL' },
  ];
}

/** A hash of the state machine definitions: the same for every target built from this CLI. */
export function definitionHash(): string {
  const hash = createHash('sha256');
  for (const { machine, definition } of MACHINES) hash.update(`${machine}\n${JSON.stringify(definition)}\n`);
  return hash.digest('hex').slice(0, 16);
}

function visibilityTimeoutOf(queue: OutboxQueue): number {
  const consumer = TRIGGERS.find((trigger) => trigger.queue === queue);
  // AWS refuses an SQS trigger whose function may run longer than a message stays invisible.
  return consumer ? FUNCTION_SHAPES[consumer.handler].timeoutSeconds : 30;
}

/** The placeholders a definition holds: one per function it invokes, one per setting it reads. */
function stateMachineSpec(
  name: (suffix: string) => string,
  machine: StateMachineName,
  definition: object,
  settings: TargetSettings,
): BackendStateMachine {
  const definitionString = JSON.stringify(definition);
  const holds = (variable: string) => definitionString.includes(`\${${variable}}`);
  const settingValues: Readonly<Record<DefinitionSetting, string>> = {
    [DefinitionSetting.CalculatePayMaxConcurrency]: String(settings.calculatePayMaxConcurrency),
  };
  return {
    logicalId: `${pascal(machine)}StateMachine`,
    machine,
    name: name(machine),
    definition,
    definitionString,
    functionSubstitutions: Object.fromEntries(
      Object.values(FunctionName)
        .filter((fn) => holds(functionArnVariable(fn)))
        .map((fn) => [functionArnVariable(fn), fn]),
    ),
    settingSubstitutions: Object.fromEntries(
      Object.values(DefinitionSetting)
        .filter((setting) => holds(setting))
        .map((setting) => [setting, settingValues[setting]]),
    ),
  };
}

export function backendSpec(options: {
  readonly stackName: string;
  readonly target: TargetKind;
}): BackendSpec {
  const stackName = validateStackName(options.stackName, derivedNames());
  const settings = TARGET_SETTINGS[options.target];
  const name = (suffix: string) => physicalName(stackName, suffix);
  const queueName = (queue: OutboxQueue) => name(queue);
  const functionName = (handler: FunctionName) => name(handler);
  return {
    stackName,
    target: options.target,
    settings,
    tables: {
      // Every pay-run record lives in one table, keyed by the patterns in docs/data-model.md.
      data: {
        logicalId: 'DataTable',
        name: name('data'),
        partitionKey: 'pk',
        sortKey: 'sk',
        gsis: [{ name: GSI1, partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
      },
      // Powertools idempotency records (its DynamoDB persistence layer's key `id` and expiry attribute).
      idempotency: {
        logicalId: 'IdempotencyTable',
        name: name('idempotency'),
        partitionKey: 'id',
        timeToLiveAttribute: 'expiration',
      },
    },
    artifactsBucket: { logicalId: 'ArtifactsBucket' },
    queues: Object.values(OutboxQueue).map((queue) => ({
      logicalId: `${pascal(queue)}Queue`,
      outbox: queue,
      name: queueName(queue),
      visibilityTimeoutSeconds: visibilityTimeoutOf(queue),
      dlq: { name: `${queueName(queue)}-dlq`, maxReceiveCount: MAX_RECEIVE_COUNT },
    })),
    functions: Object.values(FunctionName).map((handler) => ({
      logicalId: `${pascal(handler)}Function`,
      name: functionName(handler),
      handler,
      ...FUNCTION_SHAPES[handler],
    })),
    triggers: TRIGGERS.map((trigger) => ({
      ...trigger,
      queueName: queueName(trigger.queue),
      functionName: functionName(trigger.handler),
      reportBatchItemFailures: true,
    })),
    stateMachines: MACHINES.map(({ machine, definition }) =>
      stateMachineSpec(name, machine, definition, settings),
    ),
    schedules: SCHEDULES.map((schedule) => ({
      logicalId: `${pascal(schedule.suffix)}Schedule`,
      name: name(schedule.suffix),
      description: schedule.description,
      expression: schedule.expression,
      target: schedule.target,
    })),
    api: {
      name: name('api'),
      routes: ROUTES.map((route) => ({ ...route, functionName: functionName(route.handler) })),
      throttle: { rateLimit: 10, burstLimit: 20 },
      wafRequestsPerFiveMinutes: 300,
    },
    outputs: OUTPUT_SPECS,
  };
}

/** The substitutions of a machine with each function's ARN from `arnOf`: what CDK and the local host fill in. */
export function definitionSubstitutions(
  machine: BackendStateMachine,
  arnOf: (handler: FunctionName) => string,
): Record<string, string> {
  return {
    ...Object.fromEntries(
      Object.entries(machine.functionSubstitutions).map(([variable, fn]) => [variable, arnOf(fn)]),
    ),
    ...machine.settingSubstitutions,
  };
}

/** The definition text with every `${variable}` filled in, as Step Functions sees it after substitution. */
export function substitute(
  definitionString: string,
  substitutions: Readonly<Record<string, string>>,
): string {
  return definitionString.replace(/\$\{([A-Za-z0-9_]+)\}/g, (placeholder, variable: string) =>
    Object.hasOwn(substitutions, variable) ? (substitutions[variable] as string) : placeholder,
  );
}

export function functionOf(spec: BackendSpec, handler: FunctionName): BackendFunction {
  return spec.functions.find((fn) => fn.handler === handler) as BackendFunction;
}

export function queueOf(spec: BackendSpec, queue: OutboxQueue): BackendQueue {
  return spec.queues.find((q) => q.outbox === queue) as BackendQueue;
}

export function stateMachineOf(spec: BackendSpec, machine: StateMachineName): BackendStateMachine {
  return spec.stateMachines.find((m) => m.machine === machine) as BackendStateMachine;
}
