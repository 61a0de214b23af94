/** Records the local Step Functions service keeps on disk. Times are epoch milliseconds. */

// The statuses of the Step Functions API, as the saga's ExecutionPort reads them.
import { ExecutionStatus } from '../../../core/ports.js';

export { ExecutionStatus };

export const StateMachineType = { Standard: 'STANDARD', Express: 'EXPRESS' } as const;
export type StateMachineType = (typeof StateMachineType)[keyof typeof StateMachineType];

export interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly creationDate: number;
  readonly updateDate?: number;
  readonly revisionId: string;
}

export interface ExecutionRecord {
  readonly arn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: number;
  readonly stopDate?: number;
  readonly redriveCount: number;
  readonly redriveDate?: number;
  /** The definition the execution started with: an update of the machine does not change it. */
  readonly definition: string;
  readonly roleArn: string;
}

/** One history event in the AWS shape (`type`, `id`, `previousEventId`, `*EventDetails`). */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export const isTerminalStatus = (status: ExecutionStatus): boolean =>
  status !== ExecutionStatus.Running && status !== ExecutionStatus.PendingRedrive;
