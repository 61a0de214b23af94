import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStepFunctionsService,
  type StepFunctionsService,
} from '../../src/infra/local/stepfunctions/index.js';

const invoke = (functionName: string, next: string | undefined) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: functionName, 'Payload.$': '$' },
  ResultSelector: { 'value.$': '$.Payload' },
  ResultPath: `$.${functionName}`,
  ...(next ? { Next: next } : { End: true }),
});

const runDefinition = {
  StartAt: 'OpenRun',
  States: {
    OpenRun: invoke('openRun', 'FundPayroll'),
    FundPayroll: invoke('fundPayroll', 'CloseRun'),
    CloseRun: invoke('closeRun', undefined),
  },
};

const mapDefinition = {
  StartAt: 'CalculatePay',
  States: {
    CalculatePay: {
      Type: 'Map',
      ItemsPath: '$.chunks',
      ItemSelector: { 'chunk.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'CalculateChunk',
        States: {
          CalculateChunk: { ...invoke('calculateChunk', undefined), OutputPath: '$.calculateChunk.value' },
        },
      },
      End: true,
    },
  },
};

let dataDir: string;
const services: StepFunctionsService[] = [];
const clients: SFNClient[] = [];
let calls: string[] = [];

async function open(invokeLambda: (functionName: string, event: unknown) => Promise<unknown>) {
  const service = createStepFunctionsService({ dataDir, invokeLambda });
  services.push(service);
  const port = await service.listen(0);
  const client = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  clients.push(client);
  return { service, sfn: client };
}

async function settled(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return sfn.send(new DescribeExecutionCommand({ executionArn }));
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'payroll-ops-sfn-recovery-'));
  calls = [];
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const service of services.splice(0)) await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local Step Functions across a restart of the owning process', () => {
  it('redrives an execution that was RUNNING when its process went away, from the state it was in', async () => {
    let releaseStuckFunding: ((value: unknown) => void) | undefined;
    const first = await open(async (functionName) => {
      calls.push(`first:${functionName}`);
      if (functionName === 'fundPayroll') return new Promise((resolve) => (releaseStuckFunding = resolve));
      return { ok: functionName };
    });
    const created = await first.sfn.send(
      new CreateStateMachineCommand({
        name: 'pay-run',
        definition: JSON.stringify(runDefinition),
        roleArn: 'arn:aws:iam::000000000000:role/r',
      }),
    );
    const { executionArn } = await first.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: created.stateMachineArn,
        name: 'acme-2026-04',
        input: '{"runId":"acme"}',
      }),
    );
    for (let attempt = 0; attempt < 500 && !releaseStuckFunding; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(first.service.runningExecutions()).toBe(1);
    await first.service.close();

    const second = await open(async (functionName) => {
      calls.push(`second:${functionName}`);
      return { ok: functionName };
    });
    expect(await second.service.recover()).toEqual([executionArn]);
    const done = await settled(second.sfn, executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(JSON.parse(done.output!)).toEqual({
      runId: 'acme',
      openRun: { value: { ok: 'openRun' } },
      fundPayroll: { value: { ok: 'fundPayroll' } },
      closeRun: { value: { ok: 'closeRun' } },
    });
    // OpenRun completed before the restart and is not run again; the interrupted step is.
    expect(calls).toEqual(['first:openRun', 'first:fundPayroll', 'second:fundPayroll', 'second:closeRun']);
    expect(second.service.runningExecutions()).toBe(0);

    const events = await history(second.sfn, executionArn!);
    expect(events.map((event) => event.id)).toEqual(events.map((_event, index) => index + 1));
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted'],
      'ExecutionRedriven',
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      'ExecutionSucceeded',
    ]);

    // The first process's function finally returns: nothing of it reaches the execution any more.
    releaseStuckFunding!({ ok: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await second.service.close();

    const third = await open(async () => ({}));
    expect(await third.service.recover()).toEqual([]);
    expect(await settled(third.sfn, executionArn!)).toMatchObject({
      status: 'SUCCEEDED',
      output: done.output,
    });
    expect(await history(third.sfn, executionArn!)).toEqual(events);
  });

  it('runs and persists a Map of hundreds of iterations, and fails one whose output exceeds 256 KiB', async () => {
    const { sfn } = await open(async (_functionName, event) => ({
      net: (event as { chunk: number }).chunk * 2,
      pad: 'p'.repeat(300),
    }));
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'big-map',
        definition: JSON.stringify(mapDefinition),
        roleArn: 'arn:aws:iam::000000000000:role/r',
      }),
    );
    const chunks = Array.from({ length: 300 }, (_value, index) => index);
    const small = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: created.stateMachineArn,
        input: JSON.stringify({ chunks }),
      }),
    );
    const done = await settled(sfn, small.executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED' });
    expect(JSON.parse(done.output!).map((item: { net: number }) => item.net)).toEqual(
      chunks.map((chunk) => chunk * 2),
    );
    const types = (await history(sfn, small.executionArn!)).map((event) => event.type);
    expect(types.filter((type) => type === 'MapIterationSucceeded')).toHaveLength(300);

    // 1,000 results of ~330 bytes: each task is small, the Map's output is not.
    const many = Array.from({ length: 1000 }, (_value, index) => index);
    const big = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: created.stateMachineArn,
        input: JSON.stringify({ chunks: many }),
      }),
    );
    expect(await settled(sfn, big.executionArn!)).toMatchObject({
      status: 'FAILED',
      error: 'States.DataLimitExceeded',
    });
  });
});
