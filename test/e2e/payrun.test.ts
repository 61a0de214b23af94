/**
 * Pay runs as an operator makes them: the built CLI as a child process against the embedded local
 * stack in a temporary data folder — demo, employer/roster set-up, run/status/preview agreeing to
 * the cent, the duplicate-run refusal (sequential and concurrent), bad input that writes nothing,
 * a host killed with SIGKILL mid-run and redriven to the same money exactly once, and fault
 * injection refused where it does not belong. The saga's fault matrix is covered in-process by
 * test/integration/saga.test.ts; status/watch rendering by test/e2e/status-watch.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { AchFileKind, FundingKind } from '../../src/core/saga/records.js';
import { parseAchFile } from '../../src/infra/bank/parseAchFile.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { isProcessAlive } from '../../src/infra/local/lock.js';
import { cents, createCli, EMPLOYER_BANK_FLAGS } from '../support/cli.js';
import { attachLocal } from '../support/localAttach.js';
import { until } from '../support/until.js';

let home: string;
let work: string;
/** Remembers every host pid seen and every child still running, so afterAll leaves no process behind. */
const cli = createCli({ home: () => home });
const { run: payrollOps, json, rememberHost } = cli;

/** A roster CSV of the generator's (the format `employees import` and `preview` read) in the work folder. */
function writeRoster(name: string, count: number, seed: number): string {
  const path = join(work, name);
  writeFileSync(
    path,
    generateRosterCsv({ count, seed, payFrequency: 'monthly', idPrefix: name.slice(0, 1).toUpperCase() }),
  );
  return path;
}

async function setUpEmployer(employerId: string, roster: string): Promise<void> {
  const set = await payrollOps([
    'employer',
    'set',
    employerId,
    '--name',
    `Employer ${employerId}`,
    ...EMPLOYER_BANK_FLAGS,
  ]);
  expect(set.code, set.stderr).toBe(0);
  const imported = await json<{ created: number; total: number }>([
    'employees',
    'import',
    roster,
    '--employer',
    employerId,
  ]);
  expect(imported.created).toBe(imported.total);
}

type Amounts = Record<
  'gross' | 'federalIncomeTax' | 'socialSecurity' | 'medicare' | 'additionalMedicare' | 'net',
  string
>;
interface PreviewDocument {
  readonly totals: Amounts & {
    readonly employees: number;
    readonly employer: { readonly socialSecurity: string; readonly medicare: string; readonly futa: string };
  };
}
interface RunTotalsJson extends Amounts {
  readonly employees: number;
  readonly employerTaxes: string;
  readonly fundingDebit: string;
}
interface RunJson {
  readonly runId: string;
  readonly status: string;
  readonly steps: readonly { readonly name: string; readonly status: string }[];
  readonly totals: RunTotalsJson;
  readonly compensations: readonly unknown[];
  readonly artifacts: { readonly achFile: string | null };
}
interface RunListJson {
  readonly runs: readonly { readonly runId: string; readonly periodId: string; readonly status: string }[];
}

/** The run's totals must be the pay engine's over the same roster and period, to the cent. */
function expectTotalsMatchPreview(totals: RunTotalsJson, preview: PreviewDocument): void {
  const p = preview.totals;
  expect(totals.employees).toBe(p.employees);
  for (const field of [
    'gross',
    'net',
    'federalIncomeTax',
    'socialSecurity',
    'medicare',
    'additionalMedicare',
  ] as const) {
    expect(cents(totals[field]), field).toBe(cents(p[field]));
  }
  const employerTaxes =
    cents(p.employer.socialSecurity) + cents(p.employer.medicare) + cents(p.employer.futa);
  expect(cents(totals.employerTaxes)).toBe(employerTaxes);
  // Net pay for the ACH credits plus every tax the employer remits.
  const withheld =
    cents(p.federalIncomeTax) + cents(p.socialSecurity) + cents(p.medicare) + cents(p.additionalMedicare);
  expect(cents(totals.fundingDebit)).toBe(cents(p.net) + withheld + employerTaxes);
}

function regularRunsFor(list: RunListJson, periodId: string) {
  return list.runs.filter((run) => run.periodId === periodId && run.runId.endsWith('-regular'));
}

function oneLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  expect(lines, text).toHaveLength(1);
  return lines[0] as string;
}

const BETA_EMPLOYEES = 40;
const GAMMA_EMPLOYEES = 3000;
let betaRoster: string;
let gammaRoster: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-payrun-'));
  work = mkdtempSync(join(tmpdir(), 'payroll-ops-payrun-files-'));
  betaRoster = writeRoster('beta.csv', BETA_EMPLOYEES, 21);
  gammaRoster = writeRoster('gamma.csv', GAMMA_EMPLOYEES, 33);
  // The first command starts the host; the two employers are then set up side by side.
  const list = await json<RunListJson>(['status']);
  expect(list.runs).toEqual([]);
  await Promise.all([setUpEmployer('beta', betaRoster), setUpEmployer('gamma', gammaRoster)]);
}, 120_000);

afterAll(async () => {
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('fault injection is for the local target only', () => {
  it('refuses `local faults set` on --target aws and an unknown step, writing no fault', async () => {
    const [aws, unknown] = await Promise.all([
      payrollOps(['--target', 'aws', 'local', 'faults', 'set', 'FundPayroll=fail-after']),
      payrollOps(['local', 'faults', 'set', 'Nope=fail-before']),
    ]);
    expect(aws.code).toBe(2);
    expect(aws.stdout).toBe('');
    expect(oneLine(aws.stderr)).toMatch(/only available on the local target, not on aws/);

    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    const message = oneLine(unknown.stderr);
    expect(message).toContain('Nope');
    for (const step of [
      'OpenRun',
      'CalculatePay',
      'FundPayroll',
      'PostLedger',
      'Disburse',
      'PublishPayslips',
      'CloseRun',
      'bank',
    ]) {
      expect(message).toContain(step);
    }
    expect(await json<{ faults: object }>(['local', 'faults', 'show'])).toEqual({ faults: {} });
  });
});

describe('demo', () => {
  it('sets up the example employer, runs the month to COMPLETED and prints the run', async () => {
    const demo = await payrollOps(['demo', '--employees', '30']);
    expect(demo.code, demo.stderr).toBe(0);
    const runId = /Run (acme-\d{4}-\d{2}-regular)\s+COMPLETED/.exec(demo.stdout)?.[1];
    expect(runId, demo.stdout).toBeDefined();
    expect(demo.stdout).toMatch(/Totals \(30 employees\)/);
    expect(demo.stderr).toContain('Roster: 30 employees created');

    const run = await json<RunJson>(['status', runId as string]);
    expect(run.status).toBe('COMPLETED');
    expect(run.totals.employees).toBe(30);
    expect(run.steps.map((step) => step.status)).toEqual(Array(7).fill('SUCCEEDED'));
    expect(run.artifacts.achFile).toMatch(/\.ach$/);
  });
});

describe('a pay run of an imported roster', () => {
  const employer = 'beta';
  const period = '2026-03';
  const runId = `${employer}-${period}-regular`;
  it('runs with --watch to COMPLETED, with totals equal to `preview` of the same roster and period', async () => {
    const [watched, preview] = await Promise.all([
      payrollOps(['run', '--period', period, '--employer', employer, '--watch']),
      json<PreviewDocument>(['preview', '--roster', betaRoster, '--period', period]),
    ]);
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout.split('\n')[0]).toBe(runId);
    expect(watched.stdout).toMatch(new RegExp(`Run ${runId}\\s+COMPLETED`));

    const run = await json<RunJson>(['status', runId]);
    expect(run.status).toBe('COMPLETED');
    expect(run.compensations).toEqual([]);
    expectTotalsMatchPreview(run.totals, preview);
  });

  it('refuses a second regular run of the period in one line naming the run and its status (exit 1)', async () => {
    const again = await payrollOps(['run', '--period', period, '--employer', employer]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    const message = oneLine(again.stderr);
    expect(message).toContain(runId);
    expect(message).toContain('COMPLETED');

    const list = await json<RunListJson>(['status', '--employer', employer]);
    expect(regularRunsFor(list, period).map((run) => run.runId)).toEqual([runId]);
  });

  it('lets exactly one of two concurrent starts of a period through; the other names the run', async () => {
    const concurrentPeriod = '2026-04';
    const expectedId = `${employer}-${concurrentPeriod}-regular`;
    // --watch: the winner follows its run to the end, so nothing is in flight when a later test kills the host.
    const starts = await Promise.all([
      payrollOps(['run', '--period', concurrentPeriod, '--employer', employer, '--watch']),
      payrollOps(['run', '--period', concurrentPeriod, '--employer', employer, '--watch']),
    ]);
    const winners = starts.filter((start) => start.code === 0);
    const losers = starts.filter((start) => start.code !== 0);
    expect(winners, JSON.stringify(starts)).toHaveLength(1);
    expect(winners[0]?.stdout.split('\n')[0]).toBe(expectedId);
    expect(winners[0]?.stdout).toMatch(new RegExp(`Run ${expectedId}\\s+COMPLETED`));
    expect(losers[0]?.code).toBe(1);
    expect(losers[0]?.stdout).toBe('');
    expect(oneLine(losers[0]?.stderr ?? '')).toContain(expectedId);

    const list = await json<RunListJson>(['status', '--employer', employer]);
    expect(regularRunsFor(list, concurrentPeriod)).toEqual([
      expect.objectContaining({ runId: expectedId, status: 'COMPLETED' }),
    ]);
  });

  it('rejects bad input with exit 2, one line naming the problem, nothing on stdout and no run written', async () => {
    const before = await json<RunListJson>(['status', '--limit', '100']);
    const [badPeriod, noReason, unknownEmployer] = await Promise.all([
      payrollOps(['run', '--period', '2026-02-30..2026-03-29', '--employer', employer]),
      payrollOps(['run', '--period', '2026-05', '--employer', employer, '--off-cycle']),
      payrollOps(['run', '--period', '2026-05', '--employer', 'nobody']),
    ]);
    for (const result of [badPeriod, noReason, unknownEmployer]) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
    }
    expect(oneLine(badPeriod.stderr)).toMatch(/--period 2026-02-30\.\.2026-03-29: 2026-02-30 does not exist/);
    expect(oneLine(noReason.stderr)).toMatch(/--off-cycle needs --reason/);
    expect(oneLine(unknownEmployer.stderr)).toMatch(/Employer nobody is not set up.*--employer/);
    expect(await json<RunListJson>(['status', '--limit', '100'])).toEqual(before);
  });
});

describe('a host killed with SIGKILL in the middle of a run', () => {
  const employer = 'gamma';
  const period = '2026-05';
  const runId = `${employer}-${period}-regular`;
  const EMPLOYEES = GAMMA_EMPLOYEES;

  it('is redriven by the next host to the same totals, with one debit, one journal pair and one ACH file', async () => {
    const previewing = json<PreviewDocument>(['preview', '--roster', gammaRoster, '--period', period]);
    // Awaited below; a failure before that must not surface as an unhandled rejection.
    previewing.catch(() => undefined);

    // Follow the run as it goes; kill its host once the run is RUNNING with CalculatePay under way.
    const started = cli.spawn([
      '--output',
      'jsonl',
      'run',
      '--period',
      period,
      '--employer',
      employer,
      '--watch',
    ]);
    const exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    const seen: { type: string; step?: string; status?: string }[] = [];
    createInterface({ input: started.stdout }).on('line', (line) => seen.push(JSON.parse(line)));
    const LATER_STEPS = ['CalculatePay', 'FundPayroll', 'PostLedger', 'Disburse', 'PublishPayslips'];
    await until(
      'CalculatePay to be under way',
      () =>
        seen.some((e) => e.type === 'step' && LATER_STEPS.includes(e.step ?? '') && e.status === 'RUNNING')
          ? true
          : undefined,
      60_000,
      50,
    );
    expect(seen).toContainEqual({ type: 'status', status: 'RUNNING' });
    expect(seen.some((e) => e.type === 'run-finished')).toBe(false);
    const killed = rememberHost() as number;
    process.kill(killed, 'SIGKILL');
    started.kill('SIGKILL');
    await exited;
    await until('the host to die', () => (isProcessAlive(killed) ? undefined : true), 30_000, 50);

    // `watch` starts a new host on demand; its start-up recovery redrives the interrupted run.
    const watched = await payrollOps(['--output', 'json', 'watch', runId, '--interval', '250']);
    expect(watched.code, watched.stderr).toBe(0);
    const restarted = rememberHost();
    expect(restarted).not.toBe(killed);
    const hostLog = readFileSync(join(home, 'host.log'), 'utf8');
    expect(hostLog).toMatch(
      new RegExp(`\\[host ${restarted}\\] recovered: redrove 1 execution\\(s\\): .*:${runId}`),
    );

    const statusing = json<RunJson>(['status', runId]);
    statusing.catch(() => undefined);
    const run = JSON.parse(watched.stdout) as RunJson;
    expect(run.status).toBe('COMPLETED');
    expect(run.compensations).toEqual([]);
    expectTotalsMatchPreview(run.totals, await previewing);
    const net = cents(run.totals.net);

    // One file left for the bank: one CREDIT line in its log, one file in the run's artifacts.
    const transmissions = readFileSync(join(home, 'bank', 'transmissions.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes(` ${runId} CREDIT `));
    expect(transmissions).toHaveLength(1);
    expect(transmissions[0]).toContain(`entries=${EMPLOYEES} total=${net}`);
    expect(readdirSync(join(home, 'artifacts', runId))).toEqual([`${runId}-credit.ach`]);

    // The ACH file's control totals are the payslips' net total and count.
    const ach = parseAchFile(readFileSync(run.artifacts.achFile as string, 'utf8'));
    expect(ach.control.totalDebit).toBe(0);
    expect(ach.control.totalCredit).toBe(net);
    expect(ach.control.entryCount).toBe(EMPLOYEES);
    const entries = ach.batches.flatMap((batch) => batch.entries);
    expect(entries.reduce((sum, entry) => sum + entry.amount, 0)).toBe(net);

    // The store behind it: one payslip per employee, one funding debit, one journal of each kind.
    expect(readHostRecord(home)?.endpoints).toBeDefined();
    const { clients, ports } = attachLocal(home);
    try {
      const payslips = await ports.payslips.listPayslips(runId);
      expect(new Set(payslips.map((p) => p.employeeId)).size).toBe(EMPLOYEES);
      expect(payslips).toHaveLength(EMPLOYEES);
      expect(payslips.reduce((sum, p) => sum + p.amounts.net, 0)).toBe(net);
      const debit = await ports.funding.getMovement(runId, FundingKind.Debit);
      expect(debit?.amount).toBe(cents(run.totals.fundingDebit));
      expect(await ports.funding.getMovement(runId, FundingKind.Refund)).toBeUndefined();
      const journals = await ports.ledger.listJournals(runId);
      expect(journals.map((j) => j.kind).sort()).toEqual(['disbursement', 'payroll']);
      for (const journal of journals) {
        const debits = journal.lines.reduce((sum, line) => sum + line.debit, 0);
        const credits = journal.lines.reduce((sum, line) => sum + line.credit, 0);
        expect(debits, journal.id).toBe(credits);
      }
      expect(await ports.ach.getAchFile(runId, AchFileKind.Reversal)).toBeUndefined();
    } finally {
      clients.destroy();
    }
    // `status RUN` shows what `watch` ended with.
    expect(await statusing).toEqual(run);
  }, 150_000);
});
