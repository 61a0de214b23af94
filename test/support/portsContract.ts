/**
 * THE contract of the saga's ports: what the DynamoDB/SQS adapters do and what the in-memory
 * fakes unit tests run on must do too. Run against both (test/integration/portsContract.test.ts),
 * so a fake that drifts from its adapter fails here, not in production.
 */
import { describe, expect, it } from 'vitest';
import type { Journal } from '../../src/core/ledger.js';
import type { Cents } from '../../src/core/money.js';
import type { OffCyclePayment } from '../../src/core/offCyclePayments.js';
import { paySchedule } from '../../src/core/paySchedule.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import type { AuditStore, SagaPorts, ScheduleStore } from '../../src/core/ports.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import {
  AchFileKind,
  type AchFileRecord,
  AchStatus,
  FundingKind,
  type PayslipRecord,
  PayslipStatus,
  type RunRecord,
  RunType,
} from '../../src/core/saga/records.js';
import { CompensationStatus, RunStatus, StepName, StepStatus } from '../../src/core/saga/steps.js';
import { ytdOf } from '../../src/core/ytd.js';

export type ContractPorts = SagaPorts & { readonly audit: AuditStore; readonly schedules: ScheduleStore };

const c = (value: number) => value as Cents;
const ROSTER = parseRoster(
  generateRosterCsv({ count: 30, payFrequency: 'monthly', seed: 99, idPrefix: 'K' }),
  'g',
  {
    defaultTaxYear: 2026,
  },
);

function run(
  runId: string,
  startedAt: string,
  employerId = 'contract',
  period = '2026-03',
  runType: RunType = RunType.Regular,
): RunRecord {
  return {
    runId,
    employerId,
    period: parsePeriod(period),
    runType,
    status: RunStatus.Pending,
    requestedBy: 'contract',
    startedAt,
    steps: {},
    compensations: [],
    artifacts: {},
  };
}

function payslip(runId: string, employeeId: string, net: number): PayslipRecord {
  const employee = ROSTER[0]!;
  return {
    runId,
    employeeId,
    name: `Employee ${employeeId}`,
    chunkIndex: 0,
    payDate: '2026-03-31',
    amounts: {
      gross: c(net + 2_000),
      preTax401k: c(0),
      preTaxSection125: c(0),
      federalIncomeTax: c(1_000),
      socialSecurity: c(600),
      medicare: c(400),
      additionalMedicare: c(0),
      net: c(net),
      employer: { socialSecurity: c(600), medicare: c(400), futa: c(0) },
      wages: { ssWages: c(net + 2_000), medicareWages: c(net + 2_000), futaWages: c(0) },
    },
    ytdBefore: employee.openingYtd,
    bank: employee.bank,
    status: PayslipStatus.Issued,
  };
}

function achFile(runId: string, kind: AchFileKind): AchFileRecord {
  return {
    runId,
    kind,
    status: AchStatus.Pending,
    effectiveDate: '2026-03-31',
    entryCount: 2,
    totalAmount: c(12_345),
    createdAt: '2026-03-31T10:00:00.000Z',
  };
}

/** `open` gives fresh ports (a fresh store); tests use ids of their own, so ports may be shared. */
export function portsContract(
  name: string,
  open: () => Promise<{ ports: ContractPorts; close(): Promise<void> }>,
) {
  describe(`ports contract: ${name}`, () => {
    let subject: { ports: ContractPorts; close(): Promise<void> };
    const ports = () => subject.ports;
    beforeAllHook(async () => {
      subject = await open();
    });
    afterAllHook(async () => {
      await subject?.close();
    });

    it('creates a run once, patches and transitions it only from the named statuses, and fails on a missing run', async () => {
      const p = ports();
      expect(await p.runs.createRun(run('rc-1', '2026-03-01T00:00:00.000Z'))).toBe('written');
      expect(await p.runs.createRun(run('rc-1', '2026-03-01T00:00:00.000Z'))).toBe('already-written');
      expect(await p.runs.transitionRun('rc-1', [RunStatus.Running], { status: RunStatus.Completed })).toBe(
        false,
      );
      expect(await p.runs.transitionRun('rc-1', [RunStatus.Pending], { status: RunStatus.Running })).toBe(
        true,
      );
      expect(await p.runs.transitionRun('nobody', [RunStatus.Pending], { status: RunStatus.Running })).toBe(
        false,
      );
      await p.runs.recordStep('rc-1', StepName.OpenRun, {
        status: StepStatus.Succeeded,
        startedAt: 'a',
        endedAt: 'b',
      });
      await p.runs.recordCompensation('rc-1', {
        step: StepName.Disburse,
        status: CompensationStatus.Failed,
        at: 'x',
      });
      await p.runs.recordCompensation('rc-1', {
        step: StepName.OpenRun,
        status: CompensationStatus.NotRun,
        at: 'x',
      });
      const stored = await p.runs.getRun('rc-1');
      expect(stored).toMatchObject({
        status: RunStatus.Running,
        steps: { OpenRun: { status: 'SUCCEEDED' } },
      });
      expect(stored?.compensations.map((r) => [r.step, r.status])).toEqual([
        ['Disburse', 'FAILED'],
        ['OpenRun', 'NOT_RUN'],
      ]);
      await expect(p.runs.updateRun('nobody', { status: RunStatus.Completed })).rejects.toMatchObject({
        code: 'RUN_NOT_FOUND',
      });
      expect(await p.runs.getRun('nobody')).toBeUndefined();
    });

    it('lists runs newest first, of one employer, up to the limit', async () => {
      const p = ports();
      await p.runs.createRun(run('rl-1', '2026-03-02T00:00:01.000Z', 'listing'));
      await p.runs.createRun(run('rl-2', '2026-03-02T00:00:03.000Z', 'listing'));
      await p.runs.createRun(run('rl-3', '2026-03-02T00:00:02.000Z', 'elsewhere'));
      const listed = await p.runs.listRuns({ employerId: 'listing', limit: 10 });
      expect(listed.map((r) => r.runId)).toEqual(['rl-2', 'rl-1']);
      expect((await p.runs.listRuns({ employerId: 'listing', limit: 1 })).map((r) => r.runId)).toEqual([
        'rl-2',
      ]);
    });

    it('lists an employer’s regular runs latest period first, up to the limit, whatever order they started in', async () => {
      const p = ports();
      await p.runs.createRun(run('rr-02', '2026-03-02T00:00:01.000Z', 'regulars', '2026-02'));
      await p.runs.createRun(run('rr-04', '2026-03-02T00:00:02.000Z', 'regulars', '2026-04'));
      await p.runs.createRun(run('rr-03', '2026-03-02T00:00:03.000Z', 'regulars', '2026-03'));
      await p.runs.createRun(
        run('rr-off', '2026-03-02T00:00:04.000Z', 'regulars', '2026-05', RunType.OffCycle),
      );
      await p.runs.createRun(run('rr-other', '2026-03-02T00:00:05.000Z', 'others', '2026-06'));
      await p.runs.updateRun('rr-04', { status: RunStatus.RolledBack });
      const listed = await p.runs.listRegularRuns('regulars', { limit: 10 });
      expect(listed.map((r) => [r.runId, r.status])).toEqual([
        ['rr-04', RunStatus.RolledBack],
        ['rr-03', RunStatus.Pending],
        ['rr-02', RunStatus.Pending],
      ]);
      expect((await p.runs.listRegularRuns('regulars', { limit: 2 })).map((r) => r.runId)).toEqual([
        'rr-04',
        'rr-03',
      ]);
      expect(await p.runs.listRegularRuns('nobody', { limit: 10 })).toEqual([]);
    });

    it('keeps one pay schedule per employer: put replaces, listed by employer id, removed once', async () => {
      const p = ports();
      const monthly = paySchedule({ employerId: 'sched-b', calendar: 'monthly', from: '2026-03' });
      await p.schedules.put(monthly);
      await p.schedules.put(paySchedule({ employerId: 'sched-a', calendar: 'weekly', from: '2026-W10' }));
      await p.schedules.put({ ...monthly, leadDays: 3, paused: true });
      expect(await p.schedules.get('sched-b')).toEqual({ ...monthly, leadDays: 3, paused: true });
      expect((await p.schedules.list()).map((s) => [s.employerId, s.calendar])).toEqual([
        ['sched-a', 'weekly'],
        ['sched-b', 'monthly'],
      ]);
      expect(await p.schedules.remove('sched-a')).toBe(true);
      expect(await p.schedules.remove('sched-a')).toBe(false);
      expect(await p.schedules.get('sched-a')).toBeUndefined();
    });

    it('gives a lock one holder, re-entrant for it, taken over only by naming the holder, released only by it', async () => {
      const p = ports();
      const a = await p.locks.acquire('k#1', 'run-a');
      expect(a.holder).toBe('run-a');
      expect(Date.parse(a.acquiredAt)).not.toBeNaN();
      expect((await p.locks.acquire('k#1', 'run-b')).holder).toBe('run-a');
      expect((await p.locks.acquire('k#1', 'run-a')).holder).toBe('run-a');
      expect((await p.locks.acquire('k#1', 'run-b', 'run-x')).holder).toBe('run-a');
      expect((await p.locks.acquire('k#1', 'run-b', 'run-a')).holder).toBe('run-b');
      expect(await p.locks.release('k#1', 'run-a')).toBe(false);
      expect(await p.locks.release('k#1', 'run-b')).toBe(true);
      expect(await p.locks.holder('k#1')).toBeUndefined();
    });

    it('keeps a roster whole: upserts report created and updated, ids come back in order', async () => {
      const p = ports();
      await p.roster.putEmployer({
        employerId: 'roster-c',
        name: 'R',
        fundingRouting: '021000021',
        fundingAccount: '1234',
        achCompanyId: '1234567890',
      });
      expect((await p.roster.getEmployer('roster-c'))?.name).toBe('R');
      expect(await p.roster.upsertEmployees('roster-c', ROSTER.slice(0, 20))).toEqual({
        created: 20,
        updated: 0,
      });
      expect(await p.roster.upsertEmployees('roster-c', ROSTER.slice(15))).toEqual({
        created: 10,
        updated: 5,
      });
      const listed = await p.roster.listEmployees('roster-c');
      expect(listed.map((e) => e.employeeId)).toEqual(ROSTER.map((e) => e.employeeId).sort());
      expect(await p.roster.getEmployee('roster-c', 'K00007')).toEqual(
        ROSTER.find((e) => e.employeeId === 'K00007'),
      );
      expect(await p.roster.getEmployee('roster-c', 'K99999')).toBeUndefined();
    });

    it('adds a run to the year-to-date ledger once per employee and takes it out once', async () => {
      const p = ports();
      const amounts = new Map([
        ['E1', ytdOf({ gross: 100, ssWages: 100 })],
        ['E2', ytdOf({ gross: 50, supplementalWages: 50 })],
      ]);
      expect(await p.ytd.apply('ledger-c', 2026, 'run-1', amounts)).toBe(2);
      expect(await p.ytd.apply('ledger-c', 2026, 'run-1', amounts)).toBe(0);
      expect(await p.ytd.apply('ledger-c', 2026, 'run-2', new Map([['E1', ytdOf({ gross: 7 })]]))).toBe(1);
      expect(await p.ytd.entry('ledger-c', 'E1', 2026)).toEqual({
        employeeId: 'E1',
        taxYear: 2026,
        applied: ytdOf({ gross: 107, ssWages: 100 }),
        runs: ['run-1', 'run-2'],
      });
      expect(await p.ytd.unapply('ledger-c', 2026, 'run-1', amounts)).toBe(2);
      expect(await p.ytd.unapply('ledger-c', 2026, 'run-1', amounts)).toBe(0);
      const year = await p.ytd.entries('ledger-c', 2026);
      expect(year.get('E1')).toMatchObject({ applied: ytdOf({ gross: 7 }), runs: ['run-2'] });
      expect(year.get('E2')).toMatchObject({ applied: ytdOf({}), runs: [] });
      expect((await p.ytd.entries('ledger-c', 2025)).size).toBe(0);
    });

    it('stores a run’s timesheets and payments whole, in pages, a second put replacing the first', async () => {
      const p = ports();
      const sheets = Array.from({ length: 2_100 }, (_, i) => ({
        employeeId: `T${i}`,
        regularHundredths: i,
        overtimeHundredths: 1,
      }));
      await p.timesheets.putTimesheets('pages-1', sheets);
      expect((await p.timesheets.getTimesheets('pages-1')).size).toBe(2_100);
      await p.timesheets.putTimesheets('pages-1', sheets.slice(0, 3));
      expect([...(await p.timesheets.getTimesheets('pages-1')).keys()]).toEqual(['T0', 'T1', 'T2']);
      const payments: OffCyclePayment[] = [
        { employeeId: 'P1', amount: c(100), kind: 'bonus' },
        { employeeId: 'P1', amount: c(5), kind: 'retro' },
        { employeeId: 'P2', amount: c(9), kind: 'commission' },
      ];
      await p.payments.putPayments('pages-1', payments);
      const byEmployee = await p.payments.getPayments('pages-1');
      expect([...byEmployee.keys()].sort()).toEqual(['P1', 'P2']);
      expect(byEmployee.get('P1')).toEqual(payments.slice(0, 2));
    });

    it('lists payslips by employee id and voids them reporting how many changed', async () => {
      const p = ports();
      await p.payslips.putPayslips([payslip('slips-1', 'E2', 500), payslip('slips-1', 'E1', 700)]);
      expect((await p.payslips.listPayslips('slips-1')).map((s) => s.employeeId)).toEqual(['E1', 'E2']);
      expect(await p.payslips.setPayslipStatus('slips-1', PayslipStatus.Void)).toBe(2);
      expect(await p.payslips.setPayslipStatus('slips-1', PayslipStatus.Void)).toBe(0);
      expect(new Set((await p.payslips.listPayslips('slips-1')).map((s) => s.status))).toEqual(
        new Set(['VOID']),
      );
    });

    it('records funding movements and journals once', async () => {
      const p = ports();
      const debit = { runId: 'once-1', employerId: 'e', kind: FundingKind.Debit, amount: c(10), at: 'a' };
      expect(await p.funding.recordMovement(debit)).toBe('written');
      expect(await p.funding.recordMovement({ ...debit, amount: c(99) })).toBe('already-written');
      expect((await p.funding.getMovement('once-1', FundingKind.Debit))?.amount).toBe(10);
      const journal: Journal = { id: 'once-1-payroll', runId: 'once-1', kind: 'payroll', lines: [] };
      expect(await p.ledger.postJournal(journal)).toBe('written');
      expect(await p.ledger.postJournal(journal)).toBe('already-written');
      expect(await p.ledger.listJournals('once-1')).toEqual([journal]);
    });

    it('moves an ACH file only from an allowed status, keeping the patch, else returns it unchanged', async () => {
      const p = ports();
      expect(await p.ach.createAchFile(achFile('ach-c', AchFileKind.Reversal))).toBe('written');
      expect(await p.ach.createAchFile(achFile('ach-c', AchFileKind.Reversal))).toBe('already-written');
      const moved = await p.ach.transitionAchFile(
        'ach-c',
        AchFileKind.Reversal,
        [AchStatus.Pending],
        AchStatus.Transmitted,
        {
          transmittedAt: 't',
          returns: [{ employeeId: 'E1', amount: c(100), code: 'R02' }],
        },
      );
      expect(moved).toMatchObject({
        status: 'TRANSMITTED',
        transmittedAt: 't',
        returns: [{ employeeId: 'E1', code: 'R02' }],
      });
      const refused = await p.ach.transitionAchFile(
        'ach-c',
        AchFileKind.Reversal,
        [AchStatus.Pending],
        AchStatus.Cancelled,
      );
      expect(refused.status).toBe('TRANSMITTED');
      await expect(
        p.ach.transitionAchFile('none', AchFileKind.Credit, [AchStatus.Pending], AchStatus.Cancelled),
      ).rejects.toMatchObject({ code: 'ACH_FILE_MISSING' });
    });

    it('never lets a late delivery undo a retraction', async () => {
      const p = ports();
      await p.deliveries.recordDelivery('deliv-1', 0, 'RETRACTED', 'a');
      await p.deliveries.recordDelivery('deliv-1', 0, 'DELIVERED', 'b');
      await p.deliveries.recordDelivery('deliv-1', 1, 'DELIVERED', 'c');
      expect((await p.deliveries.listDeliveries('deliv-1')).map((d) => [d.chunkIndex, d.status])).toEqual([
        [0, 'RETRACTED'],
        [1, 'DELIVERED'],
      ]);
    });

    it('keeps outbox messages pending until done, and sends a finished one no more', async () => {
      const p = ports();
      const message = {
        messageId: 'obx-1#ach#CREDIT',
        runId: 'obx-1',
        queue: 'bank-gateway' as const,
        body: { kind: 'CREDIT' },
        createdAt: '2026-03-31T10:00:00.000Z',
      };
      await p.outbox.publish(message);
      expect((await p.outbox.pending()).filter((m) => m.runId === 'obx-1').map((m) => m.messageId)).toEqual([
        message.messageId,
      ]);
      await p.outbox.markDone(message.messageId);
      await p.outbox.publish(message);
      expect((await p.outbox.pending()).filter((m) => m.runId === 'obx-1')).toEqual([]);
      await expect(p.outbox.publish({ ...message, messageId: 'no-run-prefix' })).rejects.toMatchObject({
        code: 'OUTBOX_MESSAGE_ID_INVALID',
      });
    });

    it('lists audit records newest first, all or of one run', async () => {
      const p = ports();
      await p.audit.record({ at: '2026-03-31T10:00:01.000Z', actor: 'a', action: 'one', runId: 'aud-1' });
      await p.audit.record({ at: '2026-03-31T10:00:02.000Z', actor: 'a', action: 'two', runId: 'aud-2' });
      await p.audit.record({ at: '2026-03-31T10:00:03.000Z', actor: 'a', action: 'three', runId: 'aud-1' });
      expect((await p.audit.list({ runId: 'aud-1', limit: 10 })).map((r) => r.action)).toEqual([
        'three',
        'one',
      ]);
      expect((await p.audit.list({ limit: 2 })).map((r) => r.action)).toEqual(['three', 'two']);
    });
  });
}

// vitest's hooks, imported here so the contract reads as one block above.
import { afterAll as afterAllHook, beforeAll as beforeAllHook } from 'vitest';
