/**
 * The backend's resources as plain data, shared by the embedded local host (which creates them in
 * the emulators) and the CDK stack (which declares them on AWS), so both targets hold the same
 * tables, queues, state machines, schedules and routes.
 */
import type { AwsClients } from './aws/clients.js';

export const KeyType = { String: 'S', Number: 'N', Binary: 'B' } as const;
export type KeyType = (typeof KeyType)[keyof typeof KeyType];

/** A key attribute; a bare name means a string attribute, the common case. */
export type KeyAttribute = string | { readonly name: string; readonly type: KeyType };

export interface IndexSpec {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableSpec {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Global secondary indexes, projecting all attributes. */
  readonly gsis?: readonly IndexSpec[];
}

export interface QueueSpec {
  /** A FIFO queue's name ends with `.fifo`, and so must its dead-letter queue's. */
  readonly name: string;
  readonly fifo?: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly dlq?: { readonly name: string; readonly maxReceiveCount: number };
}

/** The fields of the Lambda context object that handlers use (the same names as on AWS). */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

export interface EventSourceMappingSpec {
  readonly queueName: string;
  readonly functionName: string;
  /** Messages per invocation (1–10 locally: one ReceiveMessage call). */
  readonly batchSize: number;
  /** The handler may answer `{ batchItemFailures: [{ itemIdentifier }] }` to retry only those. */
  readonly reportBatchItemFailures: boolean;
  /** Concurrent pollers for this mapping (AWS: ScalingConfig.MaximumConcurrency). Default 2. */
  readonly maximumConcurrency?: number;
}

export interface StateMachineSpec {
  readonly name: string;
  /** The Amazon States Language definition, as an object. */
  readonly definition: object;
}

/** EventBridge Scheduler's keyword for the time a firing was scheduled for (`2026-03-27T06:00:00Z`). */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/**
 * What a schedule does when it fires: invoke a function, or start a state machine's execution
 * (its input as Scheduler sends it: text in which SCHEDULED_TIME stands for the firing's time).
 */
export type ScheduleTarget =
  | { readonly kind: 'lambda'; readonly functionName: string; readonly payload: unknown }
  | { readonly kind: 'state-machine'; readonly stateMachineArn: string; readonly input: string };

export interface ScheduleSpec {
  readonly name: string;
  /** An EventBridge Scheduler expression: `cron(m h dom mon dow year)` or `rate(n minutes|hours|days)`. */
  readonly expression: string;
  /** IANA time zone of a cron expression; UTC when absent, as EventBridge Scheduler's default. */
  readonly timezone?: string;
  readonly target: ScheduleTarget;
}

export const HttpMethod = { Get: 'GET', Post: 'POST', Put: 'PUT', Delete: 'DELETE', Patch: 'PATCH' } as const;
export type HttpMethod = (typeof HttpMethod)[keyof typeof HttpMethod];

export interface ApiRouteSpec {
  readonly method: HttpMethod;
  /** A path with `{name}` parameters, e.g. `/runs/{runId}`. */
  readonly path: string;
  readonly functionName: string;
}

/** What the host tells an app module when it builds the app. */
export interface LocalAppContext {
  /** The data folder, for local artifacts (e.g. files the bank gateway writes). */
  readonly home: string;
}

/**
 * Everything the local host runs for an application written out by hand (the tests' small apps):
 * its resources and its handlers by function name.
 */
export interface LocalApp {
  readonly tables: readonly TableSpec[];
  readonly queues: readonly QueueSpec[];
  readonly lambdas: Readonly<Record<string, LambdaHandler>>;
  readonly eventSourceMappings: readonly EventSourceMappingSpec[];
  readonly stateMachines: readonly StateMachineSpec[];
  readonly schedules: readonly ScheduleSpec[];
  readonly api?: { readonly routes: readonly ApiRouteSpec[] };
  /**
   * The outbox: queues live in memory, so after a restart re-enqueue whatever DynamoDB still
   * records as pending. Must be idempotent (handlers are), it runs on every start.
   */
  readonly recover?: (clients: AwsClients) => Promise<{ readonly reenqueued: number }>;
}

/** A function of a template, as the host hands it to a TemplateApp: its name and resolved environment. */
export interface TemplateFunction {
  readonly name: string;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * An application whose resources come from a synthesized CloudFormation template (the payroll
 * app): the host provisions whatever the template declares and runs each function with the
 * handler its environment names, as the Lambda entry does on AWS.
 */
export interface TemplateApp {
  /** The template file the host applies at every start (dist/template/<stack>.template.json). */
  readonly templateFile: string;
  /** The handler of one of the template's functions; throws one line when its environment names none. */
  handlerFor(fn: TemplateFunction): LambdaHandler;
  /** As LocalApp's, over the functions the template declares (they name the tables and queues). */
  readonly recover?: (functions: readonly TemplateFunction[]) => Promise<{ readonly reenqueued: number }>;
}

export function keyName(key: KeyAttribute): string {
  return typeof key === 'string' ? key : key.name;
}

export function keyType(key: KeyAttribute): KeyType {
  return typeof key === 'string' ? KeyType.String : key.type;
}
