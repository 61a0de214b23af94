/**
 * The year-to-date invariant under any interleaving, checked by fast-check: batches of runs,
 * off-cycle runs, concurrent starts of one period, payday triggers (the schedule's own starts)
 * and rollbacks (the bank transmitting, refusing or partly returning the reversal) over three
 * periods run concurrently, every store call a point where fast-check's scheduler picks what goes
 * next. Throughout, the employer's runs and rollbacks never overlap. After each batch settles:
 *  - YTD(employee, 2026) = opening of 2026 + the payslips of exactly the runs that stand
 *    (completed, or halted before their payslips were voided), each once; 2025's opening never counts;
 *  - `verify` passes on every run, with the ACH files the real bank gateway wrote;
 *  - no run is left open, and no regular period is paid twice.
 * The saga is driven step by step as the state machine would (Catch path, halting compensations).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatherVerifyData } from '../../../src/actions/verifyData.js';
import type { Cents } from '../../../src/core/money.js';
import { paySchedule } from '../../../src/core/paySchedule.js';
import { parsePeriod } from '../../../src/core/periodParser.js';
import { generateRosterCsv } from '../../../src/core/rosterGenerator.js';
import { parseRoster } from '../../../src/core/rosterParser.js';
import { beginRollback } from '../../../src/core/saga/compensations.js';
import { claimEmployerForRollback } from '../../../src/core/saga/employerLock.js';
import { planPaydayTask, type StartOutcome } from '../../../src/core/saga/paydayTasks.js';
import { AchFileKind, type RunRecord, RunType } from '../../../src/core/saga/records.js';
import { planRollback, RollbackDecision } from '../../../src/core/saga/rollbackPlan.js';
import { startRun } from '../../../src/core/saga/startRun.js';
import { CompensationStatus, isOpen, StepName, StepStatus } from '../../../src/core/saga/steps.js';
import { failedChecks, verifyRun } from '../../../src/core/verify/verifyRun.js';
import { addYtd, openingYtdFor, payslipContribution, ZERO_YTD } from '../../../src/core/ytd.js';
import { startScheduledRun } from '../../../src/infra/lambda/paydayHandlers.js';
import { type Bank, compensateChain, drive, memoryWorld, type World } from '../../support/memorySaga.js';

const EMPLOYER = 'prop';
const NOW = '2026-11-26T10:00:00.000Z';
/** Two periods paid yesterday (reversible) and one paid in June (past the reversal window). */
const PERIODS = [
  parsePeriod('2026-06'),
  parsePeriod('2026-10', { payDate: '2026-11-25' }),
  parsePeriod('2026-11', { payDate: '2026-11-25' }),
];
const ROSTER = (() => {
  const roster = parseRoster(generateRosterCsv({ count: 3, payFrequency: 'monthly', seed: 3 }), 'g', {
    defaultTaxYear: 2026,
  });
  // One employee joined mid-2026 with balances; another brings 2025 balances, which must not count.
  return [
    {
      ...roster[0]!,
      openingYtd: addYtd(ZERO_YTD, {
        ...ZERO_YTD,
        gross: 4_000_000,
        ssWages: 4_000_000,
        medicareWages: 4_000_000,
        futaWages: 700_000,
      } as never),
      openingTaxYear: 2026,
    },
    {
      ...roster[1]!,
      openingYtd: { ...ZERO_YTD, gross: 9_000_000, ssWages: 9_000_000 } as never,
      openingTaxYear: 2025,
    },
    roster[2]!,
  ];
})();

type Operation =
  | { readonly kind: 'run'; readonly period: number; readonly failAt?: StepName }
  | { readonly kind: 'offcycle'; readonly period: number }
  | { readonly kind: 'concurrent'; readonly period: number }
  | { readonly kind: 'rollback'; readonly target: number; readonly bank: Bank }
  | { readonly kind: 'payday' };

/**
 * The employer's pay schedule, for the payday operation: monthly from October, so the planned runs
 * are 2026-10 (paid October 30, past the reversal window) and 2026-11 (paid November 30), the same
 * periods the operator's runs pay by hand (on November 25): a period is paid once either way.
 */
const SCHEDULE = paySchedule({ employerId: EMPLOYER, calendar: 'monthly', from: '2026-10' });

const period = fc.integer({ min: 0, max: PERIODS.length - 1 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('run' as const),
    period,
    failAt: fc.option(fc.constantFrom(...Object.values(StepName)), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('offcycle' as const), period }),
  fc.record({ kind: fc.constant('concurrent' as const), period }),
  fc.record({
    kind: fc.constant('rollback' as const),
    target: fc.nat(6),
    bank: fc.constantFrom<Bank>('transmit', 'reject', 'return'),
  }),
  fc.record({ kind: fc.constant('payday' as const) }),
);

/** Every method of a store becomes a point where the scheduler decides what runs next. */
function scheduled<T extends object>(s: fc.Scheduler, target: T): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      return typeof value === 'function'
        ? s.scheduleFunction((...args: unknown[]) => Promise.resolve(value.apply(object, args)))
        : value;
    },
  });
}

async function world(s: fc.Scheduler): Promise<World> {
  const w = await memoryWorld({
    employer: EMPLOYER,
    roster: ROSTER,
    now: NOW,
    wrap: (store) => scheduled(s, store),
  });
  await w.ports.schedules.put(SCHEDULE);
  return w;
}

/**
 * Runs of one employer are serialised, rollbacks included: from the moment a start or a rollback
 * holds the employer until its run is closed again, nothing else of the employer may be under way
 * (a run reading year-to-date balances that a rollback is taking apart would compute against the
 * wrong figures, and verify could not tell). Each operation marks the span it holds the employer.
 */
class Serialisation {
  private holder: string | undefined;
  readonly overlaps: string[] = [];

  enter(what: string): void {
    if (this.holder !== undefined) this.overlaps.push(`${what} began while ${this.holder} was under way`);
    this.holder = what;
  }

  leave(what: string): void {
    if (this.holder === what) this.holder = undefined;
  }
}

async function start(w: World, runType: RunType, p: number): Promise<string | undefined> {
  try {
    const started = await startRun(
      { ...w.saga, executions: w.executions },
      {
        employerId: EMPLOYER,
        period: PERIODS[p]!,
        runType,
        requestedBy: 'property',
        // Off-cycle runs pay a bonus to two of the three: the third must get no payslip at all.
        ...(runType === RunType.OffCycle
          ? {
              reason: 'bonus',
              payments: [
                { employeeId: ROSTER[0]!.employeeId, amount: 15_000_000 as Cents, kind: 'bonus' as const },
                { employeeId: ROSTER[2]!.employeeId, amount: 250_000 as Cents, kind: 'commission' as const },
              ],
            }
          : {}),
      },
    );
    return started.runId;
  } catch (error) {
    // Refusals are the rules working (an open run, a paid period); anything else is a failure.
    expect((error as { code?: string }).code).toMatch(/^(EMPLOYER_BUSY|RUN_EXISTS)$/);
    return undefined;
  }
}

async function operatorRollback(
  w: World,
  serial: Serialisation,
  target: number,
  answer: Bank,
): Promise<void> {
  const runs = [...(await w.saga.runs.listRuns({ employerId: EMPLOYER, limit: 100 }))].reverse();
  const run = runs[target % Math.max(1, runs.length)];
  if (!run || isOpen(run.status)) return;
  const [payslips, credit, reversal] = await Promise.all([
    w.saga.payslips.listPayslips(run.runId),
    w.saga.ach.getAchFile(run.runId, AchFileKind.Credit),
    w.saga.ach.getAchFile(run.runId, AchFileKind.Reversal),
  ]);
  const plan = planRollback({
    run,
    payslips,
    achFiles: { ...(credit ? { credit } : {}), ...(reversal ? { reversal } : {}) },
    today: NOW.slice(0, 10),
  });
  if (plan.decision === RollbackDecision.NothingToDo || plan.decision === RollbackDecision.Refuse) return;
  try {
    // As the rollback action claims it: the employer held, the run ROLLING_BACK until it ends.
    await claimEmployerForRollback({ ...w.saga, executions: w.executions }, run);
  } catch (error) {
    // Another run open, or another rollback of this run got there first.
    expect((error as { code?: string }).code).toMatch(/^(EMPLOYER_BUSY|RUN_CHANGED)$/);
    return;
  }
  serial.enter(`rollback of ${run.runId}`);
  await beginRollback(w.saga, {
    runId: run.runId,
    failedStep: plan.fromStep!,
    error: 'OperatorRollback',
    cause: 'property',
  });
  await compensateChain(
    w,
    run.runId,
    plan.steps.map((s) => s.step),
    answer,
  );
  serial.leave(`rollback of ${run.runId}`);
}

/**
 * One trigger of the payday machine: its plan on the day, then each due employer's start through
 * the scheduled-run handler (the start action every run uses), then the run's saga.
 */
async function payday(w: World, serial: Serialisation): Promise<void> {
  const plan = await planPaydayTask(w.saga, { asOf: NOW });
  for (const item of plan.due) {
    let outcome: StartOutcome;
    try {
      outcome = await startScheduledRun({ ports: w.saga, executions: w.executions }, item);
    } catch (error) {
      // The machine reports it as failed: an open run of the employer.
      expect((error as { code?: string }).code).toBe('EMPLOYER_BUSY');
      continue;
    }
    if ('runId' in outcome) {
      REACHED.add('scheduled start');
      await pay(w, serial, outcome.runId);
    } else expect('skipped' in outcome && outcome.skipped).toBe('already-started');
  }
}

/** The run's saga to its end, holding the employer from its start. */
async function pay(w: World, serial: Serialisation, runId: string, failAt?: StepName): Promise<void> {
  serial.enter(runId);
  await drive(w, runId, failAt);
  serial.leave(runId);
}

async function execute(w: World, serial: Serialisation, op: Operation): Promise<void> {
  switch (op.kind) {
    case 'run': {
      const runId = await start(w, RunType.Regular, op.period);
      if (runId) await pay(w, serial, runId, op.failAt);
      return;
    }
    case 'offcycle': {
      const runId = await start(w, RunType.OffCycle, op.period);
      if (runId) await pay(w, serial, runId);
      return;
    }
    case 'concurrent': {
      const ids = await Promise.all([
        start(w, RunType.Regular, op.period),
        start(w, RunType.Regular, op.period),
      ]);
      const started = ids.filter((id): id is string => id !== undefined);
      expect(started.length).toBeLessThanOrEqual(1);
      if (started[0]) await pay(w, serial, started[0]);
      return;
    }
    case 'rollback':
      return operatorRollback(w, serial, op.target, op.bank);
    case 'payday':
      return payday(w, serial);
  }
}

/** Closed, and its payslips not voided: the ledger must hold it. */
function stands(run: RunRecord): boolean {
  const voided = run.compensations.some(
    (c) => c.step === StepName.CalculatePay && c.status === CompensationStatus.Compensated,
  );
  return run.steps.CloseRun?.status === StepStatus.Succeeded && !voided;
}

/** The end states the property reached, so a property that stopped exercising rollbacks fails. */
const REACHED = new Set<string>();

async function checkInvariants(w: World): Promise<void> {
  const { ports } = w;
  const runs = await ports.runs.listRuns({ employerId: EMPLOYER, limit: 100 });
  for (const run of runs) REACHED.add(run.status);
  expect(runs.filter((run) => isOpen(run.status)).map((run) => run.runId)).toEqual([]);
  for (const p of PERIODS) {
    const paid = runs.filter(
      (run) => run.runType === RunType.Regular && run.period.id === p.id && stands(run),
    );
    expect(paid.length).toBeLessThanOrEqual(1);
  }
  const ledger = await ports.ytd.entries(EMPLOYER, 2026);
  for (const employee of ROSTER) {
    let expected = ZERO_YTD;
    const expectedRuns: string[] = [];
    for (const run of runs.filter(stands)) {
      const payslip = (await ports.payslips.listPayslips(run.runId)).find(
        (p) => p.employeeId === employee.employeeId,
      );
      if (!payslip) continue;
      expected = addYtd(expected, payslipContribution(payslip.amounts));
      expectedRuns.push(run.runId);
    }
    const entry = ledger.get(employee.employeeId);
    expect(entry?.applied ?? ZERO_YTD).toEqual(expected);
    expect([...(entry?.runs ?? [])].sort()).toEqual(expectedRuns.sort());
    // And what the next run computes against: the opening of 2026 only (2025's never counts).
    const before = addYtd(openingYtdFor(employee, 2026), entry?.applied ?? ZERO_YTD);
    expect(before).toEqual(
      addYtd(employee.openingTaxYear === 2026 ? employee.openingYtd : ZERO_YTD, expected),
    );
  }
  for (const run of runs) {
    const data = await gatherVerifyData(
      { ports, readArtifact: async (location) => w.files.get(location) ?? '' },
      run.runId,
    );
    const report = verifyRun(data!);
    expect([
      run.runId,
      run.status,
      failedChecks(report),
      report.checks.filter((c) => !c.ok).map((c) => c.detail),
    ]).toEqual([run.runId, run.status, [], []]);
  }
}

describe('year-to-date balances under any interleaving', () => {
  it('stay opening + the standing runs, verify passes, nothing is paid twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(operation, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        async (s, batches) => {
          const w = await world(s);
          const serial = new Serialisation();
          for (const batch of batches) {
            await s.waitFor(Promise.all(batch.map((op) => execute(w, serial, op))));
            expect(serial.overlaps).toEqual([]);
            await checkInvariants(w);
          }
          // Whatever happened, a run still works at the end, against the balances as they stand.
          const final = await s.waitFor(start(w, RunType.OffCycle, 2));
          if (final) await s.waitFor(drive(w, final));
          await checkInvariants(w);
        },
      ),
      { numRuns: 100 },
    );
    expect([...REACHED].sort()).toEqual([
      'COMPENSATION_FAILED',
      'COMPLETED',
      'ROLLED_BACK',
      'scheduled start',
    ]);
  }, 300_000);
});
