import { page } from './paging.js';
import { type ExecutionRecord, ExecutionStatus, type HistoryEvent } from './types.js';

/** The API shapes of executions: DescribeExecution, ListExecutions items, GetExecutionHistory pages. */

const REDRIVABLE: readonly ExecutionStatus[] = [
  ExecutionStatus.Failed,
  ExecutionStatus.Aborted,
  ExecutionStatus.TimedOut,
];

export const isRedrivable = (record: ExecutionRecord): boolean => REDRIVABLE.includes(record.status);

export function describeExecution(record: ExecutionRecord): Record<string, unknown> {
  const redrivable = isRedrivable(record);
  return {
    executionArn: record.arn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    stopDate: optionalDate(record.stopDate),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    outputDetails: record.output === undefined ? undefined : { included: true },
    error: record.error,
    cause: record.cause,
    redriveCount: record.redriveCount,
    redriveDate: optionalDate(record.redriveDate),
    redriveStatus: redrivable ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
    redriveStatusReason: redrivable ? undefined : `Execution is ${record.status} and cannot be redriven`,
  };
}

export function listExecutions(
  records: Iterable<ExecutionRecord>,
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const matching = [...records]
    .filter((record) => record.stateMachineArn === body.stateMachineArn)
    .filter((record) => body.statusFilter === undefined || record.status === body.statusFilter)
    .sort((a, b) => b.startDate - a.startDate || (a.arn < b.arn ? 1 : -1));
  const { items, nextToken } = page(matching, body.maxResults, body.nextToken);
  return {
    executions: items.map((record) => ({
      executionArn: record.arn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: new Date(record.startDate),
      stopDate: optionalDate(record.stopDate),
      redriveCount: record.redriveCount,
      redriveDate: optionalDate(record.redriveDate),
    })),
    nextToken,
  };
}

const EXECUTION_DATA_FIELDS = new Set(['input', 'output', 'inputDetails', 'outputDetails', 'parameters']);

export function historyPage(
  events: readonly HistoryEvent[],
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const ordered = body.reverseOrder === true ? [...events].reverse() : events;
  const { items, nextToken } = page(ordered, body.maxResults, body.nextToken);
  const withData = body.includeExecutionData !== false;
  return {
    events: items.map((event) => ({
      ...(withData ? event : withoutExecutionData(event)),
      timestamp: new Date(event.timestamp),
    })),
    nextToken,
  };
}

function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    copy[key] =
      key.endsWith('EventDetails') && value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter(([field]) => !EXECUTION_DATA_FIELDS.has(field)))
        : value;
  }
  return copy as HistoryEvent;
}

const optionalDate = (millis: number | undefined): Date | undefined =>
  millis === undefined ? undefined : new Date(millis);
