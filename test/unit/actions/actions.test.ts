/**
 * The actions that `watch`, `rollback` and `redrive` are made of, driven over the in-memory ports
 * with a recording IoHost: what they notify, what they ask, and what they change (or, refused or
 * unconfirmed, leave untouched). The saga runs on the memory ports step by step (memorySaga);
 * the rollback state machine is played by an execution double that runs the compensations.
 */
import { describe, expect, it } from 'vitest';
import { FollowCode, followRun, type RunProgress } from '../../../src/actions/followRun.js';
import { RedriveCode, redriveRun } from '../../../src/actions/redrive.js';
import { RollbackCode, rollbackIncomplete, rollbackRun } from '../../../src/actions/rollback.js';
import { TransientError } from '../../../src/core/errors.js';
import { balancesByAccount } from '../../../src/core/ledger.js';
import { parsePeriod } from '../../../src/core/periodParser.js';
import type { ExecutionStatus, ExecutionSummary } from '../../../src/core/ports.js';
import { generateRosterCsv } from '../../../src/core/rosterGenerator.js';
import { parseRoster } from '../../../src/core/rosterParser.js';
import { beginRollback } from '../../../src/core/saga/compensations.js';
import { employerLockKey } from '../../../src/core/saga/employerLock.js';
import { FundingKind, PayslipStatus, RunType } from '../../../src/core/saga/records.js';
import { startRun } from '../../../src/core/saga/startRun.js';
import { compensationOrder, RunStatus, StepName } from '../../../src/core/saga/steps.js';
import { MemoryExecutions } from '../../support/memoryExecutions.js';
import { type Bank, compensateChain, drive, memoryWorld, type World } from '../../support/memorySaga.js';
import { recordingIoHost } from '../../support/recordingIoHost.js';

const EMPLOYER = 'acts';
const NOW = '2026-11-26T10:00:00.000Z';
const TODAY = NOW.slice(0, 10);
const ROSTER = parseRoster(generateRosterCsv({ count: 4, payFrequency: 'monthly', seed: 9 }), 'g', {
  defaultTaxYear: 2026,
});
const PAID_YESTERDAY = parsePeriod('2026-11', { payDate: '2026-11-25' });
const PAID_IN_JUNE = parsePeriod('2026-06');
const ACTOR = 'arn:aws:sts::111122223333:assumed-role/payroll-operator/dana';

/**
 * Step Functions played on the memory ports: executions end when told, StopExecution aborts, and
 * a started rollback runs the saga's compensations (the bank answering `bank`) in the background.
 */
class SagaExecutions extends MemoryExecutions {
  readonly statuses = new Map<string, ExecutionStatus>();
  readonly redriven: string[] = [];
  bank: Bank = 'transmit';
  world: World | undefined;

  end(name: string, status: ExecutionStatus): void {
    this.statuses.set(name, status);
  }

  override async describe(executionArn: string): Promise<ExecutionSummary | undefined> {
    const known = await super.describe(executionArn);
    if (!known) return undefined;
    const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
    return { ...known, status: this.statuses.get(name) ?? known.status };
  }

  override async stop(executionArn: string): Promise<void> {
    this.end(executionArn.slice(executionArn.lastIndexOf(':') + 1), 'ABORTED');
  }

  override async redrive(executionArn: string): Promise<void> {
    this.redriven.push(executionArn);
  }

  override async startRollback(name: string, input: unknown) {
    const started = await super.startRollback(name, input);
    const { runId, fromStep, reason } = input as { runId: string; fromStep: StepName; reason: string };
    const w = this.world as World;
    setTimeout(async () => {
      await beginRollback(w.saga, { runId, failedStep: fromStep, error: 'OperatorRollback', cause: reason });
      await compensateChain(w, runId, compensationOrder(fromStep), this.bank);
      this.end(name, 'SUCCEEDED');
    }, 5);
    return started;
  }
}

async function setUp() {
  const w = await memoryWorld({ employer: EMPLOYER, roster: ROSTER, now: NOW });
  const executions = new SagaExecutions();
  executions.world = w;
  const world: World = { ...w, executions };
  const ports = { ...w.ports, executions };
  return { world, executions, ports };
}

/** A run paid and completed, its execution SUCCEEDED. */
async function completedRun(setup: Awaited<ReturnType<typeof setUp>>, period = PAID_YESTERDAY) {
  const { world, executions, ports } = setup;
  const { runId } = await startRun(ports, {
    employerId: EMPLOYER,
    period,
    runType: RunType.Regular,
    requestedBy: 'unit-test',
  });
  await drive(world, runId);
  executions.end(runId, 'SUCCEEDED');
  expect((await ports.runs.getRun(runId))?.status).toBe(RunStatus.Completed);
  return runId;
}

const rollbackRequest = (runId: string, overrides: { planOnly?: boolean } = {}) => ({
  runId,
  reason: 'wrong salaries imported',
  planOnly: false,
  actor: ACTOR,
  today: TODAY,
  pollIntervalMs: 5,
  ...overrides,
});

describe('the rollback action', () => {
  it('notifies the plan before anything changes, asks for the run id, audits the actor and undoes the books', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    const io = recordingIoHost('yes');
    let auditedWhenAsked = -1;
    const asking = io.requestResponse.bind(io);
    io.requestResponse = async (request) => {
      auditedWhenAsked = setup.ports.audit.records.length;
      return asking(request);
    };

    const result = await rollbackRun(setup.ports, io, rollbackRequest(runId));

    expect(io.messages[0]?.code).toBe(RollbackCode.Plan);
    expect(io.requests).toHaveLength(1);
    expect(io.requests[0]).toMatchObject({ code: RollbackCode.Confirm, data: { expected: runId } });
    expect(auditedWhenAsked).toBe(0);
    expect(result.kind).toBe('finished');
    if (result.kind !== 'finished') return;
    expect(result.outcome.status).toBe(RunStatus.RolledBack);
    expect(result.outcome.executionName).toBe(`${runId}-rollback-1`);
    expect((await setup.ports.runs.getRun(runId))?.status).toBe(RunStatus.RolledBack);
    // The books: every journal the run posted is reversed, every payslip voided.
    const journals = await setup.ports.ledger.listJournals(runId);
    for (const balance of balancesByAccount(journals).values()) expect(balance).toBe(0);
    expect(
      (await setup.ports.payslips.listPayslips(runId)).every((p) => p.status === PayslipStatus.Void),
    ).toBe(true);
    expect(setup.ports.audit.records).toEqual([
      expect.objectContaining({
        action: 'run.rollback',
        runId,
        actor: ACTOR,
        reason: 'wrong salaries imported',
      }),
    ]);
    // Progress of the rollback was notified as the follow action's messages, ending ROLLED_BACK.
    const finished = io.withCode(FollowCode.Finished);
    expect(finished).toHaveLength(1);
    expect((finished[0]!.data as { view: { status: string } }).view.status).toBe(RunStatus.RolledBack);
  });

  it('changes nothing when the typed confirmation does not match: no audit, no execution, no lock', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    const startedBefore = setup.executions.started.size;

    const error = await rollbackRun(setup.ports, recordingIoHost('mismatch'), rollbackRequest(runId)).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ code: 'CONFIRMATION_MISMATCH', kind: 'bad-input' });
    expect((await setup.ports.runs.getRun(runId))?.status).toBe(RunStatus.Completed);
    expect(setup.ports.audit.records).toEqual([]);
    expect(setup.executions.started.size).toBe(startedBefore);
    // The employer's lock, released when the run closed, was not claimed for the rollback.
    expect(setup.ports.locks.holders.get(employerLockKey(EMPLOYER))).toBeUndefined();
  });

  it('with planOnly notifies the plan with its amounts and changes nothing', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    const io = recordingIoHost('yes');

    const result = await rollbackRun(setup.ports, io, rollbackRequest(runId, { planOnly: true }));

    expect(result.kind).toBe('planned');
    const plan = io.withCode(RollbackCode.Plan)[0]?.data as { plan: { amounts: { payslipsToVoid: number } } };
    expect(plan.plan.amounts.payslipsToVoid).toBe(ROSTER.length);
    expect(io.requests).toEqual([]);
    expect(setup.ports.audit.records).toEqual([]);
    expect((await setup.ports.runs.getRun(runId))?.status).toBe(RunStatus.Completed);
  });

  it('refuses a run paid past the reversal window (exit 1) before asking anything, and writes nothing', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup, PAID_IN_JUNE);
    const io = recordingIoHost('yes');

    const error = await rollbackRun(setup.ports, io, rollbackRequest(runId)).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'ROLLBACK_REFUSED', kind: 'operation-failed' });
    expect(io.withCode(RollbackCode.Plan)).toHaveLength(1);
    expect(io.requests).toEqual([]);
    expect(setup.ports.audit.records).toEqual([]);
    expect((await setup.ports.runs.getRun(runId))?.status).toBe(RunStatus.Completed);
  });

  it('refuses while another run of the employer is open (EMPLOYER_BUSY) and audits nothing', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    const open = await startRun(setup.ports, {
      employerId: EMPLOYER,
      period: parsePeriod('2026-12'),
      runType: RunType.Regular,
      requestedBy: 'unit-test',
    });

    const error = await rollbackRun(setup.ports, recordingIoHost('yes'), rollbackRequest(runId)).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ code: 'EMPLOYER_BUSY' });
    expect((error as Error).message).toContain(open.runId);
    expect(setup.ports.audit.records).toEqual([]);
    expect((await setup.ports.runs.getRun(runId))?.status).toBe(RunStatus.Completed);
  });

  it('holds the employer from its claim on: a start made before the rollback execution begins is refused', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    // The payday (or an operator) starts the next period right after the rollback claimed the
    // employer and before its execution turned the run ROLLING_BACK: here, as the claim is audited.
    let raced: unknown;
    const record = setup.ports.audit.record.bind(setup.ports.audit);
    setup.ports.audit.record = async (entry) => {
      if (entry.action === 'run.rollback') {
        raced = await startRun(setup.ports, {
          employerId: EMPLOYER,
          period: parsePeriod('2026-12'),
          runType: RunType.Regular,
          requestedBy: 'schedule',
        }).catch((e: unknown) => e);
      }
      return record(entry);
    };

    const result = await rollbackRun(setup.ports, recordingIoHost('yes'), rollbackRequest(runId));

    expect(raced).toMatchObject({ code: 'EMPLOYER_BUSY' });
    expect((raced as Error).message).toContain(`has run ${runId} open (ROLLING_BACK)`);
    expect(await setup.ports.runs.getRun('acts-2026-12-regular')).toBeUndefined();
    expect(result.kind === 'finished' && result.outcome.status).toBe(RunStatus.RolledBack);
    // Once the rollback ended, the employer is free again.
    const next = await startRun(setup.ports, {
      employerId: EMPLOYER,
      period: parsePeriod('2026-12'),
      runType: RunType.Regular,
      requestedBy: 'schedule',
    });
    expect(next.runId).toBe('acts-2026-12-regular');
  });

  it('gives the run its status back when the rollback execution could not be started', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    setup.executions.nextStart = 'refused';

    const error = await rollbackRun(setup.ports, recordingIoHost('yes'), rollbackRequest(runId)).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ code: 'SFN_UNAVAILABLE' });
    expect((await setup.ports.runs.getRun(runId))?.status).toBe(RunStatus.Completed);
    // Nothing holds the employer: the next period starts at once.
    const next = await startRun(setup.ports, {
      employerId: EMPLOYER,
      period: parsePeriod('2026-12'),
      runType: RunType.Regular,
      requestedBy: 'unit-test',
    });
    expect(next.runId).toBe('acts-2026-12-regular');
  });

  it('returns a halted rollback when the bank refuses the reversal, and its error says how to resume', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    setup.executions.bank = 'reject';

    const result = await rollbackRun(setup.ports, recordingIoHost('yes'), rollbackRequest(runId));

    expect(result.kind).toBe('finished');
    if (result.kind !== 'finished') return;
    expect(result.outcome.status).toBe(RunStatus.CompensationFailed);
    expect(result.outcome.failedCompensations.map((c) => c.step)).toEqual([StepName.Disburse]);
    // Halting: the older steps' compensations were not run, so the funding was not refunded.
    expect(await setup.ports.funding.getMovement(runId, FundingKind.Refund)).toBeUndefined();
    expect(rollbackIncomplete(runId, result.outcome).message).toMatch(
      /compensation of Disburse failed\. Fix the cause and run payroll-ops rollback .* again/,
    );
  });
});

describe('the follow action', () => {
  it('notifies each change as events in order and ends with the final view', async () => {
    const setup = await setUp();
    const { runId } = await startRun(setup.ports, {
      employerId: EMPLOYER,
      period: PAID_YESTERDAY,
      runType: RunType.Regular,
      requestedBy: 'unit-test',
    });
    const io = recordingIoHost();
    const following = followRun(setup.ports, io, runId, { intervalMs: 5 });
    await drive(setup.world, runId);

    const final = await following;

    expect(final.status).toBe(RunStatus.Completed);
    const events = io
      .withCode(FollowCode.Progress)
      .flatMap((m) => (m.data as RunProgress).events)
      .filter((e) => e.type === 'status' || e.type === 'run-finished');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: RunStatus.Completed, runId });
    expect(events.filter((e) => e.type === 'run-finished')).toHaveLength(1);
    expect(io.withCode(FollowCode.Finished)).toHaveLength(1);
  });

  it('an unknown run is bad input (exit 2); nothing is notified', async () => {
    const setup = await setUp();
    const io = recordingIoHost();
    await expect(
      followRun(setup.ports, io, 'nobody-2026-11-regular', { intervalMs: 5 }),
    ).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
      kind: 'bad-input',
    });
    expect(io.messages).toEqual([]);
  });

  it('rides out transient read failures, and gives up after a timeout naming how to follow again', async () => {
    const setup = await setUp();
    const { runId } = await startRun(setup.ports, {
      employerId: EMPLOYER,
      period: PAID_YESTERDAY,
      runType: RunType.Regular,
      requestedBy: 'unit-test',
    });
    let failures = 3;
    const flaky = {
      ...setup.ports,
      runs: Object.assign(Object.create(setup.ports.runs), {
        getRun: (id: string) =>
          failures-- > 0
            ? Promise.reject(new TransientError('THROTTLED', 'slow down'))
            : setup.ports.runs.getRun(id),
      }),
    };
    const error = await followRun(flaky, recordingIoHost(), runId, { intervalMs: 5, timeoutMs: 100 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'WATCH_TIMEOUT' });
    expect((error as Error).message).toContain(`payroll-ops watch ${runId}`);
    expect(failures).toBeLessThan(0);
  });
});

describe('the redrive action', () => {
  it('refuses a completed run: no redrive, no audit', async () => {
    const setup = await setUp();
    const runId = await completedRun(setup);
    const error = await redriveRun(setup.ports, recordingIoHost(), { runId, actor: ACTOR }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'EXECUTION_SUCCEEDED' });
    expect(setup.executions.redriven).toEqual([]);
    expect(setup.ports.audit.records).toEqual([]);
  });

  it('redrives a failed execution from the state that failed and audits who asked', async () => {
    const setup = await setUp();
    const { runId } = await startRun(setup.ports, {
      employerId: EMPLOYER,
      period: PAID_YESTERDAY,
      runType: RunType.Regular,
      requestedBy: 'unit-test',
    });
    setup.executions.end(runId, 'FAILED');
    const io = recordingIoHost();

    const expect_ = await redriveRun(setup.ports, io, { runId, actor: ACTOR, reason: 'host crashed' });

    expect(expect_).toBe(RunStatus.Completed);
    expect(setup.executions.redriven).toEqual([expect.stringContaining(`:${runId}`)]);
    expect(io.withCode(RedriveCode.Redriving)).toHaveLength(1);
    expect(setup.ports.audit.records).toEqual([
      expect.objectContaining({ action: 'run.redrive', runId, actor: ACTOR, reason: 'host crashed' }),
    ]);
  });
});
