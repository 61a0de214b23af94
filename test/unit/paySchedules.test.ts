/**
 * `schedule set|list|pause|resume|remove` as actions over memory ports: bad input refused before
 * anything is written, an unknown employer named with the command that creates it, every change
 * audited, and the next run `list` shows computed from the runs actually made.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  changeSchedule,
  listSchedules,
  ScheduleAction,
  scheduleFromRequest,
  setSchedule,
} from '../../src/actions/paySchedules.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import { RunType } from '../../src/core/saga/records.js';
import { RunStatus } from '../../src/core/saga/steps.js';
import { createMemoryPorts, fixedClock, type MemoryPorts } from '../support/memoryPorts.js';

const ACTOR = 'ops@local';
let ports: MemoryPorts;

beforeEach(async () => {
  // Sunday 29 November 2026.
  ports = createMemoryPorts({ clock: fixedClock('2026-11-29T18:00:00.000Z') });
  await ports.roster.putEmployer({
    employerId: 'acme',
    name: 'Acme',
    fundingRouting: '021000021',
    fundingAccount: '555000111',
    achCompanyId: '1234567890',
  });
});

describe('schedule set', () => {
  it('stores the schedule with its defaults (the current period, 2 lead days, previous banking day), audited', async () => {
    const { schedule, created } = await setSchedule(
      ports,
      { employerId: 'acme', calendar: 'monthly' },
      ACTOR,
    );
    expect(created).toBe(true);
    expect(schedule).toEqual({
      employerId: 'acme',
      calendar: 'monthly',
      from: '2026-11',
      leadDays: 2,
      payDayRule: 'previous-banking-day',
      paused: false,
    });
    expect(await ports.schedules.get('acme')).toEqual(schedule);
    expect(ports.audit.records).toEqual([
      expect.objectContaining({
        actor: ACTOR,
        action: 'schedule.set',
        details: expect.objectContaining({ employer: 'acme', calendar: 'monthly', from: '2026-11' }),
      }),
    ]);
  });

  it.each([
    [{ calendar: 'fortnightly' }, 'SCHEDULE_CALENDAR_INVALID', '--calendar fortnightly: not a pay calendar'],
    [
      { calendar: 'monthly', from: '2026-W10' },
      'SCHEDULE_FROM_MISMATCH',
      '--from 2026-W10 is a weekly period',
    ],
    [{ calendar: 'monthly', from: 'March' }, 'PERIOD_INVALID', '--from'],
    [{ calendar: 'weekly', leadDays: 11 }, 'SCHEDULE_LEAD_DAYS_INVALID', '--lead-days 11'],
    [{ calendar: 'weekly', leadDays: -1 }, 'SCHEDULE_LEAD_DAYS_INVALID', '--lead-days -1'],
    [{ calendar: 'weekly', payDayRule: 'friday' }, 'SCHEDULE_PAY_DAY_RULE_INVALID', '--pay-day-rule friday'],
  ])('refuses %j in one line naming the flag, and writes nothing', async (flags, code, says) => {
    const error = await setSchedule(ports, { employerId: 'acme', ...flags }, ACTOR).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'bad-input', code });
    expect((error as Error).message).toContain(says);
    expect((error as Error).message).not.toContain('\n');
    expect(ports.schedules.schedules.size).toBe(0);
    expect(ports.audit.records).toEqual([]);
  });

  it('refuses an unknown employer naming `employer set`, and writes nothing', async () => {
    const error = await setSchedule(ports, { employerId: 'ghost', calendar: 'monthly' }, ACTOR).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'bad-input', code: 'EMPLOYER_NOT_FOUND' });
    expect((error as Error).message).toContain('payroll-ops employer set ghost');
    expect(ports.schedules.schedules.size).toBe(0);
  });

  it('checks every flag without the store (what the command does before opening the backend)', () => {
    expect(() => scheduleFromRequest({ employerId: 'acme', calendar: 'daily' }, '2026-11-29')).toThrow(
      /--calendar daily/,
    );
    expect(scheduleFromRequest({ employerId: 'acme', calendar: 'weekly' }, '2026-11-29').from).toBe(
      '2026-W48',
    );
  });

  it('keeps a paused schedule paused when it is replaced', async () => {
    await setSchedule(ports, { employerId: 'acme', calendar: 'monthly' }, ACTOR);
    await changeSchedule(ports, 'acme', ScheduleAction.Pause, ACTOR);
    const { schedule, created } = await setSchedule(
      ports,
      { employerId: 'acme', calendar: 'semimonthly', from: '2026-12-1' },
      ACTOR,
    );
    expect(created).toBe(false);
    expect(schedule).toMatchObject({ calendar: 'semimonthly', from: '2026-12-1', paused: true });
  });
});

describe('schedule pause, resume, remove', () => {
  it('change the stored schedule, each audited with what it was', async () => {
    await setSchedule(ports, { employerId: 'acme', calendar: 'monthly' }, ACTOR);
    await changeSchedule(ports, 'acme', ScheduleAction.Pause, ACTOR);
    expect((await ports.schedules.get('acme'))?.paused).toBe(true);
    await changeSchedule(ports, 'acme', ScheduleAction.Resume, ACTOR);
    expect((await ports.schedules.get('acme'))?.paused).toBe(false);
    await changeSchedule(ports, 'acme', ScheduleAction.Remove, ACTOR);
    expect(await ports.schedules.get('acme')).toBeUndefined();
    expect(ports.audit.records.map((record) => record.action)).toEqual([
      'schedule.set',
      'schedule.pause',
      'schedule.resume',
      'schedule.remove',
    ]);
  });

  it.each(Object.values(ScheduleAction))(
    '%s of an employer without a schedule is bad input naming `schedule set`',
    async (action) => {
      const error = await changeSchedule(ports, 'acme', action, ACTOR).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'bad-input', code: 'SCHEDULE_NOT_FOUND' });
      expect((error as Error).message).toContain('payroll-ops schedule set acme');
      expect(ports.audit.records).toEqual([]);
    },
  );
});

describe('schedule list', () => {
  it('shows the next period after the last one paid, its pay date and due date', async () => {
    await setSchedule(ports, { employerId: 'acme', calendar: 'monthly', from: '2026-11' }, ACTOR);
    const before = await listSchedules(ports);
    expect(before).toEqual([
      expect.objectContaining({
        employerId: 'acme',
        lastPaid: null,
        // Nov 30 is a Monday; two banking days before, skipping Thanksgiving (Thu 26): Wed 25.
        nextPeriod: '2026-11',
        nextPayDate: '2026-11-30',
        dueOn: '2026-11-25',
        paused: false,
      }),
    ]);
    const run = {
      runId: 'acme-2026-11-regular',
      employerId: 'acme',
      period: parsePeriod('2026-11'),
      runType: RunType.Regular,
      status: RunStatus.Completed,
      requestedBy: 'schedule',
      startedAt: '2026-11-25T06:00:00.000Z',
      steps: {},
      compensations: [],
      artifacts: {},
    };
    await ports.runs.createRun(run);
    expect(await listSchedules(ports)).toEqual([
      expect.objectContaining({
        lastPaid: '2026-11',
        nextPeriod: '2026-12',
        nextPayDate: '2026-12-31',
        dueOn: '2026-12-29',
      }),
    ]);
    // Rolled back: the period is owed again.
    await ports.runs.updateRun(run.runId, { status: RunStatus.RolledBack });
    expect((await listSchedules(ports))[0]).toMatchObject({ lastPaid: null, nextPeriod: '2026-11' });
  });

  it('says why a schedule has no next period instead of failing the listing', async () => {
    await setSchedule(ports, { employerId: 'acme', calendar: 'monthly', from: '2026-10' }, ACTOR);
    await ports.runs.createRun({
      runId: 'acme-2026-W44-regular',
      employerId: 'acme',
      period: parsePeriod('2026-W44'),
      runType: RunType.Regular,
      status: RunStatus.Completed,
      requestedBy: 'ops',
      startedAt: '2026-10-30T06:00:00.000Z',
      steps: {},
      compensations: [],
      artifacts: {},
    });
    const [view] = await listSchedules(ports);
    expect(view).toMatchObject({ nextPeriod: null, dueOn: null, lastPaid: '2026-W44' });
    expect(view?.problem).toMatch(/a weekly period, but the schedule is monthly/);
  });
});
