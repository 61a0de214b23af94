/**
 * Planned runs on the embedded stack, with the real payday machine (its distributed Map run as the
 * local Step Functions runs it), handlers, DynamoDB and SQS adapters: schedules in the store, a
 * payday that starts the due employers' runs and reports the rest, a second trigger that starts
 * nothing, a failing employer reported without stopping the others; the host's own scheduler
 * starting the machine with the scheduled time; and dead letters redriven through SQS with their
 * count on the message, then parked.
 */
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDue } from '../../src/actions/runDue.js';
import { addCalendarDays } from '../../src/core/bankingDays.js';
import { redriveOnSchedule } from '../../src/core/deadLetterRedrive.js';
import { periodContaining } from '../../src/core/payCalendar.js';
import { paySchedule } from '../../src/core/paySchedule.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { StateMachineName } from '../../src/core/saga/functions.js';
import type { PaydayReport } from '../../src/core/saga/paydayTasks.js';
import { AchFileKind, RunType } from '../../src/core/saga/records.js';
import { RunStatus } from '../../src/core/saga/steps.js';
import { LOCAL_ACCOUNT_ID } from '../../src/infra/aws/clients.js';
import { DynamoMessageFailureStore } from '../../src/infra/aws/dynamoMessageFailureStore.js';
import { dataTable, systemClock } from '../../src/infra/aws/sagaPorts.js';
import { stateMachineArn } from '../../src/infra/aws/sfnExecutions.js';
import { createPaydayExecutions } from '../../src/infra/aws/sfnPayday.js';
import { SqsDeadLetters } from '../../src/infra/aws/sqsDeadLetters.js';
import { QUEUE_NAMES, STATE_MACHINE_NAMES } from '../../src/infra/aws/tables.js';
import { type PayrollHarness, startPayrollHarness, testRoster } from '../support/payrollHarness.js';
import { until } from '../support/until.js';

const SCHEDULED_PAYDAY = 'payroll-ops-daily-payday';
let harness: PayrollHarness;

beforeAll(async () => {
  // The daily payday fires every 2 s here: the host's scheduler is under test too.
  harness = await startPayrollHarness({ scheduleEverySeconds: { [SCHEDULED_PAYDAY]: 2 } });
});

afterAll(async () => {
  await harness?.close();
});

const paydayArn = () =>
  stateMachineArn(harness.clients.region, LOCAL_ACCOUNT_ID, STATE_MACHINE_NAMES[StateMachineName.Payday]);

async function trigger(asOf: string): Promise<PaydayReport> {
  const result = await runDue(
    {
      clock: systemClock,
      payday: createPaydayExecutions(harness.clients.sfn, paydayArn()),
      audit: harness.ports.audit,
      runs: harness.ports.runs,
    },
    { asOf, actor: 'test' },
    { pollMs: 100, timeoutMs: 60_000 },
  );
  expect(result.startedRuns.map((run) => run.runId)).toEqual(result.report.started);
  return result.report;
}

async function scheduled(employerId: string, calendar: string, from: string, paused = false) {
  await harness.setupEmployer(employerId, testRoster(4));
  await harness.ports.schedules.put({ ...paySchedule({ employerId, calendar, from }), paused });
}

describe('a payday on the local stack', () => {
  // December 2026 ends Thu 31: paid that day, due Tue 29 (Christmas Fri 25 is no banking day).
  const DUE = '2026-12-29';

  it('keeps schedules in the store, one item per employer, listed in one query', async () => {
    await scheduled('alpha', 'monthly', '2026-12');
    await scheduled('bravo', 'monthly', '2026-12');
    await scheduled('charlie', 'monthly', '2026-12', true);
    expect((await harness.ports.schedules.list()).map((s) => [s.employerId, s.paused])).toEqual([
      ['alpha', false],
      ['bravo', false],
      ['charlie', true],
    ]);
    expect(await harness.ports.schedules.get('charlie')).toMatchObject({
      calendar: 'monthly',
      from: '2026-12',
    });
  });

  it('starts the due employers’ runs, which complete, and reports the paused one', async () => {
    const report = await trigger(DUE);
    expect(report).toMatchObject({
      asOf: DUE,
      started: ['alpha-2026-12-regular', 'bravo-2026-12-regular'],
      skipped: [{ employerId: 'charlie', reason: 'paused' }],
      failed: [],
    });
    for (const runId of report.started) {
      const run = await harness.waitForRun(runId);
      expect(run).toMatchObject({
        status: RunStatus.Completed,
        requestedBy: 'schedule',
        runType: RunType.Regular,
      });
      expect(run.period).toMatchObject({ id: '2026-12', payDate: '2026-12-31' });
    }
    expect(
      (await harness.ports.audit.list({ runId: 'alpha-2026-12-regular', limit: 5 })).map((a) => a.actor),
    ).toEqual(['schedule']);
  });

  it('starts nothing on a second trigger the same day', async () => {
    const second = await trigger(DUE);
    expect(second.started).toEqual([]);
    expect(second.skipped.map((skip) => [skip.employerId, skip.reason])).toEqual([
      ['alpha', 'already-started'],
      ['bravo', 'already-started'],
      ['charlie', 'paused'],
    ]);
    expect(await harness.ports.runs.getRun('alpha-2026-12-regular-r2')).toBeUndefined();
  });

  it('reports an employer whose start fails, and still starts the others', async () => {
    await scheduled('delta', 'monthly', '2026-12');
    // echo has a schedule and an employer record but no roster: its start is refused as bad input.
    await harness.ports.roster.putEmployer({
      employerId: 'echo',
      name: 'Echo',
      fundingRouting: '021000021',
      fundingAccount: '000123456789',
      achCompanyId: '1123456789',
    });
    await harness.ports.schedules.put(
      paySchedule({ employerId: 'echo', calendar: 'monthly', from: '2026-12' }),
    );
    const report = await trigger(DUE);
    expect(report.started).toEqual(['delta-2026-12-regular']);
    expect(report.failed).toEqual([{ employerId: 'echo', error: expect.stringContaining('echo') }]);
    expect(await harness.ports.runs.getRun('echo-2026-12-regular')).toBeUndefined();
    await harness.waitForRun('delta-2026-12-regular');
  });

  it('is started by the host’s scheduler with the scheduled time, and starts a run due today', async () => {
    // A weekly schedule from last week: that period's run was due in the last few days (catch-up).
    const today = new Date().toISOString().slice(0, 10);
    const lastWeek = periodContaining('weekly', addCalendarDays(today, -7));
    const roster = parseRoster(generateRosterCsv({ count: 3, payFrequency: 'weekly', seed: 5 }), 'generated');
    await harness.setupEmployer('weekly', roster);
    await harness.ports.schedules.put(
      paySchedule({ employerId: 'weekly', calendar: 'weekly', from: lastWeek.id }),
    );
    const started = await until(
      'the scheduled payday to start the weekly run',
      async () => (await harness.ports.runs.listRegularRuns('weekly', { limit: 1 }))[0],
      30_000,
      200,
    );
    expect(started).toMatchObject({ requestedBy: 'schedule', period: { id: lastWeek.id } });
    // The scheduler's executions are unnamed, as EventBridge Scheduler's; their input is its timestamp.
    const { executions = [] } = await harness.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: paydayArn() }),
    );
    const fromScheduler = executions.filter((execution) => !execution.name?.startsWith('run-due-'));
    expect(fromScheduler.length).toBeGreaterThan(0);
    const { input } = await harness.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: fromScheduler[0]!.executionArn }),
    );
    expect(JSON.parse(input ?? '{}')).toEqual({
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    });
    expect((await harness.waitForRun(started.runId)).status).toBe(RunStatus.Completed);
  });
});

describe('dead letters on the local SQS', () => {
  it('carry their redrive count through each trip back to the DLQ, and are parked after three', async () => {
    const { clients } = harness;
    const { QueueUrl } = await clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: QUEUE_NAMES['bank-gateway'] }),
    );
    // Redelivery after 1 s instead of 120 s, so three failed receives take seconds.
    await clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '1' } }),
    );
    const runId = 'alpha-2026-12-regular';
    const messageId = `${runId}#ach#${AchFileKind.Reversal}`;
    // A reversal whose file was never recorded: the bank gateway fails it on every delivery.
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({ messageId, runId, kind: 'REVERSAL' }),
      }),
    );
    const dlq = new SqsDeadLetters({
      sqs: clients.sqs,
      queueUrl: async (name) => {
        const out = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        return out.QueueUrl!;
      },
    });
    const failures = new DynamoMessageFailureStore(dataTable({ dynamodb: clients.dynamodb }));
    const ports = { dlq, failures, now: () => new Date().toISOString() };
    const inDlq = () =>
      until('the message in the DLQ', async () => (await dlq.peek('bank-gateway'))[0], 45_000, 250);

    for (let redrives = 0; redrives < 3; redrives++) {
      expect((await inDlq()).redriveCount).toBe(redrives);
      expect(await redriveOnSchedule(ports, ['bank-gateway'])).toEqual([
        { queue: 'bank-gateway', moved: 1, parked: 0, alreadyParked: 0 },
      ]);
    }
    expect((await inDlq()).redriveCount).toBe(3);
    expect(await redriveOnSchedule(ports, ['bank-gateway'])).toEqual([
      { queue: 'bank-gateway', moved: 0, parked: 1, alreadyParked: 0 },
    ]);
    expect(await failures.getFailure(runId, messageId)).toMatchObject({
      code: 'ACH_FILE_MISSING',
      parkedAt: expect.any(String),
      redriveCount: 3,
    });
    expect(await redriveOnSchedule(ports, ['bank-gateway'])).toEqual([
      { queue: 'bank-gateway', moved: 0, parked: 0, alreadyParked: 1 },
    ]);
    expect(await dlq.peek('bank-gateway')).toHaveLength(1);
  });
});
