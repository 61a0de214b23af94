/**
 * The payday machine's handlers over memory ports: who is due (from the schedules and the runs
 * actually made), each due employer's regular run started through the start action on behalf of
 * `schedule`, a second trigger starting nothing, failures reported per employer, and the report.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { listSchedules } from '../../src/actions/paySchedules.js';
import type { PaySchedule } from '../../src/core/paySchedule.js';
import { paySchedule } from '../../src/core/paySchedule.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import {
  type DueRunItem,
  type PaydayPlanResult,
  paydayDate,
  planPaydayTask,
  reportPayday,
  type StartOutcome,
} from '../../src/core/saga/paydayTasks.js';
import { RunType } from '../../src/core/saga/records.js';
import { startRun } from '../../src/core/saga/startRun.js';
import { RunStatus } from '../../src/core/saga/steps.js';
import { startScheduledRun } from '../../src/infra/lambda/paydayHandlers.js';
import { MemoryExecutions } from '../support/memoryExecutions.js';
import { createMemoryPorts, fixedClock, type MemoryPorts } from '../support/memoryPorts.js';

// March 2026 ends Tue 31: paid that day, due two banking days before, Fri Mar 27.
const PAYDAY = '2026-03-27';
const EMPLOYERS = ['acme', 'globex', 'initech'] as const;

let ports: MemoryPorts;
let executions: MemoryExecutions;
let deps: Parameters<typeof startScheduledRun>[0];

async function addEmployer(employerId: string, schedule: Partial<PaySchedule> = {}) {
  await ports.roster.putEmployer({
    employerId,
    name: employerId,
    fundingRouting: '021000021',
    fundingAccount: '555000111',
    achCompanyId: '1234567890',
  });
  await ports.roster.upsertEmployees(
    employerId,
    parseRoster(generateRosterCsv({ count: 3, payFrequency: 'monthly', seed: 7 }), 'generated'),
  );
  await ports.schedules.put({
    ...paySchedule({ employerId, calendar: 'monthly', from: '2026-03' }),
    ...schedule,
  });
}

const plan = (asOf: unknown = PAYDAY) => planPaydayTask(ports, { asOf });

/** The Map: each due item started as the machine does, a thrown error caught as its Catch would. */
async function fanOut(due: readonly DueRunItem[]): Promise<StartOutcome[]> {
  return Promise.all(
    due.map((item) =>
      startScheduledRun(deps, item).catch((error: Error) => ({
        employerId: item.employerId,
        error: error.name,
        cause: JSON.stringify({ errorType: error.name, errorMessage: error.message }),
      })),
    ),
  );
}

async function payday(asOf = PAYDAY) {
  const planned: PaydayPlanResult = await plan(asOf);
  return reportPayday({ asOf: planned.asOf, skipped: planned.skipped, results: await fanOut(planned.due) });
}

beforeEach(async () => {
  ports = createMemoryPorts({ clock: fixedClock(`${PAYDAY}T06:00:01.000Z`) });
  executions = new MemoryExecutions();
  deps = { ports, executions };
  await addEmployer('acme');
  await addEmployer('globex');
  await addEmployer('initech', { paused: true });
});

describe('the payday plan', () => {
  it('lists the employers due on their due date with period and pay date, and the skipped ones with why', async () => {
    expect(await plan('2026-03-26')).toMatchObject({
      due: [],
      skipped: EMPLOYERS.map((employerId) => ({ employerId })),
    });
    expect(await plan()).toEqual({
      asOf: PAYDAY,
      due: [
        { asOf: PAYDAY, employerId: 'acme', period: '2026-03', payDate: '2026-03-31' },
        { asOf: PAYDAY, employerId: 'globex', period: '2026-03', payDate: '2026-03-31' },
      ],
      skipped: [{ employerId: 'initech', reason: 'paused', detail: 'the schedule is paused' }],
    });
  });

  it("takes the scheduler's timestamp as its date, and refuses what is not a date in one line", async () => {
    expect((await plan('2026-03-27T06:00:00Z')).asOf).toBe(PAYDAY);
    expect(paydayDate(' 2026-03-27 ')).toBe(PAYDAY);
    for (const bad of ['2026-02-30', '27/03/2026', '', undefined, 20260327, '2026-03-27x']) {
      await expect(planPaydayTask(ports, { asOf: bad })).rejects.toMatchObject({
        code: 'AS_OF_INVALID',
        kind: 'bad-input',
      });
    }
  });
});

describe('a payday', () => {
  it('starts each due employer’s regular run through the start action, as `schedule`', async () => {
    const report = await payday();
    expect(report).toEqual({
      asOf: PAYDAY,
      started: ['acme-2026-03-regular', 'globex-2026-03-regular'],
      skipped: [{ employerId: 'initech', reason: 'paused', detail: 'the schedule is paused' }],
      failed: [],
    });
    for (const runId of report.started) {
      expect(await ports.runs.getRun(runId)).toMatchObject({
        runType: RunType.Regular,
        period: { id: '2026-03', payDate: '2026-03-31' },
        requestedBy: 'schedule',
        status: RunStatus.Pending,
      });
      expect(executions.started.get(runId)?.machine).toBe('pay-run');
      expect(await ports.audit.list({ runId, limit: 5 })).toEqual([
        expect.objectContaining({
          actor: 'schedule',
          action: 'run.start',
          details: expect.objectContaining({ period: '2026-03', requestedBy: 'schedule' }),
        }),
      ]);
    }
    expect(ports.locks.holders.get('acme#2026-03#regular')).toBe('acme-2026-03-regular');
  });

  it('starts nothing on a second trigger the same day: the periods are started already', async () => {
    await payday();
    const second = await payday();
    expect(second.started).toEqual([]);
    expect(second.failed).toEqual([]);
    expect(second.skipped).toEqual([
      {
        employerId: 'acme',
        reason: 'already-started',
        detail:
          '2026-03 was started as acme-2026-03-regular; next: 2026-04 (pay date 2026-04-30) is due on 2026-04-28',
      },
      expect.objectContaining({ employerId: 'globex', reason: 'already-started' }),
      expect.objectContaining({ employerId: 'initech', reason: 'paused' }),
    ]);
    expect([...ports.runs.runs.keys()].sort()).toEqual(['acme-2026-03-regular', 'globex-2026-03-regular']);
  });

  it('says not-due, not already-started, when the last run paid a period before the schedule began', async () => {
    await payday();
    await ports.schedules.put(paySchedule({ employerId: 'acme', calendar: 'monthly', from: '2026-05' }));
    const skip = (await plan()).skipped.find((s) => s.employerId === 'acme');
    expect(skip).toEqual({
      employerId: 'acme',
      reason: 'not-due',
      detail: '2026-05 (pay date 2026-05-29) is due on 2026-05-27',
    });
  });

  it('finds a period paid by a run its employer listing misses, by the period lock (runs from before the listing)', async () => {
    await payday();
    // As if acme's run had been started before runs were listed per employer.
    const blind = {
      ...ports,
      runs: Object.assign(Object.create(ports.runs) as typeof ports.runs, {
        listRegularRuns: async () => [],
      }),
    };
    const planned = await planPaydayTask(blind, { asOf: PAYDAY });
    expect(planned.due).toEqual([]);
    expect(planned.skipped.find((skip) => skip.employerId === 'acme')).toMatchObject({
      reason: 'already-started',
      detail: expect.stringContaining('2026-03 was started as acme-2026-03-regular'),
    });
    for (const runId of ['acme-2026-03-regular', 'globex-2026-03-regular']) {
      await ports.runs.updateRun(runId, { status: RunStatus.Completed });
    }
    expect(
      (await planPaydayTask(blind, { asOf: '2026-04-28' })).due.map((d) => [d.employerId, d.period]),
    ).toEqual([
      ['acme', '2026-04'],
      ['globex', '2026-04'],
    ]);
  });

  it('skips a start that raced another trigger: the period lock refuses it, nothing is written', async () => {
    const racing = (await plan()).due;
    await fanOut(racing);
    const audits = ports.audit.records.length;
    expect(await fanOut(racing)).toEqual([
      {
        employerId: 'acme',
        skipped: 'already-started',
        detail: '2026-03 already has regular run acme-2026-03-regular (PENDING)',
      },
      {
        employerId: 'globex',
        skipped: 'already-started',
        detail: '2026-03 already has regular run globex-2026-03-regular (PENDING)',
      },
    ]);
    expect(ports.runs.runs.size).toBe(2);
    expect(ports.audit.records.length).toBe(audits);
  });

  it('reports an employer whose start fails and still starts the others', async () => {
    // globex has an off-cycle run open: its runs are serialised, so the scheduled start is refused.
    await startRun(
      { ...ports, executions },
      {
        employerId: 'globex',
        period: parsePeriod('2026-02'),
        runType: RunType.OffCycle,
        reason: 'bonus',
        requestedBy: 'hr',
        payments: [{ employeeId: 'E00001', amount: 10_000 as never, kind: 'bonus' }],
      },
    );
    const report = await payday();
    expect(report.started).toEqual(['acme-2026-03-regular']);
    expect(report.failed).toEqual([
      {
        employerId: 'globex',
        error: expect.stringMatching(/^Employer globex has run globex-2026-02-offcycle-1 open \(PENDING\)/),
      },
    ]);
    expect(await ports.runs.getRun('globex-2026-03-regular')).toBeUndefined();
  });

  it('makes a rolled-back or failed-to-start period due again: its wages are still owed', async () => {
    await payday();
    await ports.runs.updateRun('acme-2026-03-regular', { status: RunStatus.RolledBack });
    await ports.locks.release('acme#2026-03#regular', 'acme-2026-03-regular');
    await ports.runs.updateRun('globex-2026-03-regular', { status: RunStatus.Completed });
    const planned = await plan();
    expect(planned.due.map((item) => [item.employerId, item.period])).toEqual([['acme', '2026-03']]);
    expect((await payday()).started).toEqual(['acme-2026-03-regular-r2']);
  });

  it('makes a period due again when its run is rolled back after a later period was paid: oldest first, never skipped', async () => {
    // Weekly pay: week 12 (paid Fri Mar 20) can still be reversed when week 13 (due Wed Mar 25) starts.
    await ports.roster.putEmployer({
      employerId: 'weekly',
      name: 'weekly',
      fundingRouting: '021000021',
      fundingAccount: '555000111',
      achCompanyId: '1234567890',
    });
    await ports.roster.upsertEmployees(
      'weekly',
      parseRoster(generateRosterCsv({ count: 3, payFrequency: 'weekly', seed: 8 }), 'generated'),
    );
    await ports.schedules.put(paySchedule({ employerId: 'weekly', calendar: 'weekly', from: '2026-W12' }));
    const weekly = async (asOf: string) =>
      (await payday(asOf)).started.filter((id) => id.startsWith('weekly'));
    expect(await weekly('2026-03-18')).toEqual(['weekly-2026-W12-regular']);
    await ports.runs.updateRun('weekly-2026-W12-regular', { status: RunStatus.Completed });
    expect(await weekly('2026-03-25')).toEqual(['weekly-2026-W13-regular']);
    await ports.runs.updateRun('weekly-2026-W13-regular', { status: RunStatus.Completed });
    // Week 12 turns out wrong and is rolled back (within its reversal window) after week 13 was paid.
    await ports.runs.updateRun('weekly-2026-W12-regular', { status: RunStatus.RolledBack });
    await ports.locks.release('weekly#2026-W12#regular', 'weekly-2026-W12-regular');

    expect((await plan('2026-03-26')).due.find((item) => item.employerId === 'weekly')).toEqual({
      asOf: '2026-03-26',
      employerId: 'weekly',
      period: '2026-W12',
      payDate: '2026-03-20',
    });
    expect((await listSchedules(ports)).find((view) => view.employerId === 'weekly')).toMatchObject({
      lastPaid: '2026-W13',
      nextPeriod: '2026-W12',
    });
    expect(await weekly('2026-03-26')).toEqual(['weekly-2026-W12-regular-r2']);
    // Paid again, week 12 is no longer owed: the schedule goes on after week 13.
    await ports.runs.updateRun('weekly-2026-W12-regular-r2', { status: RunStatus.Completed });
    expect((await plan('2026-04-01')).due.find((item) => item.employerId === 'weekly')?.period).toBe(
      '2026-W14',
    );
  });

  it('pays the next period on its due date once the previous one completed', async () => {
    await payday();
    for (const runId of ['acme-2026-03-regular', 'globex-2026-03-regular']) {
      await ports.runs.updateRun(runId, { status: RunStatus.Completed });
      await ports.locks.release(`${runId.split('-')[0]}#open-run`, runId);
    }
    expect((await payday('2026-04-27')).started).toEqual([]);
    expect((await payday('2026-04-28')).started).toEqual(['acme-2026-04-regular', 'globex-2026-04-regular']);
  });
});

describe('the payday report', () => {
  it("combines the plan's skips with the fan-out's outcomes, by employer, with Lambda's message", () => {
    expect(
      reportPayday({
        asOf: PAYDAY,
        skipped: [{ employerId: 'zeta', reason: 'not-due', detail: 'later' }],
        results: [
          { employerId: 'beta', runId: 'beta-2026-03-regular' },
          { employerId: 'alpha', runId: 'alpha-2026-03-regular' },
          { employerId: 'gamma', skipped: 'already-started', detail: 'raced' },
          {
            employerId: 'delta',
            error: 'BadInputError',
            cause: JSON.stringify({
              errorType: 'BadInputError',
              errorMessage: 'Employer delta has no employees.',
            }),
          },
          { employerId: 'epsilon', error: 'States.Timeout', cause: '' },
        ],
      }),
    ).toEqual({
      asOf: PAYDAY,
      started: ['alpha-2026-03-regular', 'beta-2026-03-regular'],
      skipped: [
        { employerId: 'gamma', reason: 'already-started', detail: 'raced' },
        { employerId: 'zeta', reason: 'not-due', detail: 'later' },
      ],
      failed: [
        { employerId: 'delta', error: 'Employer delta has no employees.' },
        { employerId: 'epsilon', error: 'States.Timeout' },
      ],
    });
  });
});
