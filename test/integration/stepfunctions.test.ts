import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStepFunctionsService,
  type StepFunctionsService,
} from '../../src/infra/local/stepfunctions/index.js';

/** A Lambda error as handlers throw them: Step Functions matches Retry/Catch on its name. */
function lambdaError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const invoke = (functionName: string, payload: Record<string, unknown> = { 'Payload.$': '$' }) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: functionName, ...payload },
});

/** A pay-run-shaped machine: Map over chunks, a step retried on transient errors, a step caught into a compensation. */
const sagaDefinition = {
  StartAt: 'CalculatePay',
  States: {
    CalculatePay: {
      Type: 'Map',
      ItemsPath: '$.chunks',
      ItemSelector: { 'chunk.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
      MaxConcurrency: 2,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'CalculateChunk',
        States: {
          CalculateChunk: { ...invoke('calculate'), ResultSelector: { 'net.$': '$.Payload.net' }, End: true },
        },
      },
      ResultPath: '$.payslips',
      Next: 'FundPayroll',
    },
    FundPayroll: {
      ...invoke('fund', {
        Payload: {
          'execution.$': '$$.Execution.Name',
          'executionId.$': '$$.Execution.Id',
          'executionInput.$': '$$.Execution.Input',
          'startTime.$': '$$.Execution.StartTime',
          'machine.$': '$$.StateMachine.Name',
          'state.$': '$$.State.Name',
          'enteredTime.$': '$$.State.EnteredTime',
          'runId.$': '$.runId',
        },
      }),
      Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
      ResultSelector: { 'debited.$': '$.Payload.debited' },
      ResultPath: '$.funding',
      Next: 'Disburse',
    },
    Disburse: {
      ...invoke('disburse'),
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'RefundEmployer' }],
      ResultPath: null,
      Next: 'Completed',
    },
    RefundEmployer: { ...invoke('refund'), ResultPath: null, Next: 'RolledBack' },
    RolledBack: { Type: 'Fail', Error: 'RunRolledBack', Cause: 'Every completed step was compensated.' },
    Completed: { Type: 'Succeed' },
  },
};

const twoStepDefinition = {
  StartAt: 'OpenRun',
  States: {
    OpenRun: {
      ...invoke('open'),
      ResultSelector: { 'opened.$': '$.Payload' },
      ResultPath: '$.open',
      Next: 'CloseRun',
    },
    CloseRun: {
      ...invoke('close'),
      ResultSelector: { 'closed.$': '$.Payload' },
      ResultPath: '$.close',
      End: true,
    },
  },
};

const oversizeDefinition = {
  StartAt: 'Export',
  States: {
    Export: {
      ...invoke('export'),
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }],
      End: true,
    },
    Handled: { Type: 'Succeed' },
  },
};

let dataDir: string;
let service: StepFunctionsService;
let sfn: SFNClient;
const calls: Array<{ readonly functionName: string; readonly event: Record<string, unknown> }> = [];
const callsOf = (functionName: string) => calls.filter((call) => call.functionName === functionName);
let closeGateOpen = true;
let releaseBlockedClose: (() => void) | undefined;

async function testLambda(functionName: string, event: unknown): Promise<unknown> {
  const payload = event as Record<string, unknown>;
  calls.push({ functionName, event: payload });
  switch (functionName) {
    case 'calculate':
      return { net: (payload.chunk as number) * 100 };
    case 'fund':
      if (callsOf('fund').filter((call) => call.event.runId === payload.runId).length < 3) {
        throw lambdaError('TransientError', 'bank API throttled');
      }
      return { debited: 600 };
    case 'disburse':
      if (payload.reject === true) throw lambdaError('BankRejected', 'account closed');
      return { transmitted: true };
    case 'refund':
      return { refunded: true };
    case 'open':
      return { runId: payload.runId };
    case 'close':
      if (payload.block === true) await new Promise<void>((resolve) => (releaseBlockedClose = resolve));
      if (!closeGateOpen) throw lambdaError('LedgerLocked', 'period is locked');
      return { closed: true };
    case 'export':
      return { blob: 'x'.repeat(300_000) };
    default:
      throw lambdaError('ResourceNotFoundException', `no function ${functionName}`);
  }
}

async function createMachine(name: string, definition: unknown): Promise<string> {
  const created = await sfn.send(
    new CreateStateMachineCommand({
      name,
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::000000000000:role/payroll',
    }),
  );
  return created.stateMachineArn!;
}

async function settled(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw lambdaError('TestTimeout', `${executionArn} still RUNNING`);
}

async function fullHistory(
  executionArn: string,
  reverseOrder = false,
  maxResults = 1000,
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults, reverseOrder, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'payroll-ops-sfn-'));
  service = createStepFunctionsService({ dataDir, invokeLambda: testLambda, retryIntervalMs: 20 });
  const port = await service.listen(0);
  sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  releaseBlockedClose?.();
  sfn?.destroy();
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local Step Functions API with the real SFN client', () => {
  it('runs Map, Retry and Catch and reads the execution back through Describe and GetExecutionHistory', async () => {
    const machine = await createMachine('pay-run', sagaDefinition);
    const input = JSON.stringify({ runId: 'acme-2026-01', chunks: [1, 2, 3] });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'acme-2026-01-regular', input }),
    );

    const done = await settled(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.input).toBe(input);
    expect(done.startDate).toBeInstanceOf(Date);
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
    const output = JSON.parse(done.output!);
    expect(output.payslips).toEqual([{ net: 100 }, { net: 200 }, { net: 300 }]);
    expect(output.funding).toEqual({ debited: 600 });
    // Retry: two transient failures, then success; the context object reached the function.
    expect(callsOf('fund')).toHaveLength(3);
    const funding = callsOf('fund')[2]!.event;
    expect(funding).toMatchObject({
      execution: 'acme-2026-01-regular',
      executionId: executionArn,
      executionInput: JSON.parse(input),
      startTime: done.startDate!.toISOString(),
      machine: 'pay-run',
      state: 'FundPayroll',
      runId: 'acme-2026-01',
    });
    expect(Date.parse(funding.enteredTime as string)).toBeGreaterThanOrEqual(done.startDate!.getTime());
    expect(
      callsOf('calculate')
        .map((call) => call.event)
        .sort((a, b) => Number(a.index) - Number(b.index)),
    ).toEqual([
      { chunk: 1, index: 0 },
      { chunk: 2, index: 1 },
      { chunk: 3, index: 2 },
    ]);

    const events = await fullHistory(executionArn!);
    expect(events.map((event) => event.id)).toEqual(events.map((_event, index) => index + 1));
    for (const event of events.slice(1)) expect(event.previousEventId).toBeLessThan(event.id!);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted']);
    expect(events[2]!.mapStateStartedEventDetails).toEqual({ length: 3 });
    expect(types.filter((type) => type === 'MapIterationStarted')).toHaveLength(3);
    expect(types.filter((type) => type === 'MapIterationSucceeded')).toHaveLength(3);
    const afterMap = types.slice(types.indexOf('MapStateSucceeded'));
    expect(afterMap).toEqual([
      'MapStateSucceeded',
      'MapStateExited',
      'TaskStateEntered',
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      ...['SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
    ]);
    const failed = events.find((event) => event.type === 'TaskFailed')!.taskFailedEventDetails!;
    expect(failed.error).toBe('TransientError');
    expect(JSON.parse(failed.cause!)).toMatchObject({
      errorType: 'TransientError',
      errorMessage: 'bank API throttled',
    });
    const scheduled = events.find((event) => event.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' });
    expect(JSON.parse(scheduled.parameters!)).toEqual({
      FunctionName: 'calculate',
      Payload: expect.any(Object),
    });
    expect(events.at(-1)!.executionSucceededEventDetails!.output).toBe(done.output);

    // Paging and reverse order return the same events.
    const paged = await fullHistory(executionArn!, false, 7);
    expect(paged).toEqual(events);
    const reversed = await fullHistory(executionArn!, true, 10);
    expect(reversed.map((event) => event.id)).toEqual(events.map((event) => event.id).reverse());
  });

  it('runs the Catch path when a step fails with a business error', async () => {
    const machine = await createMachine('pay-run-catch', sagaDefinition);
    const input = JSON.stringify({ runId: 'globex-2026-01', chunks: [], reject: true });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'r1', input }),
    );

    const done = await settled(executionArn!);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('RunRolledBack');
    expect(done.cause).toBe('Every completed step was compensated.');
    expect(callsOf('refund')).toHaveLength(1);
    const refundEvent = callsOf('refund')[0]!.event;
    expect((refundEvent.failure as { Error: string }).Error).toBe('BankRejected');
    expect(JSON.parse((refundEvent.failure as { Cause: string }).Cause).errorMessage).toBe('account closed');
    const types = (await fullHistory(executionArn!)).map((event) => event.type);
    expect(types.slice(types.lastIndexOf('TaskFailed'))).toEqual([
      'TaskFailed',
      'TaskStateExited',
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      'FailStateEntered',
      'ExecutionFailed',
    ]);
  });

  it('lists executions newest first, filtered by status, page by page', async () => {
    const machine = await createMachine('list-runs', twoStepDefinition);
    for (const name of ['jan', 'feb', 'mar']) {
      const started = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: machine, name, input: '{}' }),
      );
      await settled(started.executionArn!);
    }
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: machine,
          statusFilter: 'SUCCEEDED',
          maxResults: 2,
          nextToken,
        }),
      );
      expect(page.executions!.length).toBeLessThanOrEqual(2);
      names.push(...page.executions!.map((execution) => execution.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names).toEqual(['mar', 'feb', 'jan']);
    const failed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'FAILED' }),
    );
    expect(failed.executions).toEqual([]);
  });
});

describe('execution lifecycle', () => {
  it('treats StartExecution with the same name and input as idempotent while it runs, and refuses any other reuse', async () => {
    const machine = await createMachine('idempotent-runs', twoStepDefinition);
    const input = JSON.stringify({ runId: 'initech-2026-02', block: true });
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'initech', input }),
    );
    await until(() => releaseBlockedClose !== undefined);

    const again = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'initech', input }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: machine, name: 'initech', input: '{"other":1}' }),
      ),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists', $metadata: { httpStatusCode: 400 } });

    releaseBlockedClose!();
    releaseBlockedClose = undefined;
    expect((await settled(first.executionArn!)).status).toBe('SUCCEEDED');
    expect(callsOf('open').filter((call) => call.event.runId === 'initech-2026-02')).toHaveLength(1);
    // A closed execution's name is never reused, whatever the input.
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'initech', input })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: 'bad name', input })),
    ).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${first.executionArn}-missing` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    await expect(
      sfn.send(new RedriveExecutionCommand({ executionArn: first.executionArn })),
    ).rejects.toMatchObject({ name: 'ExecutionNotRedrivable' });
  });

  it('stops a running execution: ABORTED with the given error and cause, and the late task result is ignored', async () => {
    const machine = await createMachine('stoppable', twoStepDefinition);
    const input = JSON.stringify({ runId: 'umbrella-2026-02', block: true });
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'u1', input }),
    );
    await until(() => releaseBlockedClose !== undefined);

    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'OperatorStop', cause: 'wrong period' }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    releaseBlockedClose!();
    releaseBlockedClose = undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));

    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'OperatorStop', cause: 'wrong period' });
    expect(described.redriveStatus).toBe('REDRIVABLE');
    const events = await fullHistory(executionArn!);
    expect(events.at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'OperatorStop', cause: 'wrong period' },
    });
    expect(events.filter((event) => event.type === 'TaskSucceeded')).toHaveLength(1);
  });

  it('redrives a failed execution from the failed state once the fault is fixed, without re-running earlier steps', async () => {
    const machine = await createMachine('redrivable', twoStepDefinition);
    const input = JSON.stringify({ runId: 'hooli-2026-03' });
    closeGateOpen = false;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, name: 'h1', input }),
    );
    const failed = await settled(executionArn!);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'LedgerLocked', redriveStatus: 'REDRIVABLE' });
    const opensBefore = callsOf('open').length;

    closeGateOpen = true;
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriveDate).toBeInstanceOf(Date);
    const done = await settled(executionArn!);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(JSON.parse(done.output!)).toEqual({
      runId: 'hooli-2026-03',
      open: { opened: { runId: 'hooli-2026-03' } },
      close: { closed: { closed: true } },
    });
    expect(callsOf('open')).toHaveLength(opensBefore);

    const types = (await fullHistory(executionArn!)).map((event) => event.type);
    expect(types.slice(types.indexOf('ExecutionFailed'))).toEqual([
      'ExecutionFailed',
      'ExecutionRedriven',
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      'ExecutionSucceeded',
    ]);
    expect(types.filter((type) => type === 'ExecutionStarted')).toHaveLength(1);
  });

  it('fails a state whose result exceeds 256 KiB with States.DataLimitExceeded, which States.ALL does not catch', async () => {
    const machine = await createMachine('oversize', oversizeDefinition);
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine, input: '{}' }),
    );
    const done = await settled(executionArn!);
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    const types = (await fullHistory(executionArn!)).map((event) => event.type);
    expect(types).not.toContain('SucceedStateEntered');

    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machine,
          input: JSON.stringify({ x: 'y'.repeat(270_000) }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
