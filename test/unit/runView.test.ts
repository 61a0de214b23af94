import { describe, expect, it } from 'vitest';
import type { Cents } from '../../src/core/money.js';
import type { PayslipTotals } from '../../src/core/payroll/payslip.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import type { ChunkResult, RunRecord, StepRecord } from '../../src/core/saga/records.js';
import {
  describeRunEnd,
  diffRunViews,
  type RunDetail,
  runDetailView,
  runListView,
  type WatchEvent,
} from '../../src/core/saga/runView.js';
import { FORWARD_STEPS, RunStatus, type StepName, StepStatus } from '../../src/core/saga/steps.js';
import { fundingDebitOf } from '../../src/core/saga/totals.js';

const RUN = 'acme-2026-03-regular';
const PERIOD = parsePeriod('2026-03');

/**
 * Two chunks worked by hand (amounts in cents):
 *   chunk 0: 2 employees, gross 10,000.00, FIT 1,000.00, SS 620.00, Medicare 145.00, net 8,235.00,
 *            employer SS 620.00, employer Medicare 145.00, FUTA 42.00
 *   chunk 1: 1 employee,  gross  5,000.00, FIT   500.00, SS 310.00, Medicare  72.50, Add. Medicare 0,
 *            net 4,117.50, employer SS 310.00, employer Medicare 72.50, FUTA 0
 */
function amounts(
  fields: Omit<PayslipTotals, 'preTax401k' | 'preTaxSection125' | 'employer'> & {
    readonly er: readonly [number, number, number];
  },
): PayslipTotals {
  return {
    gross: fields.gross as Cents,
    preTax401k: 0 as Cents,
    preTaxSection125: 0 as Cents,
    federalIncomeTax: fields.federalIncomeTax as Cents,
    socialSecurity: fields.socialSecurity as Cents,
    medicare: fields.medicare as Cents,
    additionalMedicare: fields.additionalMedicare as Cents,
    net: fields.net as Cents,
    employer: {
      socialSecurity: fields.er[0] as Cents,
      medicare: fields.er[1] as Cents,
      futa: fields.er[2] as Cents,
    },
    employees: fields.employees,
  };
}

const CHUNK_0: ChunkResult = {
  runId: RUN,
  chunkIndex: 0,
  totals: amounts({
    employees: 2,
    gross: 1_000_000 as Cents,
    federalIncomeTax: 100_000 as Cents,
    socialSecurity: 62_000 as Cents,
    medicare: 14_500 as Cents,
    additionalMedicare: 0 as Cents,
    net: 823_500 as Cents,
    er: [62_000, 14_500, 4_200],
  }),
};
const CHUNK_1: ChunkResult = {
  runId: RUN,
  chunkIndex: 1,
  totals: amounts({
    employees: 1,
    gross: 500_000 as Cents,
    federalIncomeTax: 50_000 as Cents,
    socialSecurity: 31_000 as Cents,
    medicare: 7_250 as Cents,
    additionalMedicare: 0 as Cents,
    net: 411_750 as Cents,
    er: [31_000, 7_250, 0],
  }),
};

// The frozen run totals: the two chunks added by hand.
const RUN_TOTALS_BASE = amounts({
  employees: 3,
  gross: 1_500_000 as Cents,
  federalIncomeTax: 150_000 as Cents,
  socialSecurity: 93_000 as Cents,
  medicare: 21_750 as Cents,
  additionalMedicare: 0 as Cents,
  net: 1_235_250 as Cents,
  er: [93_000, 21_750, 4_200],
});
const RUN_TOTALS = { ...RUN_TOTALS_BASE, fundingDebit: fundingDebitOf(RUN_TOTALS_BASE) };

const T0 = Date.parse('2026-03-31T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const done = (from: number, to: number): StepRecord => ({
  status: StepStatus.Succeeded,
  startedAt: at(from),
  endedAt: at(to),
});

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: RUN,
    employerId: 'acme',
    period: PERIOD,
    runType: 'regular',
    status: RunStatus.Pending,
    requestedBy: 'test',
    startedAt: at(0),
    steps: {},
    compensations: [],
    artifacts: {},
    ...overrides,
  };
}

const COMPLETED = run({
  status: RunStatus.Completed,
  endedAt: at(7),
  employees: 3,
  chunkCount: 2,
  totals: RUN_TOTALS,
  steps: Object.fromEntries(FORWARD_STEPS.map((step, i) => [step, done(i, i + 1)])),
  artifacts: { achFile: '/data/artifacts/acme-2026-03-regular/credit.ach' },
});

const CALCULATING = run({
  status: RunStatus.Running,
  employees: 3,
  chunkCount: 2,
  steps: {
    OpenRun: done(0, 1),
    CalculatePay: { status: StepStatus.Running, startedAt: at(1) },
  },
});

const ROLLED_BACK = run({
  status: RunStatus.RolledBack,
  endedAt: at(9),
  employees: 3,
  chunkCount: 2,
  totals: RUN_TOTALS,
  steps: {
    OpenRun: done(0, 1),
    CalculatePay: done(1, 2),
    FundPayroll: done(2, 3),
    PostLedger: { status: StepStatus.Failed, startedAt: at(3), endedAt: at(4), error: 'InjectedFault: boom' },
  },
  failure: { step: 'PostLedger', error: 'InjectedFault', cause: 'boom' },
  compensations: [
    { step: 'PostLedger', status: 'NOTHING_TO_UNDO', at: at(5), detail: 'no journal was posted' },
    { step: 'FundPayroll', status: 'COMPENSATED', at: at(6), detail: 'refunded 13,852.50' },
    { step: 'CalculatePay', status: 'COMPENSATED', at: at(7), detail: 'voided 3 payslips' },
    { step: 'OpenRun', status: 'COMPENSATED', at: at(8), detail: 'released the period lock' },
  ],
});

describe('runDetailView', () => {
  it('shows a completed run with every step, its frozen totals as strings and the ACH file', () => {
    const view = runDetailView(COMPLETED, [CHUNK_0, CHUNK_1]);
    expect(view).toMatchObject({
      runId: RUN,
      employer: 'acme',
      period: { id: '2026-03', start: '2026-03-01', end: '2026-03-31' },
      status: 'COMPLETED',
      startedAt: at(0),
      endedAt: at(7),
      progress: { calculated: 3, employees: 3 },
      artifacts: { achFile: '/data/artifacts/acme-2026-03-regular/credit.ach', reversalFile: null },
      failure: null,
      compensations: [],
    });
    expect(view.steps.map((s) => [s.name, s.status])).toEqual(FORWARD_STEPS.map((s) => [s, 'SUCCEEDED']));
    expect(view.steps[1]).toEqual({
      name: 'CalculatePay',
      status: 'SUCCEEDED',
      startedAt: at(1),
      endedAt: at(2),
      error: null,
    });
    // Employee SS/Medicare are the employees' shares; employer taxes = 930.00 + 217.50 + 42.00.
    // Funding = net 12,352.50 + FIT 1,500.00 + SS 930.00 + Medicare 217.50 + employer 1,189.50.
    expect(view.totals).toEqual({
      employees: 3,
      gross: '15000.00',
      net: '12352.50',
      federalIncomeTax: '1500.00',
      socialSecurity: '930.00',
      medicare: '217.50',
      additionalMedicare: '0.00',
      employerTaxes: '1189.50',
      fundingDebit: '16189.50',
    });
  });

  it('while calculating: later steps PENDING, progress and running totals from the chunks done', () => {
    // The chunk result delivered twice must count once.
    const view = runDetailView(CALCULATING, [CHUNK_0, CHUNK_0]);
    expect(view.steps.map((s) => s.status)).toEqual([
      'SUCCEEDED',
      'RUNNING',
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
      'PENDING',
    ]);
    expect(view.steps[2]).toEqual({
      name: 'FundPayroll',
      status: 'PENDING',
      startedAt: null,
      endedAt: null,
      error: null,
    });
    expect(view.progress).toEqual({ calculated: 2, employees: 3 });
    expect(view.totals).toMatchObject({
      employees: 2,
      gross: '10000.00',
      net: '8235.00',
      employerTaxes: '807.00',
    });
    expect(view.endedAt).toBeNull();
  });

  it('a run not yet opened has no employee count and zero totals', () => {
    const view = runDetailView(run());
    expect(view.progress).toEqual({ calculated: 0, employees: null });
    expect(view.totals.net).toBe('0.00');
    expect(view.steps.every((s) => s.status === 'PENDING')).toBe(true);
  });

  it('a rolled-back run names the failed step and lists compensations in order with their detail', () => {
    const view = runDetailView(ROLLED_BACK);
    expect(view.status).toBe('ROLLED_BACK');
    expect(view.failure).toEqual({ step: 'PostLedger', error: 'InjectedFault', cause: 'boom' });
    expect(view.steps[3]).toMatchObject({
      name: 'PostLedger',
      status: 'FAILED',
      error: 'InjectedFault: boom',
    });
    expect(view.steps.slice(4).map((s) => s.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    expect(view.compensations.map((c) => [c.step, c.status])).toEqual([
      ['PostLedger', 'NOTHING_TO_UNDO'],
      ['FundPayroll', 'COMPENSATED'],
      ['CalculatePay', 'COMPENSATED'],
      ['OpenRun', 'COMPENSATED'],
    ]);
    expect(view.compensations[1]).toEqual({
      step: 'FundPayroll',
      status: 'COMPENSATED',
      at: at(6),
      detail: 'refunded 13,852.50',
    });
    expect(describeRunEnd(view)).toBe('PostLedger failed: boom (InjectedFault)');
  });

  it('describes a failed compensation by its latest outcome', () => {
    const view = runDetailView({
      ...ROLLED_BACK,
      status: RunStatus.CompensationFailed,
      compensations: [
        { step: 'FundPayroll', status: 'FAILED', at: at(6), detail: 'BankDown: refund refused' },
        { step: 'CalculatePay', status: 'COMPENSATED', at: at(7) },
      ],
    });
    expect(describeRunEnd(view)).toBe(
      'PostLedger failed: boom (InjectedFault); compensation of FundPayroll failed: BankDown: refund refused',
    );
    const retried = runDetailView({
      ...ROLLED_BACK,
      compensations: [
        { step: 'FundPayroll', status: 'FAILED', at: at(6), detail: 'BankDown' },
        { step: 'FundPayroll', status: 'COMPENSATED', at: at(7) },
      ],
    });
    expect(describeRunEnd(retried)).toBe('PostLedger failed: boom (InjectedFault)');
  });
});

describe('runListView', () => {
  it('lists runs newest first with net only once the totals are frozen', () => {
    const older = run({ ...COMPLETED, runId: 'acme-2026-02-regular', startedAt: at(-86_400) });
    const newer = run({ runId: 'beta-2026-03-regular', employerId: 'beta', startedAt: at(60) });
    const { runs } = runListView([older, COMPLETED, newer]);
    expect(runs.map((r) => r.runId)).toEqual(['beta-2026-03-regular', RUN, 'acme-2026-02-regular']);
    expect(runs[0]).toEqual({
      runId: 'beta-2026-03-regular',
      employer: 'beta',
      periodId: '2026-03',
      status: 'PENDING',
      employees: null,
      net: null,
      startedAt: at(60),
      endedAt: null,
    });
    expect(runs[1]).toMatchObject({ status: 'COMPLETED', employees: 3, net: '12352.50', endedAt: at(7) });
  });
});

/** Feeds successive snapshots to diffRunViews as `watch` does, collecting every event. */
function watchEvents(snapshots: readonly RunDetail[], isFinal?: (s: RunStatus) => boolean): WatchEvent[] {
  const events: WatchEvent[] = [];
  let previous: RunDetail | undefined;
  for (const next of snapshots) {
    events.push(...diffRunViews(previous, next, isFinal));
    previous = next;
  }
  return events;
}

const stepEvents = (events: readonly WatchEvent[]) =>
  events.flatMap((e) => (e.type === 'step' ? [`${e.step} ${e.status}`] : []));

describe('diffRunViews', () => {
  it('a finished run watched once tells the whole story and ends with run-finished', () => {
    const events = diffRunViews(undefined, runDetailView(COMPLETED));
    expect(stepEvents(events)).toEqual(FORWARD_STEPS.flatMap((s) => [`${s} RUNNING`, `${s} SUCCEEDED`]));
    expect(
      events.find((e) => e.type === 'step' && e.step === 'FundPayroll' && e.status === 'SUCCEEDED'),
    ).toEqual({ type: 'step', step: 'FundPayroll', status: 'SUCCEEDED', at: at(3) });
    expect(events.filter((e) => e.type === 'progress')).toEqual([
      { type: 'progress', calculated: 3, employees: 3, gross: '15000.00', net: '12352.50' },
    ]);
    // Progress belongs inside CalculatePay: after it started, before it ended.
    const kinds = events.map((e) => (e.type === 'step' ? `${e.step} ${e.status}` : e.type));
    expect(kinds.slice(2, 5)).toEqual(['CalculatePay RUNNING', 'progress', 'CalculatePay SUCCEEDED']);
    expect(events.at(-2)).toEqual({ type: 'status', status: 'COMPLETED' });
    expect(events.at(-1)).toMatchObject({
      type: 'run-finished',
      status: 'COMPLETED',
      runId: RUN,
      totals: { employees: 3, net: '12352.50', fundingDebit: '16189.50' },
    });
  });

  it('live polls emit each change once, progress as chunks land, and run-finished once', () => {
    const snapshots = [
      runDetailView(run()),
      runDetailView(CALCULATING),
      runDetailView(CALCULATING, [CHUNK_0]),
      runDetailView(CALCULATING, [CHUNK_0]),
      runDetailView(COMPLETED, [CHUNK_0, CHUNK_1]),
      runDetailView(COMPLETED, [CHUNK_0, CHUNK_1]),
    ];
    const events = watchEvents(snapshots);
    expect(events.filter((e) => e.type === 'status').map((e) => e.status)).toEqual([
      'PENDING',
      'RUNNING',
      'COMPLETED',
    ]);
    expect(events.filter((e) => e.type === 'progress').map((e) => `${e.calculated}/${e.employees}`)).toEqual([
      '0/3',
      '2/3',
      '3/3',
    ]);
    // The same steps as watching the finished run at once: nothing lost between polls, nothing twice.
    expect(stepEvents(events)).toEqual(stepEvents(diffRunViews(undefined, runDetailView(COMPLETED))));
    expect(events.filter((e) => e.type === 'run-finished')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('run-finished');
  });

  it('a rollback emits the failed step, each compensation once, and finishes ROLLED_BACK', () => {
    const rollingBack: RunRecord = {
      ...ROLLED_BACK,
      status: RunStatus.RollingBack,
      endedAt: undefined,
      compensations: ROLLED_BACK.compensations.slice(0, 2),
    };
    const events = watchEvents([
      runDetailView({
        ...ROLLED_BACK,
        status: RunStatus.Running,
        failure: undefined,
        compensations: [],
        steps: { ...ROLLED_BACK.steps, PostLedger: { status: StepStatus.Running, startedAt: at(3) } },
      }),
      runDetailView(rollingBack),
      runDetailView(ROLLED_BACK),
    ]);
    expect(events.filter((e) => e.type === 'step' && e.step === 'PostLedger')).toEqual([
      { type: 'step', step: 'PostLedger', status: 'RUNNING', at: at(3) },
      { type: 'step', step: 'PostLedger', status: 'FAILED', at: at(4), error: 'InjectedFault: boom' },
    ]);
    expect(events.filter((e) => e.type === 'compensation').map((e) => `${e.step} ${e.status}`)).toEqual([
      'PostLedger NOTHING_TO_UNDO',
      'FundPayroll COMPENSATED',
      'CalculatePay COMPENSATED',
      'OpenRun COMPENSATED',
    ]);
    expect(events.find((e) => e.type === 'status' && e.status === 'ROLLING_BACK')).toEqual({
      type: 'status',
      status: 'ROLLING_BACK',
      failure: { step: 'PostLedger', error: 'InjectedFault', cause: 'boom' },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'run-finished',
      status: 'ROLLED_BACK',
      failure: { step: 'PostLedger' },
    });
  });

  it('following a rollback of a completed run does not stop at COMPLETED', () => {
    const untilRolledBack = (s: RunStatus) =>
      s === RunStatus.RolledBack || s === RunStatus.CompensationFailed;
    const events = watchEvents(
      [
        runDetailView(COMPLETED),
        runDetailView({ ...COMPLETED, status: RunStatus.RollingBack }),
        runDetailView({ ...COMPLETED, status: RunStatus.RolledBack }),
      ],
      untilRolledBack,
    );
    const finished = events.filter((e) => e.type === 'run-finished');
    expect(finished).toEqual([expect.objectContaining({ status: 'ROLLED_BACK' })]);
  });

  it('a step seen only once it ended still reports when it started', () => {
    const before = runDetailView(CALCULATING);
    const after = runDetailView({
      ...CALCULATING,
      steps: { ...CALCULATING.steps, CalculatePay: done(1, 2), FundPayroll: done(2, 3) },
    });
    const steps = diffRunViews(before, after).filter((e) => e.type === 'step');
    expect(steps).toEqual([
      { type: 'step', step: 'CalculatePay' as StepName, status: 'SUCCEEDED', at: at(2) },
      { type: 'step', step: 'FundPayroll', status: 'RUNNING', at: at(2) },
      { type: 'step', step: 'FundPayroll', status: 'SUCCEEDED', at: at(3) },
    ]);
  });
});
