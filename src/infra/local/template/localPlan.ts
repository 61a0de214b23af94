/**
 * What the local host runs, read from a synthesized template: every value resolved for the local
 * account (templatePlan.ts makes it). The host applies a plan to its emulators and its in-process
 * runtime; `deploy` on the local target diffs two of them.
 */
import type {
  ApiRouteSpec,
  EventSourceMappingSpec,
  IndexSpec,
  ScheduleSpec,
  TableSpec,
} from '../../resources.js';

export interface PlannedTable extends TableSpec {
  readonly logicalId: string;
  /** AWS::DynamoDB::Table or AWS::DynamoDB::GlobalTable. */
  readonly resourceType: string;
  readonly gsis: readonly IndexSpec[];
  /** Recorded, not enforced: dynalite has no TTL (items stay until deleted). */
  readonly timeToLiveAttribute?: string;
}

/** The queue attributes the host manages, as SQS takes them (text). */
export const QueueAttribute = {
  VisibilityTimeout: 'VisibilityTimeout',
  MessageRetentionPeriod: 'MessageRetentionPeriod',
  DelaySeconds: 'DelaySeconds',
  MaximumMessageSize: 'MaximumMessageSize',
  ReceiveMessageWaitTimeSeconds: 'ReceiveMessageWaitTimeSeconds',
  RedrivePolicy: 'RedrivePolicy',
  FifoQueue: 'FifoQueue',
  ContentBasedDeduplication: 'ContentBasedDeduplication',
} as const;
export type QueueAttribute = (typeof QueueAttribute)[keyof typeof QueueAttribute];

export interface PlannedQueue {
  readonly logicalId: string;
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  /** Only what the template sets; RedrivePolicy as `{"deadLetterTargetArn":…,"maxReceiveCount":n}`. */
  readonly attributes: Readonly<Partial<Record<QueueAttribute, string>>>;
}

export interface PlannedFunction {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** Its environment variables, resolved: they name the tables, queues and machines it uses. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export interface PlannedMapping extends EventSourceMappingSpec {
  readonly logicalId: string;
  readonly enabled: boolean;
}

export const StateMachineType = { Standard: 'STANDARD', Express: 'EXPRESS' } as const;
export type StateMachineType = (typeof StateMachineType)[keyof typeof StateMachineType];

export interface PlannedStateMachine {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly type: StateMachineType;
  /** The definition with its DefinitionSubstitutions filled in (local function ARNs). */
  readonly definition: string;
}

export interface PlannedSchedule extends ScheduleSpec {
  readonly logicalId: string;
  readonly enabled: boolean;
}

export interface PlannedRoute extends ApiRouteSpec {
  /** The AWS::ApiGateway::Method's. */
  readonly logicalId: string;
}

export interface LocalPlan {
  readonly stackName: string;
  readonly tables: readonly PlannedTable[];
  readonly queues: readonly PlannedQueue[];
  readonly functions: readonly PlannedFunction[];
  readonly eventSourceMappings: readonly PlannedMapping[];
  readonly stateMachines: readonly PlannedStateMachine[];
  readonly schedules: readonly PlannedSchedule[];
  readonly routes: readonly PlannedRoute[];
  /** The template's outputs, resolved: the names the CLI reads on the local target. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Resources left out by the ignore list, by type. */
  readonly ignored: Readonly<Record<string, number>>;
}
