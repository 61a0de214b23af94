/**
 * Starting runs: one open run per employer, the period lock of regular runs, limits checked
 * before anything is written, and a start that fails after its record is written ends
 * FAILED_TO_START with every lock released — in one place shared by the CLI, the API and payday.
 */
import { describe, expect, it } from 'vitest';
import { dryRunPayRun, type PayRunRequest } from '../../../src/actions/startPayRun.js';
import { BadInputError } from '../../../src/core/errors.js';
import type { Cents } from '../../../src/core/money.js';
import { parsePeriod } from '../../../src/core/periodParser.js';
import { generateRosterCsv } from '../../../src/core/rosterGenerator.js';
import { parseRoster } from '../../../src/core/rosterParser.js';
import { employerLockKey, STALE_PENDING_MS } from '../../../src/core/saga/employerLock.js';
import { RunType } from '../../../src/core/saga/records.js';
import { type StartRunCommand, startRun } from '../../../src/core/saga/startRun.js';
import { RunStatus } from '../../../src/core/saga/steps.js';
import { MemoryExecutions } from '../../support/memoryExecutions.js';
import { createMemoryPorts, fixedClock } from '../../support/memoryPorts.js';

const EMPLOYER = 'acme';
const NOW = '2026-03-20T10:00:00.000Z';

async function setUp() {
  const ports = createMemoryPorts({ clock: fixedClock(NOW) });
  await ports.roster.putEmployer({
    employerId: EMPLOYER,
    name: 'Acme',
    fundingRouting: '021000021',
    fundingAccount: '555000111',
    achCompanyId: '1234567890',
  });
  await ports.roster.upsertEmployees(
    EMPLOYER,
    parseRoster(generateRosterCsv({ count: 3, payFrequency: 'monthly', seed: 1 }), 'generated'),
  );
  const executions = new MemoryExecutions();
  return { ports, executions, start: { ...ports, executions } };
}

const regular = (period: string): StartRunCommand => ({
  employerId: EMPLOYER,
  period: parsePeriod(period),
  runType: RunType.Regular,
  requestedBy: 'unit-test',
});
const regularRequest = (period: string): PayRunRequest => ({
  employerId: EMPLOYER,
  period: parsePeriod(period),
  runType: RunType.Regular,
});
const offCycle = (period: string, reason = 'bonus'): StartRunCommand => ({
  ...regular(period),
  runType: RunType.OffCycle,
  reason,
  payments: [{ employeeId: 'E00001', amount: 50_000 as Cents, kind: 'bonus' }],
});

describe('runs of one employer are serialised', () => {
  it('refuses a run of another period while one is open, naming it (exit 1), and writes nothing', async () => {
    const { ports, start } = await setUp();
    const first = await startRun(start, regular('2026-01'));
    const refused = await startRun(start, regular('2026-02')).catch((e) => e);
    expect(refused).toMatchObject({ code: 'EMPLOYER_BUSY', kind: 'operation-failed' });
    expect((refused as Error).message).toMatch(/has run acme-2026-01-regular open \(PENDING\)/);
    expect([...ports.runs.runs.keys()]).toEqual([first.runId]);
    expect(ports.locks.holders.has(`${EMPLOYER}#2026-02#regular`)).toBe(false);
  });

  it('lets exactly one of ten concurrent off-cycle starts through', async () => {
    const { ports, start } = await setUp();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => startRun(start, offCycle('2026-03'))),
    );
    const started = results.filter((r) => r.status === 'fulfilled');
    expect(started).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({
        code: expect.stringMatching(/EMPLOYER_BUSY|RUN_EXISTS/),
      });
    }
    expect(ports.runs.runs.size).toBe(1);
  });

  it('takes over the lock of a run that ended, whether or not it released it', async () => {
    const { ports, start } = await setUp();
    const first = await startRun(start, regular('2026-01'));
    // Completed, but a crash lost the release: the lock still names it.
    await ports.runs.updateRun(first.runId, { status: RunStatus.Completed });
    expect(await ports.locks.holder(employerLockKey(EMPLOYER))).toBe(first.runId);
    const second = await startRun(start, regular('2026-02'));
    expect(await ports.locks.holder(employerLockKey(EMPLOYER))).toBe(second.runId);
  });

  it('treats a fresh lock whose run record is not written yet as a start under way, not a stale lock', async () => {
    const { ports, start } = await setUp();
    // Another start took the lock a moment ago and is about to write its record.
    await ports.locks.acquire(employerLockKey(EMPLOYER), 'acme-2026-01-regular');
    await expect(startRun(start, regular('2026-02'))).rejects.toMatchObject({ code: 'EMPLOYER_BUSY' });
    expect(ports.runs.runs.size).toBe(0);
    // Had that start died there, the lock would be taken over once stale.
    ports.clock.set(new Date(Date.parse(NOW) + STALE_PENDING_MS + 1_000).toISOString());
    expect((await startRun(start, regular('2026-02'))).runId).toBe('acme-2026-02-regular');
  });

  it('names a run whose start holds the employer before its record is written as starting', async () => {
    const { ports, start } = await setUp();
    await ports.locks.acquire(employerLockKey(EMPLOYER), 'acme-2026-01-regular');
    const refused = await startRun(start, regular('2026-02')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'EMPLOYER_BUSY', kind: 'operation-failed' });
    expect((refused as Error).message).toMatch(
      /^Employer acme has run acme-2026-01-regular open \(starting\); /,
    );
    expect(ports.runs.runs.size).toBe(0);
  });

  it('marks a PENDING run whose start died before its execution FAILED_TO_START, once it is stale', async () => {
    const { ports, executions, start } = await setUp();
    const first = await startRun(start, regular('2026-01'));
    executions.started.delete(first.runId); // as if the process died before StartExecution
    await expect(startRun(start, regular('2026-02'))).rejects.toMatchObject({ code: 'EMPLOYER_BUSY' });
    ports.clock.set(new Date(Date.parse(NOW) + STALE_PENDING_MS + 1_000).toISOString());
    const second = await startRun(start, regular('2026-02'));
    expect((await ports.runs.getRun(first.runId))?.status).toBe(RunStatus.FailedToStart);
    expect(second.runId).toBe('acme-2026-02-regular');
  });
});

describe('regular periods of one frequency never overlap', () => {
  it('refuses a regular run whose days overlap a period paid under another id (exit 1), writing nothing', async () => {
    const { ports, start } = await setUp();
    const first = await startRun(start, regular('2026-03-02..2026-03-15'));
    await ports.runs.updateRun(first.runId, { status: RunStatus.Completed });
    const runsBefore = ports.runs.runs.size;

    const error = await startRun(start, regular('2026-03-09..2026-03-22')).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'PERIOD_OVERLAPS', kind: 'operation-failed' });
    expect((error as Error).message).toBe(
      'Period 2026-03-09..2026-03-22 overlaps 2026-03-02..2026-03-15, paid by regular run acme-2026-03-02_2026-03-15-regular (COMPLETED): the days 2026-03-09 to 2026-03-15 would be paid twice. Pay the period after it (2026-03-16..2026-03-29), or roll that run back first.',
    );
    expect(ports.runs.runs.size).toBe(runsBefore);
    expect(ports.locks.holders.has(`${EMPLOYER}#2026-03-09..2026-03-22#regular`)).toBe(false);
    expect(ports.locks.holders.has(employerLockKey(EMPLOYER))).toBe(false);
    // The period right after it is not an overlap.
    expect((await startRun(start, regular('2026-03-16..2026-03-29'))).runId).toBe(
      'acme-2026-03-16_2026-03-29-regular',
    );
  });

  it('a week that does not start on Monday overlaps the ISO weeks it touches; other frequencies never do', async () => {
    const { ports, start } = await setUp();
    const week = await startRun(start, regular('2026-W10'));
    await ports.runs.updateRun(week.runId, { status: RunStatus.Completed });
    await expect(startRun(start, regular('2026-03-04..2026-03-10'))).rejects.toMatchObject({
      code: 'PERIOD_OVERLAPS',
    });
    // A monthly run pays the monthly employees: the same days, other people.
    const month = await startRun(start, regular('2026-03'));
    expect(month.runId).toBe('acme-2026-03-regular');
  });

  it('a period whose run was rolled back or failed to start holds no days', async () => {
    const { ports, start } = await setUp();
    const first = await startRun(start, regular('2026-03-02..2026-03-15'));
    await ports.runs.updateRun(first.runId, { status: RunStatus.RolledBack });
    const second = await startRun(start, regular('2026-03-09..2026-03-22'));
    expect(second.runId).toBe('acme-2026-03-09_2026-03-22-regular');
  });
});

describe('off-cycle runs pay exactly what they are given', () => {
  it('refuses an off-cycle start with neither payments nor hours owed, or with both, writing nothing', async () => {
    const { ports, start } = await setUp();
    const bare = { ...regular('2026-03'), runType: RunType.OffCycle, reason: 'x' };
    await expect(startRun(start, bare)).rejects.toThrow(
      /--off-cycle pays exactly what it is given: pass --payments FILE/,
    );
    await expect(
      startRun(start, {
        ...offCycle('2026-03'),
        timesheets: [{ employeeId: 'E00001', regularHundredths: 100, overtimeHundredths: 0 }],
      }),
    ).rejects.toThrow(/takes --payments FILE or --timesheet FILE, not both/);
    await expect(
      startRun(start, { ...regular('2026-03'), payments: offCycle('2026-03').payments }),
    ).rejects.toThrow(/--payments pays supplemental wages in an off-cycle run; add --off-cycle/);
    expect(ports.runs.runs.size).toBe(0);
  });

  it('stores the payments with the run and records its basis', async () => {
    const { ports, start } = await setUp();
    const { runId } = await startRun(start, offCycle('2026-03'));
    expect((await ports.runs.getRun(runId))?.basis).toBe('payments');
    expect([...(await ports.payments.getPayments(runId)).keys()]).toEqual(['E00001']);
  });
});

describe('a start that fails', () => {
  it('before StartExecution took it: the run is FAILED_TO_START and its period and employer are free', async () => {
    const { ports, executions, start } = await setUp();
    executions.nextStart = 'refused';
    await expect(startRun(start, regular('2026-01'))).rejects.toMatchObject({ code: 'SFN_UNAVAILABLE' });
    const run = await ports.runs.getRun('acme-2026-01-regular');
    expect(run).toMatchObject({ status: RunStatus.FailedToStart, failure: { error: 'StartFailed' } });
    expect(ports.locks.holders.size).toBe(0);
    // The period can be paid at once, as the next attempt.
    expect((await startRun(start, regular('2026-01'))).runId).toBe('acme-2026-01-regular-r2');
  });

  it('after StartExecution took it (the answer was lost): the run is started, not failed', async () => {
    const { ports, executions, start } = await setUp();
    executions.nextStart = 'response-lost';
    const started = await startRun(start, regular('2026-01'));
    expect(started.runId).toBe('acme-2026-01-regular');
    expect((await ports.runs.getRun(started.runId))?.status).toBe(RunStatus.Pending);
    expect(await ports.locks.holder(employerLockKey(EMPLOYER))).toBe(started.runId);
  });

  it('is refused before any write when the reason would not fit Step Functions, or is too long', async () => {
    const { ports, start } = await setUp();
    const huge = 'x'.repeat(300 * 1024);
    const error = await startRun(start, offCycle('2026-03', huge)).catch((e) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(/--reason has 307200 characters; keep it to 1000/);
    expect(ports.runs.runs.size).toBe(0);
    expect(ports.locks.holders.size).toBe(0);
  });

  it('refuses an employer id that cannot be a key before the store sees it', async () => {
    const { start } = await setUp();
    const error = await startRun(start, { ...regular('2026-01'), employerId: 'a'.repeat(3000) }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(/is not an employer id; use 1–30 lower-case letters/);
  });
});

describe('a dry run says what the real run would hear', () => {
  it('previews a period not paid yet, and writes nothing', async () => {
    const { ports } = await setUp();
    const preview = await dryRunPayRun(ports, regularRequest('2026-03'));
    expect(preview.payslips).toHaveLength(3);
    expect(preview.totals.gross).toBeGreaterThan(0);
    expect(preview.totals.employees).toBe(3);
    expect(ports.runs.runs.size).toBe(0);
    expect(ports.locks.holders.size).toBe(0);
  });

  it('refuses a period already paid (RUN_EXISTS) and one overlapping a paid period (PERIOD_OVERLAPS), writing nothing', async () => {
    const { ports, start } = await setUp();
    const paid = await startRun(start, regular('2026-03-02..2026-03-15'));
    await ports.runs.updateRun(paid.runId, { status: RunStatus.Completed });
    const runsBefore = ports.runs.runs.size;
    const holdersBefore = [...ports.locks.holders.keys()].sort();

    const same = await dryRunPayRun(ports, regularRequest('2026-03-02..2026-03-15')).catch((e: unknown) => e);
    expect(same).toMatchObject({ code: 'RUN_EXISTS', kind: 'operation-failed' });
    expect((same as Error).message).toMatch(
      /already has regular run acme-2026-03-02_2026-03-15-regular \(COMPLETED\)/,
    );

    const overlap = await dryRunPayRun(ports, regularRequest('2026-03-09..2026-03-22')).catch(
      (e: unknown) => e,
    );
    expect(overlap).toMatchObject({ code: 'PERIOD_OVERLAPS', kind: 'operation-failed' });

    expect(ports.runs.runs.size).toBe(runsBefore);
    expect([...ports.locks.holders.keys()].sort()).toEqual(holdersBefore);
    // An off-cycle run of a paid period is what the refusal points to: its preview still works.
    const offCyclePreview = await dryRunPayRun(ports, {
      ...regularRequest('2026-03-02..2026-03-15'),
      runType: RunType.OffCycle,
      reason: 'bonus',
      payments: [{ employeeId: 'E00001', amount: 50_000 as Cents, kind: 'bonus' }],
    });
    expect(offCyclePreview.payslips).toHaveLength(1);
  });
});
