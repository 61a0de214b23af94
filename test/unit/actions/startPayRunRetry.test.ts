/**
 * A start whose run began but whose audit record could not be written (a throttled write, a lost
 * answer) must not free its idempotency key: the client retries with the same key, and a freed key
 * would start a second off-cycle run — the same bonus paid twice. The guard below behaves as
 * Powertools idempotency does: a result is kept per key; a failed call deletes its record.
 */
import { describe, expect, it } from 'vitest';
import { startPayRun } from '../../../src/actions/startPayRun.js';
import { OperationFailedError } from '../../../src/core/errors.js';
import type { Cents } from '../../../src/core/money.js';
import { parsePeriod } from '../../../src/core/periodParser.js';
import type { RequestGuard } from '../../../src/core/ports.js';
import { generateRosterCsv } from '../../../src/core/rosterGenerator.js';
import { parseRoster } from '../../../src/core/rosterParser.js';
import { RunType } from '../../../src/core/saga/records.js';
import { RunStatus } from '../../../src/core/saga/steps.js';
import { MemoryExecutions } from '../../support/memoryExecutions.js';
import { memoryWorld } from '../../support/memorySaga.js';

const EMPLOYER = 'retryco';
const ROSTER = parseRoster(generateRosterCsv({ count: 2, payFrequency: 'monthly', seed: 7 }), 'g', {
  defaultTaxYear: 2026,
});

/** Powertools' rules: the first completed result per key is kept; a call that throws keeps nothing. */
function powertoolsLikeGuard(): RequestGuard {
  const kept = new Map<string, unknown>();
  return {
    async once<T>(key: string, _request: unknown, work: () => Promise<T>): Promise<T> {
      if (kept.has(key)) return kept.get(key) as T;
      const result = await work();
      kept.set(key, JSON.parse(JSON.stringify(result)));
      return result;
    },
  };
}

describe('an off-cycle start retried after its audit write failed', () => {
  it('gets the same run back, pays once, and ends with exactly one start record', async () => {
    const w = await memoryWorld({ employer: EMPLOYER, roster: ROSTER, now: '2026-11-26T10:00:00.000Z' });
    const executions = new MemoryExecutions();
    const ports = { ...w.ports, executions, requests: powertoolsLikeGuard() };
    const request = {
      employerId: EMPLOYER,
      period: parsePeriod('2026-11'),
      runType: RunType.OffCycle,
      reason: 'retention bonus',
      payments: [{ employeeId: ROSTER[0]!.employeeId, amount: 150_000 as Cents, kind: 'bonus' as const }],
    };
    const requester = { requestedBy: 'api:hr', actor: 'api:hr' };
    const record = w.ports.audit.record.bind(w.ports.audit);
    let failures = 10;
    w.ports.audit.record = async (entry) => {
      if (failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
      return record(entry);
    };

    const first = await startPayRun(ports, request, requester, 'key-1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(OperationFailedError);
    expect((first as Error).message).toMatch(
      /^Run retryco-2026-11-offcycle-1 was started, but its audit record/,
    );
    w.ports.audit.record = record;
    const retried = await startPayRun(ports, request, requester, 'key-1');
    const again = await startPayRun(ports, request, requester, 'key-1');

    expect(retried.runId).toBe('retryco-2026-11-offcycle-1');
    expect(again.runId).toBe(retried.runId);
    expect([...w.ports.runs.runs.keys()]).toEqual([retried.runId]);
    expect(executions.started.size).toBe(1);
    expect(w.ports.audit.records.map((r) => [r.action, r.runId, r.actor])).toEqual([
      ['run.start-off-cycle', retried.runId, 'api:hr'],
    ]);
  });

  it('after the first attempt died before the guard kept its result: the retry finds the run, starts none', async () => {
    const w = await memoryWorld({ employer: EMPLOYER, roster: ROSTER, now: '2026-11-26T10:00:00.000Z' });
    const executions = new MemoryExecutions();
    // The guard's record of the first attempt is gone (it died in progress and the record expired).
    const forgetful: RequestGuard = { once: (_key, _request, work) => work() };
    const ports = { ...w.ports, executions, requests: forgetful };
    const request = {
      employerId: EMPLOYER,
      period: parsePeriod('2026-11'),
      runType: RunType.OffCycle,
      reason: 'retention bonus',
      payments: [{ employeeId: ROSTER[0]!.employeeId, amount: 150_000 as Cents, kind: 'bonus' as const }],
    };
    const requester = { requestedBy: 'api:hr', actor: 'api:hr' };
    const first = await startPayRun(ports, request, requester, 'key-2');
    const retried = await startPayRun(ports, request, requester, 'key-2');
    expect(retried).toEqual(first);
    expect([...w.ports.runs.runs.keys()]).toEqual([first.runId]);
    expect(executions.started.size).toBe(1);
    expect(w.ports.audit.records.map((r) => r.action)).toEqual(['run.start-off-cycle']);
  });

  it('a key sent with another request, or again after its day, is a new request: a new run', async () => {
    const w = await memoryWorld({ employer: EMPLOYER, roster: ROSTER, now: '2026-11-26T10:00:00.000Z' });
    const executions = new MemoryExecutions();
    const forgetful: RequestGuard = { once: (_key, _request, work) => work() };
    const ports = { ...w.ports, executions, requests: forgetful };
    const bonus = (cents: number) => ({
      employerId: EMPLOYER,
      period: parsePeriod('2026-11'),
      runType: RunType.OffCycle,
      reason: 'retention bonus',
      payments: [{ employeeId: ROSTER[0]!.employeeId, amount: cents as Cents, kind: 'bonus' as const }],
    });
    const requester = { requestedBy: 'api:hr', actor: 'api:hr' };
    const ended = (runId: string) =>
      w.ports.runs.transitionRun(runId, [RunStatus.Pending, RunStatus.Running], {
        status: RunStatus.Completed,
      });

    const first = await startPayRun(ports, bonus(150_000), requester, 'key-3');
    await ended(first.runId);
    const other = await startPayRun(ports, bonus(90_000), requester, 'key-3');
    expect(other.runId).not.toBe(first.runId);
    await ended(other.runId);
    (w.ports.clock as unknown as { set(iso: string): void }).set('2026-11-27T10:00:01.000Z');
    const nextDay = await startPayRun(ports, bonus(150_000), requester, 'key-3');
    expect(new Set([first.runId, other.runId, nextDay.runId]).size).toBe(3);
    expect(executions.started.size).toBe(3);
  });
});
