/**
 * A small app for the detached-host tests: a state machine whose second step is slow enough to
 * kill the host in the middle of it. Its handler writes through a plain `new DynamoDBClient({})`,
 * so it also proves the host gives handlers the local endpoints the way Lambda gives AWS's.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalApp } from '../../src/infra/resources.js';

export const RECORDS_TABLE = 'host-test-records';
export const SLOW_MACHINE = 'host-test-slow';

let client: DynamoDBClient | undefined;

async function step(event: unknown): Promise<unknown> {
  const { execution, step, delayMs } = event as { execution: string; step: number; delayMs: number };
  await sleep(delayMs);
  client ??= new DynamoDBClient({});
  await client.send(
    new PutItemCommand({
      TableName: RECORDS_TABLE,
      Item: { id: { S: `${execution}#step${step}` }, step: { N: String(step) } },
    }),
  );
  return { step, done: true };
}

const task = (stepNumber: number, delayPath: string, next: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: {
    FunctionName: 'slowStep',
    Payload: { 'execution.$': '$$.Execution.Name', step: stepNumber, 'delayMs.$': delayPath },
  },
  ResultPath: `$.step${stepNumber}`,
  Next: next,
});

export function hostTestApp(): LocalApp {
  return {
    tables: [{ name: RECORDS_TABLE, partitionKey: 'id' }],
    queues: [],
    lambdas: { slowStep: step },
    eventSourceMappings: [],
    stateMachines: [
      {
        name: SLOW_MACHINE,
        definition: {
          StartAt: 'First',
          States: {
            First: task(1, '$.firstDelayMs', 'Second'),
            Second: task(2, '$.secondDelayMs', 'Done'),
            Done: { Type: 'Succeed' },
          },
        },
      },
    ],
    schedules: [],
  };
}
