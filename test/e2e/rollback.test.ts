/**
 * `rollback` and `audit` as an operator uses them: the built CLI as a child process against the
 * embedded local stack in a temporary data folder. A completed run paid today is rolled back in
 * full (books, REVERSAL file, refund, payslips, status, audit); `--plan`, a missing `--yes` and a
 * missing `--reason` change nothing; a second rollback is a no-op; a run paid months ago is refused
 * up front and nothing changes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balancesByAccount } from '../../src/core/ledger.js';
import type { ExecutionPort } from '../../src/core/ports.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { StateMachineName } from '../../src/core/saga/functions.js';
import { AchFileKind, FundingKind } from '../../src/core/saga/records.js';
import { type AwsClients, LOCAL_ACCOUNT_ID } from '../../src/infra/aws/clients.js';
import type { AwsSagaPorts } from '../../src/infra/aws/sagaPorts.js';
import { executionArnOf, stateMachineArn } from '../../src/infra/aws/sfnExecutions.js';
import { STATE_MACHINE_NAMES } from '../../src/infra/aws/tables.js';
import { parseAchFile } from '../../src/infra/bank/parseAchFile.js';
import { createCli, EMPLOYER_BANK_FLAGS } from '../support/cli.js';
import { attachLocal } from '../support/localAttach.js';
import { until } from '../support/until.js';

const EMPLOYER = 'rollbk';
const EMPLOYEES = 6;
const ROSTER_CSV = generateRosterCsv({ count: EMPLOYEES, seed: 5, payFrequency: 'monthly', idPrefix: 'R' });
const ROSTER = parseRoster(ROSTER_CSV, 'generated');

const today = new Date().toISOString().slice(0, 10);
const currentMonth = today.slice(0, 7);
/** Three months back, paid on its last day (the default): long past the five-banking-day window. */
const oldMonth = (() => {
  const date = new Date(`${currentMonth}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 3);
  return date.toISOString().slice(0, 7);
})();
/** The month before: its run is left stuck waiting for a bank that never answers. */
const stuckMonth = (() => {
  const date = new Date(`${currentMonth}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.toISOString().slice(0, 7);
})();
const CURRENT_RUN = `${EMPLOYER}-${currentMonth}-regular`;
const STUCK_RUN = `${EMPLOYER}-${stuckMonth}-regular`;
const OLD_RUN = `${EMPLOYER}-${oldMonth}-regular`;

let home: string;
let rosterFile: string;
let clients: AwsClients | undefined;
let ports: AwsSagaPorts;
let executions: ExecutionPort;
const cli = createCli({ home: () => home, env: { USER: 'e2e-operator' } });
const payrollOps = (...args: string[]) => cli.run(args);
const ok = (...args: string[]) => cli.ok(args);

/** Everything a rollback could change, to show that a refused one changed nothing. */
async function snapshot(runId: string) {
  const [run, payslips, refund, reversal, journals, audit, rollback] = await Promise.all([
    ports.runs.getRun(runId),
    ports.payslips.listPayslips(runId),
    ports.funding.getMovement(runId, FundingKind.Refund),
    ports.ach.getAchFile(runId, AchFileKind.Reversal),
    ports.ledger.listJournals(runId),
    ports.audit.list({ runId, limit: 100 }),
    executions.describe(rollbackArn(runId, 1)),
  ]);
  return {
    status: run?.status,
    compensations: run?.compensations.length,
    payslipStatuses: [...new Set(payslips.map((p) => p.status))],
    refund: refund?.amount,
    reversal: reversal?.status,
    journals: journals.map((j) => j.id).sort(),
    audit: audit.map((a) => a.action),
    rollbackExecution: rollback?.status,
  };
}

function rollbackArn(runId: string, attempt: number): string {
  const machine = stateMachineArn(
    'us-east-1',
    LOCAL_ACCOUNT_ID,
    STATE_MACHINE_NAMES[StateMachineName.Rollback],
  );
  return executionArnOf(machine, `${runId}-rollback-${attempt}`);
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-rollback-'));
  rosterFile = join(home, 'roster.csv');
  writeFileSync(rosterFile, ROSTER_CSV);
  await ok('employer', 'set', EMPLOYER, '--name', 'Rollback Test Co', ...EMPLOYER_BANK_FLAGS);
  await ok('employees', 'import', rosterFile, '--employer', EMPLOYER);
  // Paid today, so the reversal window is open; and a month paid long ago, so it is closed.
  await ok('run', '--period', currentMonth, '--pay-date', today, '--employer', EMPLOYER, '--watch');
  await ok('run', '--period', oldMonth, '--employer', EMPLOYER, '--watch');
  ({ clients, ports, executions } = attachLocal(home));
}, 180_000);

afterAll(async () => {
  clients?.destroy();
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('rollback refusals change nothing', () => {
  it('--plan prints the plan with amounts and masked accounts, and changes nothing', async () => {
    const before = await snapshot(CURRENT_RUN);
    expect(before.status).toBe('COMPLETED');
    const table = await ok('rollback', CURRENT_RUN, '--reason', 'looking first', '--plan');
    expect(table.stdout).toMatch(/Compensations, in the order they run/);
    expect(table.stdout).toMatch(/REVERSAL ACH file of 6 debit entries/);

    const { plan } = JSON.parse(
      (await ok('--output', 'json', 'rollback', CURRENT_RUN, '--reason', 'looking first', '--plan')).stdout,
    ) as { plan: PlanJson };
    const run = (await ports.runs.getRun(CURRENT_RUN))!;
    expect(plan.decision).toBe('rollback');
    expect(plan.steps.map((s) => s.step)).toEqual([
      'PublishPayslips',
      'Disburse',
      'PostLedger',
      'FundPayroll',
      'CalculatePay',
      'OpenRun',
    ]);
    expect(plan.amounts.fundingRefund).toBe((run.totals!.fundingDebit / 100).toFixed(2));
    expect(plan.amounts.achReversal).toEqual({
      entries: EMPLOYEES,
      total: (run.totals!.net / 100).toFixed(2),
    });
    expect(plan.employees.every((e) => e.reversible && /^••••\d{4}$/.test(e.account))).toBe(true);
    for (const output of [table.stdout, JSON.stringify(plan)]) {
      for (const employee of ROSTER) expect(output).not.toContain(employee.bank.account);
    }
    expect(await snapshot(CURRENT_RUN)).toEqual(before);
  });

  it('without a terminal and without --yes exits 2 naming --yes, and changes nothing', async () => {
    const before = await snapshot(CURRENT_RUN);
    const refused = await payrollOps('rollback', CURRENT_RUN, '--reason', 'no confirmation');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(await snapshot(CURRENT_RUN)).toEqual(before);
  });

  it('without --reason exits 2 naming --reason, and changes nothing', async () => {
    const before = await snapshot(CURRENT_RUN);
    const refused = await payrollOps('rollback', CURRENT_RUN, '--yes');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--reason/);
    expect(await snapshot(CURRENT_RUN)).toEqual(before);
  });
});

describe('rollback of a completed run inside the reversal window', () => {
  it('reverses everything: books at zero, a mirroring REVERSAL file, refund, void payslips, ROLLED_BACK, audited', async () => {
    const result = await ok(
      '--output',
      'json',
      'rollback',
      CURRENT_RUN,
      '--reason',
      'salaries imported twice',
      '--yes',
    );
    const { outcome } = JSON.parse(result.stdout) as { outcome: OutcomeJson };
    expect(outcome.status).toBe('ROLLED_BACK');
    expect(outcome.executionName).toBe(`${CURRENT_RUN}-rollback-1`);

    const run = (await ports.runs.getRun(CURRENT_RUN))!;
    expect(run.status).toBe('ROLLED_BACK');
    const journals = await ports.ledger.listJournals(CURRENT_RUN);
    const balances = balancesByAccount(journals);
    expect(balances.size).toBeGreaterThan(0);
    for (const [account, balance] of balances) expect(balance, account).toBe(0);

    const debit = await ports.funding.getMovement(CURRENT_RUN, FundingKind.Debit);
    const refund = await ports.funding.getMovement(CURRENT_RUN, FundingKind.Refund);
    expect(refund?.amount).toBe(debit?.amount);
    expect(refund?.amount).toBe(run.totals?.fundingDebit);

    const payslips = await ports.payslips.listPayslips(CURRENT_RUN);
    expect(payslips).toHaveLength(EMPLOYEES);
    expect(payslips.every((p) => p.status === 'VOID')).toBe(true);

    const credit = parseAchFile(readFileSync(run.artifacts.achFile!, 'utf8'));
    const reversal = parseAchFile(readFileSync(run.artifacts.reversalFile!, 'utf8'));
    const [creditBatch, reversalBatch] = [credit.batches[0]!, reversal.batches[0]!];
    expect(reversalBatch.companyEntryDescription).toBe('REVERSAL');
    expect(reversalBatch.serviceClassCode).toBe('225');
    const mirrored = (code: string) => ({ '22': '27', '32': '37' })[code];
    expect(
      reversalBatch.entries.map((e) => [e.transactionCode, e.routing, e.account, e.amount, e.individualId]),
    ).toEqual(
      creditBatch.entries.map((e) => [
        mirrored(e.transactionCode),
        e.routing,
        e.account,
        e.amount,
        e.individualId,
      ]),
    );
    expect(reversal.control.totalDebit).toBe(credit.control.totalCredit);
    expect(reversal.control.totalCredit).toBe(0);
    expect(reversal.control.entryCount).toBe(credit.control.entryCount);
    expect(reversal.control.entryHash).toBe(credit.control.entryHash);

    const audit = JSON.parse((await ok('--output', 'json', 'audit', '--run', CURRENT_RUN)).stdout) as {
      records: { action: string; actor: string; reason: string | null; runId: string }[];
    };
    const entry = audit.records.find((r) => r.action === 'run.rollback');
    expect(entry).toMatchObject({
      reason: 'salaries imported twice',
      runId: CURRENT_RUN,
      actor: 'e2e-operator@local',
    });
    const table = await ok('audit');
    expect(table.stdout).toMatch(new RegExp(`run\\.rollback.*${CURRENT_RUN}.*salaries imported twice`));
  });

  it('a second rollback says so, starts nothing and records nothing', async () => {
    const before = await snapshot(CURRENT_RUN);
    const again = await ok('rollback', CURRENT_RUN, '--reason', 'once more', '--yes');
    expect(again.stderr).toMatch(/already ROLLED_BACK/);
    expect(await snapshot(CURRENT_RUN)).toEqual(before);
    expect(await executions.describe(rollbackArn(CURRENT_RUN, 2))).toBeUndefined();
  });
});

describe('rollback of a run past the reversal window', () => {
  it('is refused up front with exit 1 and one paragraph saying what to do instead, and changes nothing', async () => {
    const before = await snapshot(OLD_RUN);
    const ytdBefore = await ports.ytd.entries(EMPLOYER, Number(oldMonth.slice(0, 4)));
    const result = await payrollOps(
      '--output',
      'json',
      'rollback',
      OLD_RUN,
      '--reason',
      'wrong month',
      '--yes',
    );
    expect(result.code).toBe(1);
    const { plan } = JSON.parse(result.stdout) as { plan: PlanJson };
    const ids = ROSTER.map((e) => e.employeeId);
    expect(plan.decision).toBe('refuse');
    expect(plan.manualRecovery).toEqual(ids);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /cannot be rolled back: its ACH credits to 6 employees settled .* window closed on \d{4}-\d\d-\d\d\. The employees keep the money, so the employer is not refunded .* Nothing was changed\. Correct the pay with an off-cycle run/,
    );

    // No refund, no reversal, no execution, no audit record, payslips and year-to-date untouched.
    expect(await snapshot(OLD_RUN)).toEqual(before);
    expect(before).toMatchObject({ status: 'COMPLETED', payslipStatuses: ['ISSUED'], refund: undefined });
    expect(await ports.ytd.entries(EMPLOYER, Number(oldMonth.slice(0, 4)))).toEqual(ytdBefore);
    expect((await payrollOps('verify', OLD_RUN)).code).toBe(0);
  });
});

describe('rollback of a stuck run', () => {
  it('stops the execution first, cancels the untransmitted ACH file and ends ROLLED_BACK', async () => {
    await ok('local', 'faults', 'set', 'bank=timeout');
    try {
      await ok('run', '--period', stuckMonth, '--employer', EMPLOYER);
      await until(
        'the run to reach Disburse',
        async () =>
          (await ports.runs.getRun(STUCK_RUN))?.steps.Disburse?.status === 'RUNNING' ? true : undefined,
        30_000,
        200,
      );
    } finally {
      await ok('local', 'faults', 'clear');
    }
    const payRun = (await ports.runs.getRun(STUCK_RUN))!.executionArn!;
    expect((await executions.describe(payRun))?.status).toBe('RUNNING');

    const result = await ok('--output', 'json', 'rollback', STUCK_RUN, '--reason', 'bank silent', '--yes');
    const { plan, outcome } = JSON.parse(result.stdout) as { plan: PlanJson; outcome: OutcomeJson };
    expect(plan.decision).toBe('stop-then-rollback');
    expect(plan.stop).toEqual([payRun]);
    expect(outcome.status).toBe('ROLLED_BACK');
    expect((await executions.describe(payRun))?.status).toBe('ABORTED');
    expect((await ports.ach.getAchFile(STUCK_RUN, AchFileKind.Credit))?.status).toBe('CANCELLED');
    const run = (await ports.runs.getRun(STUCK_RUN))!;
    expect(run.status).toBe('ROLLED_BACK');
    expect((await ports.funding.getMovement(STUCK_RUN, FundingKind.Refund))?.amount).toBe(
      run.totals?.fundingDebit,
    );
    for (const [account, balance] of balancesByAccount(await ports.ledger.listJournals(STUCK_RUN)))
      expect(balance, account).toBe(0);
  });
});

interface PlanJson {
  readonly decision: string;
  readonly stop: readonly string[];
  readonly steps: readonly { readonly step: string }[];
  readonly amounts: {
    readonly fundingRefund: string;
    readonly achReversal: { readonly entries: number; readonly total: string };
  };
  readonly employees: readonly { readonly account: string; readonly reversible: boolean }[];
  readonly manualRecovery: readonly string[];
}

interface OutcomeJson {
  readonly status: string;
  readonly executionName: string;
  readonly failedCompensations: readonly { readonly step: string }[];
  readonly manualRecovery: readonly { readonly employeeId: string }[];
}
