/**
 * The local stand-in for EventBridge Scheduler: a state-machine target is started with the input
 * Scheduler would send (the firing time in place of `<aws.scheduler.scheduled-time>`), a function
 * target invoked with its payload; and a firing holds off an idle stop without counting as
 * someone needing the host.
 */
import { describe, expect, it } from 'vitest';
import { ActivityTracker } from '../../src/infra/local/activity.js';
import { HostRuntime } from '../../src/infra/local/hostRuntime.js';
import {
  fillScheduledTime,
  type Scheduler,
  scheduledTime,
  startScheduler,
} from '../../src/infra/local/scheduler.js';
import { EMPTY_PLAN } from '../../src/infra/local/template/planDiff.js';
import { ResourceType } from '../../src/infra/local/template/resourceKinds.js';
import { until } from '../support/until.js';

describe('the local scheduler', () => {
  it('writes the scheduled time as Scheduler does, to the second in UTC', () => {
    const at = new Date('2026-03-27T06:00:00.123Z');
    expect(scheduledTime(at)).toBe('2026-03-27T06:00:00Z');
    expect(JSON.parse(fillScheduledTime('{"asOf":"<aws.scheduler.scheduled-time>","n":1}', at))).toEqual({
      asOf: '2026-03-27T06:00:00Z',
      n: 1,
    });
  });

  it('starts a state machine target and invokes a function target, each on its own interval', async () => {
    const started: [string, string][] = [];
    const invoked: [string, unknown][] = [];
    const activity = new ActivityTracker();
    const later = Date.now() + 60_000;
    const quietBefore = activity.quietFor(later);
    const scheduler = startScheduler(
      [
        {
          name: 'daily-payday',
          expression: 'cron(0 6 * * ? *)',
          target: {
            kind: 'state-machine',
            stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-payday',
            input: '{"asOf":"<aws.scheduler.scheduled-time>"}',
          },
        },
        {
          name: 'dlq-redrive',
          expression: 'rate(15 minutes)',
          target: { kind: 'lambda', functionName: 'payroll-ops-redrive-dead-letters', payload: {} },
        },
      ],
      {
        invoke: async (name, payload) => {
          invoked.push([name, payload]);
        },
        startExecution: async (stateMachineArn, input) => {
          started.push([stateMachineArn, input]);
        },
        activity,
        log: () => {},
        everySeconds: { 'daily-payday': 1, 'dlq-redrive': 1 },
      },
    );
    try {
      await until(
        'both schedules to fire',
        () => (started.length > 0 && invoked.length > 0 ? true : undefined),
        5_000,
      );
    } finally {
      scheduler.stop();
    }
    expect(started[0]?.[0]).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-payday');
    expect(JSON.parse(started[0]![1])).toEqual({
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    });
    expect(invoked[0]).toEqual(['payroll-ops-redrive-dead-letters', {}]);
    // The firings were no one's request: the host's quiet time goes on as if they had not happened.
    expect(activity.quietFor(later)).toBe(quietBefore);
  });

  it('lets a firing hold off an idle stop while it runs', () => {
    const activity = new ActivityTracker();
    const done = activity.hold();
    expect(activity.quietFor(Date.now() + 60_000)).toBe(0);
    done();
    expect(activity.quietFor(Date.now() + 60_000)).toBeGreaterThanOrEqual(60_000);
  });
});

describe('the host runtime swapping schedules on a deploy', () => {
  const schedule = (expression: string) => ({
    logicalId: 'Daily',
    name: 'daily-payday',
    expression,
    enabled: true,
    target: {
      kind: 'state-machine' as const,
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:payroll-ops-payday',
      input: '{}',
    },
  });
  const withSchedules = (schedules: ReturnType<typeof schedule>[]) => ({ ...EMPTY_PLAN, schedules });
  const change = {
    stack: 'payroll-ops',
    logicalId: 'Daily',
    resourceType: ResourceType.Schedule,
    name: 'daily-payday',
    change: 'update' as const,
    impact: 'WILL_UPDATE',
    details: [],
  };

  it('keeps the running schedules firing when the new ones cannot start', async () => {
    const runtime = new HostRuntime({
      sqs: {} as never,
      sfn: {} as never,
      activity: new ActivityTracker(),
      log: () => {},
    });
    const provisioned = { queues: new Map(), stateMachines: new Map() };
    await runtime.install(withSchedules([schedule('cron(0 6 * * ? *)')]), new Map(), provisioned, []);
    const running = () => (runtime as unknown as { scheduler: Scheduler }).scheduler.nextRuns();
    expect(running()['daily-payday']).not.toBeNull();
    await expect(
      runtime.install(withSchedules([schedule('cron(a b c d e f)')]), new Map(), provisioned, [change]),
    ).rejects.toThrow();
    expect(running()['daily-payday']).not.toBeNull();
    await runtime.stop();
  });
});
