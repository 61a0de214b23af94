/**
 * `status` and `watch` as an operator uses them: the built CLI as child processes against the
 * embedded local stack in a temporary data folder. A run followed from a second process while it
 * goes and again after it ended; totals in `status` against the payslips in the store; a rolled-back
 * run's exit code, compensations and failure; the runs list; unknown runs and bad flags.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, RunListItem, WatchEvent } from '../../src/core/saga/runView.js';
import { FORWARD_STEPS } from '../../src/core/saga/steps.js';
import { cents, createCli } from '../support/cli.js';
import { attachLocal } from '../support/localAttach.js';

// Enough employees that the run lasts several seconds: long enough for a second process to join it.
const EMPLOYEES = 1000;
const SETUP_PERIOD = '2026-05';
const LIVE_RUN = 'acme-2026-06-regular';
const FAILED_RUN = 'acme-2026-07-regular';

let home: string;
const cli = createCli({ home: () => home });
const { run: payrollOps, json } = cli;

function jsonLines(text: string): WatchEvent[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as WatchEvent);
}

const stepStory = (events: readonly WatchEvent[]) =>
  events.flatMap((e) => (e.type === 'step' ? [`${e.step} ${e.status}`] : []));

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-status-watch-'));
  // The example employer and a roster, and one completed run to list.
  const demo = await payrollOps(['demo', '--employees', String(EMPLOYEES), '--period', SETUP_PERIOD]);
  expect(demo.code, demo.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('a completed run', () => {
  let live: WatchEvent[];

  it('is followed from a second process while it goes, ending with run-finished COMPLETED (exit 0)', async () => {
    const started = await payrollOps(['run', '--period', '2026-06']);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout.trim()).toBe(LIVE_RUN);
    const watched = await payrollOps(['--output', 'jsonl', 'watch', LIVE_RUN, '--interval', '100']);
    expect(watched.code, watched.stderr).toBe(0);
    live = jsonLines(watched.stdout);
    // The first poll saw the run under way, not already over.
    expect(live[0]).toMatchObject({ type: 'status' });
    expect(['PENDING', 'RUNNING']).toContain((live[0] as { status: string }).status);
    expect(stepStory(live)).toEqual(FORWARD_STEPS.flatMap((s) => [`${s} RUNNING`, `${s} SUCCEEDED`]));
    const progress = live.flatMap((e) => (e.type === 'progress' ? [e.calculated] : []));
    expect(progress.at(-1)).toBe(EMPLOYEES);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(live.filter((e) => e.type === 'run-finished')).toHaveLength(1);
    expect(live.at(-1)).toMatchObject({ type: 'run-finished', status: 'COMPLETED', runId: LIVE_RUN });
  });

  it('shows totals in `status` equal to the sum of the run’s payslips, and watch’s final totals', async () => {
    const run = await json<RunDetail>(['status', LIVE_RUN]);
    expect(run.status).toBe('COMPLETED');
    expect(run.steps.map((s) => [s.name, s.status])).toEqual(FORWARD_STEPS.map((s) => [s, 'SUCCEEDED']));
    expect(run.compensations).toEqual([]);
    expect(run.artifacts.achFile).toMatch(/\.ach$/);
    expect(live.at(-1)).toMatchObject({ totals: run.totals });

    const { clients, ports } = attachLocal(home);
    try {
      const payslips = await ports.payslips.listPayslips(LIVE_RUN);
      expect(payslips).toHaveLength(EMPLOYEES);
      const sum = (pick: (a: (typeof payslips)[number]['amounts']) => number) =>
        payslips.reduce((total, p) => total + pick(p.amounts), 0);
      const t = run.totals;
      expect(t.employees).toBe(EMPLOYEES);
      expect(cents(t.gross)).toBe(sum((a) => a.gross));
      expect(cents(t.net)).toBe(sum((a) => a.net));
      expect(cents(t.federalIncomeTax)).toBe(sum((a) => a.federalIncomeTax));
      expect(cents(t.socialSecurity)).toBe(sum((a) => a.socialSecurity));
      expect(cents(t.medicare)).toBe(sum((a) => a.medicare));
      expect(cents(t.additionalMedicare)).toBe(sum((a) => a.additionalMedicare));
      const employerTaxes = sum((a) => a.employer.socialSecurity + a.employer.medicare + a.employer.futa);
      expect(cents(t.employerTaxes)).toBe(employerTaxes);
      const withheld = sum((a) => a.federalIncomeTax + a.socialSecurity + a.medicare + a.additionalMedicare);
      expect(cents(t.fundingDebit)).toBe(sum((a) => a.net) + withheld + employerTaxes);
    } finally {
      clients.destroy();
    }
  });

  it('watched after it ended tells the same story once, then run-finished; plain lines without --output', async () => {
    const replay = await payrollOps(['--output', 'jsonl', 'watch', LIVE_RUN]);
    expect(replay.code, replay.stderr).toBe(0);
    const events = jsonLines(replay.stdout);
    expect(stepStory(events)).toEqual(stepStory(live));
    expect(events.at(-1)).toEqual(live.at(-1));

    const plain = await payrollOps(['watch', LIVE_RUN]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('CloseRun SUCCEEDED');
    expect(plain.stderr).toMatch(new RegExp(`${LIVE_RUN} COMPLETED after .*: ${EMPLOYEES} employees, net `));
    expect(plain.stdout).toMatch(new RegExp(`Run ${LIVE_RUN}\\s+COMPLETED`));
    expect(plain.stdout).not.toContain('\u001b[');
  });
});

describe('a rolled-back run', () => {
  it('makes watch exit 1 naming the failure, and status lists its compensations in reverse order', async () => {
    const set = await payrollOps(['local', 'faults', 'set', 'PostLedger=fail-after']);
    expect(set.code, set.stderr).toBe(0);
    try {
      const started = await payrollOps(['run', '--period', '2026-07']);
      expect(started.code, started.stderr).toBe(0);
      const watched = await payrollOps(['--output', 'jsonl', 'watch', FAILED_RUN, '--interval', '100']);
      expect(watched.code).toBe(1);
      expect(watched.stderr).toMatch(
        new RegExp(`^error: Run ${FAILED_RUN} ended ROLLED_BACK: PostLedger failed: `, 'm'),
      );
      const events = jsonLines(watched.stdout);
      expect(events.at(-1)).toMatchObject({
        type: 'run-finished',
        status: 'ROLLED_BACK',
        failure: { step: 'PostLedger' },
      });
      expect(events.filter((e) => e.type === 'compensation').map((e) => e.step)).toEqual([
        'PostLedger',
        'FundPayroll',
        'CalculatePay',
        'OpenRun',
      ]);
    } finally {
      await payrollOps(['local', 'faults', 'clear']);
    }
    const run = await json<RunDetail>(['status', FAILED_RUN]);
    expect(run.status).toBe('ROLLED_BACK');
    expect(run.failure?.step).toBe('PostLedger');
    expect(run.steps.map((s) => s.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
      'FAILED',
      'PENDING',
      'PENDING',
      'PENDING',
    ]);
    expect(run.compensations.map((c) => [c.step, c.status])).toEqual([
      ['PostLedger', 'COMPENSATED'],
      ['FundPayroll', 'COMPENSATED'],
      ['CalculatePay', 'COMPENSATED'],
      ['OpenRun', 'COMPENSATED'],
    ]);
    expect(run.compensations.every((c) => typeof c.detail === 'string' && c.detail.length > 0)).toBe(true);

    const table = await payrollOps(['status', FAILED_RUN]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Compensations/);
    expect(table.stdout).toMatch(/Failure: PostLedger failed: /);
  });
});

describe('the runs list', () => {
  it('lists runs newest first, filters by employer and limits', async () => {
    const { runs } = await json<{ runs: RunListItem[] }>(['status']);
    expect(runs.map((r) => [r.runId, r.status])).toEqual([
      [FAILED_RUN, 'ROLLED_BACK'],
      [LIVE_RUN, 'COMPLETED'],
      [`acme-${SETUP_PERIOD}-regular`, 'COMPLETED'],
    ]);
    expect(runs[1]).toMatchObject({ employer: 'acme', periodId: '2026-06', employees: EMPLOYEES });
    expect(runs[1]?.net).toMatch(/^\d+\.\d{2}$/);

    const limited = await json<{ runs: RunListItem[] }>(['status', '--limit', '1']);
    expect(limited.runs.map((r) => r.runId)).toEqual([FAILED_RUN]);
    const other = await payrollOps(['--output', 'json', 'status', '--employer', 'nobody']);
    expect(other.code).toBe(0);
    expect(JSON.parse(other.stdout)).toEqual({ runs: [] });

    const table = await payrollOps(['status']);
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n').filter((line) => line.includes('acme-'));
    expect(rows.map((line) => /acme-\S+/.exec(line)?.[0])).toEqual(runs.map((r) => r.runId));
  });

  it('refuses an unknown run and bad flags with exit 2, one line naming the fix, nothing on stdout', async () => {
    for (const args of [
      ['status', 'acme-1999-01-regular'],
      ['watch', 'acme-1999-01-regular'],
    ]) {
      const result = await payrollOps(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(
        'error: Run acme-1999-01-regular not found; list runs with payroll-ops status.',
      );
    }
    const limit = await payrollOps(['status', '--limit', 'ten']);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit ten');
    const interval = await payrollOps(['watch', LIVE_RUN, '--interval', '0']);
    expect(interval.code).toBe(2);
    expect(interval.stderr).toContain('--interval 0');
  });
});
