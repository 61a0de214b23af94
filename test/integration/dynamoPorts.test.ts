/**
 * The DynamoDB and SQS adapters against the embedded stack's emulators (dynalite, fauxqs), started
 * in-process on free ports: once-only writes, the period lock, ACH transitions, bulk payslips, the
 * outbox and run listing behave as the saga relies on.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abaCheckDigit } from '../../src/core/aba.js';
import { InfrastructureError, TransientError } from '../../src/core/errors.js';
import { disbursementJournal } from '../../src/core/ledger.js';
import type { Cents } from '../../src/core/money.js';
import type { PayslipAmounts } from '../../src/core/payroll/payslip.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import type { Employee } from '../../src/core/roster.js';
import {
  AchFileKind,
  AchStatus,
  FundingKind,
  type PayslipRecord,
  PayslipStatus,
  type RunRecord,
  RunType,
} from '../../src/core/saga/records.js';
import { CompensationStatus, RunStatus, StepName, StepStatus } from '../../src/core/saga/steps.js';
import { ZERO_YTD } from '../../src/core/ytd.js';
import { LOCAL_REGION } from '../../src/infra/aws/clients.js';
import { DataTable } from '../../src/infra/aws/dataTable.js';
import { DynamoRosterStore } from '../../src/infra/aws/dynamoRosterStore.js';
import { type AwsSagaPorts, createSagaPorts } from '../../src/infra/aws/sagaPorts.js';
import { DATA_TABLE_NAME, QUEUE_NAMES } from '../../src/infra/aws/tables.js';
import { type DynamoPorts, startDynamoPorts } from '../support/dynamoPorts.js';

let dynamodb: DynamoDBClient;
let sqs: SQSClient;
let ports: AwsSagaPorts;
const now = '2026-03-31T15:00:00.000Z';

const zero = 0 as Cents;

let subject: DynamoPorts;

beforeAll(async () => {
  subject = await startDynamoPorts({ now: () => now });
  ({ ports, dynamodb, sqs } = subject);
});

afterAll(async () => {
  await subject?.close();
});

function run(runId: string, startedAt: string, employerId = 'acme'): RunRecord {
  return {
    runId,
    employerId,
    period: parsePeriod('2026-03'),
    runType: RunType.Regular,
    status: RunStatus.Pending,
    requestedBy: 'integration-test',
    startedAt,
    steps: {},
    compensations: [],
    artifacts: {},
  };
}

function amounts(net: number): PayslipAmounts {
  const c = (n: number) => n as Cents;
  return {
    gross: c(net + 1_000),
    preTax401k: zero,
    preTaxSection125: zero,
    federalIncomeTax: c(500),
    socialSecurity: c(300),
    medicare: c(200),
    additionalMedicare: zero,
    net: c(net),
    employer: { socialSecurity: c(300), medicare: c(200), futa: c(6) },
    wages: { ssWages: c(net + 1_000), medicareWages: c(net + 1_000), futaWages: c(net + 1_000) },
  };
}

function employee(n: number): Employee {
  const id = `E${String(n).padStart(5, '0')}`;
  const firstEight = String(11_000_000 + (n % 1000)).padStart(8, '0');
  return {
    employeeId: id,
    name: `Employee ${n}`,
    payType: 'salary',
    payFrequency: 'monthly',
    filingStatus: 'single',
    bank: {
      routing: `${firstEight}${abaCheckDigit(firstEight)}`,
      account: `77${n}`,
      accountType: 'checking',
    },
    annualSalary: (48_000_00 + n * 100) as Cents,
    w4: { step2: false, dependents: zero, otherIncome: zero, deductions: zero, extraWithholding: zero },
    pretax401kBasisPoints: 0,
    pretaxSection125: zero,
    openingYtd: ZERO_YTD,
    openingTaxYear: 2026,
  };
}

describe('once-only writes', () => {
  it('records a funding movement once: the second write reports already-written and keeps the first amount', async () => {
    const debit = {
      runId: 'once-1',
      employerId: 'acme',
      kind: FundingKind.Debit,
      amount: 123_45 as Cents,
      at: now,
    };

    expect(await ports.funding.recordMovement(debit)).toBe('written');
    expect(await ports.funding.recordMovement({ ...debit, amount: 999_99 as Cents })).toBe('already-written');

    expect(await ports.funding.getMovement('once-1', FundingKind.Debit)).toEqual(debit);
    expect(await ports.funding.getMovement('once-1', FundingKind.Refund)).toBeUndefined();
  });

  it('posts a journal once', async () => {
    const journal = disbursementJournal('once-2', 5_000_00);

    expect(await ports.ledger.postJournal(journal)).toBe('written');
    expect(await ports.ledger.postJournal(journal)).toBe('already-written');

    expect(await ports.ledger.listJournals('once-2')).toEqual([journal]);
  });
});

describe('the period lock', () => {
  it('has one holder; a second run learns who holds it, and only the holder can release it', async () => {
    expect(await ports.locks.acquire('acme#2026-03#regular', 'run-a')).toMatchObject({ holder: 'run-a' });
    expect(await ports.locks.acquire('acme#2026-03#regular', 'run-b')).toMatchObject({ holder: 'run-a' });
    expect(await ports.locks.acquire('acme#2026-03#regular', 'run-a')).toMatchObject({ holder: 'run-a' });

    expect(await ports.locks.release('acme#2026-03#regular', 'run-b')).toBe(false);
    expect(await ports.locks.holder('acme#2026-03#regular')).toBe('run-a');

    expect(await ports.locks.release('acme#2026-03#regular', 'run-a')).toBe(true);
    expect(await ports.locks.holder('acme#2026-03#regular')).toBeUndefined();
    expect(await ports.locks.acquire('acme#2026-03#regular', 'run-b')).toMatchObject({ holder: 'run-b' });

    // A closed holder is taken over only by naming it: a stale guess changes nothing.
    expect(await ports.locks.acquire('acme#2026-03#regular', 'run-c', 'run-a')).toMatchObject({
      holder: 'run-b',
    });
    const taken = await ports.locks.acquire('acme#2026-03#regular', 'run-c', 'run-b');
    expect(taken.holder).toBe('run-c');
    expect(Date.parse(taken.acquiredAt)).not.toBeNaN();
  });
});

describe('ACH files', () => {
  it('moves only from an allowed status; from a wrong one it returns the record unchanged', async () => {
    const file = {
      runId: 'ach-1',
      kind: AchFileKind.Credit,
      status: AchStatus.Pending,
      effectiveDate: '2026-03-31',
      entryCount: 3,
      totalAmount: 9_000_00 as Cents,
      createdAt: now,
    };
    expect(await ports.ach.createAchFile(file)).toBe('written');
    expect(await ports.ach.createAchFile({ ...file, totalAmount: 1 as Cents })).toBe('already-written');

    const refused = await ports.ach.transitionAchFile(
      'ach-1',
      AchFileKind.Credit,
      [AchStatus.Transmitted],
      AchStatus.Rejected,
      {
        rejectionReason: 'R01',
      },
    );
    expect(refused).toEqual(file);

    const sent = await ports.ach.transitionAchFile(
      'ach-1',
      AchFileKind.Credit,
      [AchStatus.Pending],
      AchStatus.Transmitted,
      {
        transmittedAt: '2026-03-31T16:00:00.000Z',
        artifact: 'ach-1-credit.ach',
      },
    );
    expect(sent).toEqual({
      ...file,
      status: AchStatus.Transmitted,
      transmittedAt: '2026-03-31T16:00:00.000Z',
      artifact: 'ach-1-credit.ach',
    });

    // The compensation's cancel loses to the transmission and sees the transmitted file.
    const late = await ports.ach.transitionAchFile(
      'ach-1',
      AchFileKind.Credit,
      [AchStatus.Pending],
      AchStatus.Cancelled,
    );
    expect(late.status).toBe(AchStatus.Transmitted);
    expect(await ports.ach.getAchFile('ach-1', AchFileKind.Credit)).toEqual(sent);
  });
});

describe('payslips in bulk', () => {
  it('writes 1,000 payslips and lists them back exactly; voiding reports how many changed', async () => {
    const payslips: PayslipRecord[] = Array.from({ length: 1_000 }, (_, i) => ({
      runId: 'bulk-1',
      employeeId: `E${String(i).padStart(5, '0')}`,
      name: `Employee ${i}`,
      chunkIndex: Math.floor(i / 250),
      payDate: '2026-03-31',
      amounts: amounts(2_000_00 + i),
      ytdBefore: ZERO_YTD,
      bank: { routing: '011000015', account: `12${i}`, accountType: 'checking' },
      status: PayslipStatus.Issued,
    }));

    await ports.payslips.putPayslips(payslips);
    const listed = await ports.payslips.listPayslips('bulk-1');

    expect(listed).toEqual(payslips);
    expect(await ports.payslips.setPayslipStatus('bulk-1', PayslipStatus.Void)).toBe(1_000);
    expect(await ports.payslips.setPayslipStatus('bulk-1', PayslipStatus.Void)).toBe(0);
    const voided = await ports.payslips.listPayslips('bulk-1');
    expect(voided.filter((p) => p.status === PayslipStatus.Void)).toHaveLength(1_000);
    expect(voided.map((p) => p.amounts)).toEqual(payslips.map((p) => p.amounts));
  });
});

describe('the outbox', () => {
  it('records the message, sends a pointer to the queue, and forgets it once done', async () => {
    const message = {
      messageId: 'outbox-1#ach#CREDIT',
      runId: 'outbox-1',
      queue: 'bank-gateway' as const,
      body: { runId: 'outbox-1', kind: 'CREDIT' },
      createdAt: now,
    };
    await ports.outbox.publish(message);

    expect(await ports.outbox.pending()).toEqual([{ ...message, status: 'PENDING' }]);
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE_NAMES['bank-gateway'] })))
      .QueueUrl!;
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(received.Messages?.map((m) => JSON.parse(m.Body!))).toEqual([
      { messageId: 'outbox-1#ach#CREDIT', runId: 'outbox-1', kind: 'CREDIT' },
    ]);

    await ports.outbox.markDone(message.messageId);
    expect(await ports.outbox.pending()).toEqual([]);

    // Publishing a finished message again (a redriven step) sends nothing.
    await ports.outbox.publish(message);
    expect(await ports.outbox.pending()).toEqual([]);
    const again = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    expect(again.Messages ?? []).toEqual([]);
  });

  it('refuses a message id that does not start with its run id', async () => {
    await expect(
      ports.outbox.publish({
        messageId: 'other#x',
        runId: 'outbox-2',
        queue: 'payslip-delivery',
        body: {},
        createdAt: now,
      }),
    ).rejects.toMatchObject({ code: 'OUTBOX_MESSAGE_ID_INVALID' });
  });
});

describe('runs', () => {
  it('lists runs newest first, optionally for one employer', async () => {
    await ports.runs.createRun(run('list-b', '2026-02-01T00:00:00.000Z', 'globex'));
    await ports.runs.createRun(run('list-c', '2026-03-01T00:00:00.000Z'));
    await ports.runs.createRun(run('list-a', '2026-01-01T00:00:00.000Z'));

    const newest = await ports.runs.listRuns({ limit: 50 });
    const listed = newest.map((r) => r.runId).filter((id) => id.startsWith('list-'));
    expect(listed).toEqual(['list-c', 'list-b', 'list-a']);
    expect((await ports.runs.listRuns({ employerId: 'globex', limit: 5 })).map((r) => r.runId)).toEqual([
      'list-b',
    ]);
    expect(await ports.runs.listRuns({ limit: 1 })).toHaveLength(1);
  });

  it('creates a run once and records steps, compensations and patches in place', async () => {
    const record = run('steps-1', '2026-03-31T15:00:00.000Z');
    expect(await ports.runs.createRun(record)).toBe('written');
    expect(await ports.runs.createRun({ ...record, requestedBy: 'someone else' })).toBe('already-written');

    await ports.runs.recordStep('steps-1', StepName.OpenRun, { status: StepStatus.Running, startedAt: now });
    await ports.runs.recordStep('steps-1', StepName.OpenRun, {
      status: StepStatus.Succeeded,
      startedAt: now,
      endedAt: now,
    });
    await ports.runs.recordStep('steps-1', StepName.CalculatePay, {
      status: StepStatus.Running,
      startedAt: now,
    });
    await ports.runs.recordCompensation('steps-1', {
      step: StepName.OpenRun,
      status: CompensationStatus.Failed,
      at: now,
    });
    await ports.runs.recordCompensation('steps-1', {
      step: StepName.OpenRun,
      status: CompensationStatus.Compensated,
      at: now,
    });
    await ports.runs.updateRun('steps-1', { status: RunStatus.RolledBack, endedAt: now, employees: 3 });

    expect(await ports.runs.getRun('steps-1')).toEqual({
      ...record,
      status: RunStatus.RolledBack,
      endedAt: now,
      employees: 3,
      steps: {
        OpenRun: { status: StepStatus.Succeeded, startedAt: now, endedAt: now },
        CalculatePay: { status: StepStatus.Running, startedAt: now },
      },
      compensations: [
        { step: StepName.OpenRun, status: CompensationStatus.Failed, at: now },
        { step: StepName.OpenRun, status: CompensationStatus.Compensated, at: now },
      ],
    });
    await expect(ports.runs.updateRun('no-such-run', { status: RunStatus.Running })).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
  });
});

describe('roster, timesheets, chunks and deliveries', () => {
  it('upserts employees reporting created and updated, and reads them back one by one', async () => {
    const first = Array.from({ length: 60 }, (_, i) => employee(i));
    expect(await ports.roster.upsertEmployees('roster-co', first)).toEqual({ created: 60, updated: 0 });
    const second = [
      ...first.slice(50).map((e) => ({ ...e, name: `${e.name} Jr.` })),
      employee(60),
      employee(61),
    ];
    expect(await ports.roster.upsertEmployees('roster-co', second)).toEqual({ created: 2, updated: 10 });

    const listed = await ports.roster.listEmployees('roster-co');
    expect(listed).toHaveLength(62);
    expect(listed.find((e) => e.employeeId === 'E00055')?.name).toBe('Employee 55 Jr.');

    expect(await ports.roster.getEmployee('roster-co', 'E00061')).toEqual(employee(61));
    expect(await ports.roster.getEmployee('roster-co', 'E99999')).toBeUndefined();
  });

  it('keeps the old roster whole when an import dies half-way, and the next import clears what it left', async () => {
    const old = Array.from({ length: 30 }, (_, i) => employee(i));
    await ports.roster.upsertEmployees('atomic-co', old);
    // An import whose writes fail after the first batch (a throttled table, a killed process).
    class FailingTable extends DataTable {
      private batches = 0;
      override async writeAll(requests: Parameters<DataTable['writeAll']>[0]): Promise<void> {
        if (this.batches++ > 0) throw new InfrastructureError('DYNAMODB_FAILED', 'DynamoDB went away.');
        await super.writeAll(requests.slice(0, 25));
        throw new InfrastructureError('DYNAMODB_FAILED', 'DynamoDB went away mid-import.');
      }
    }
    const failing = new DynamoRosterStore(
      new FailingTable(DynamoDBDocumentClient.from(dynamodb), DATA_TABLE_NAME),
    );
    const renamed = Array.from({ length: 40 }, (_, i) => ({ ...employee(i), name: `Renamed ${i}` }));
    await expect(failing.upsertEmployees('atomic-co', renamed)).rejects.toThrow(/mid-import/);

    const after = await ports.roster.listEmployees('atomic-co');
    expect(after).toHaveLength(30);
    expect(after.every((e) => e.name.startsWith('Employee '))).toBe(true);

    // The next import succeeds, and the half-written version is gone from the table.
    await ports.roster.upsertEmployees('atomic-co', renamed);
    const items = await ports.roster.listEmployees('atomic-co');
    expect(items).toHaveLength(40);
    expect(items.every((e) => e.name.startsWith('Renamed '))).toBe(true);
    const raw = await new DataTable(DynamoDBDocumentClient.from(dynamodb), DATA_TABLE_NAME).query({
      pk: 'EMPLOYER#atomic-co',
      skPrefix: 'EMPLOYEE#',
    });
    expect(raw).toHaveLength(40);
  });

  it('replaces a run’s timesheets, stores chunk snapshots whole, and never lets a late delivery undo a retraction', async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => ({
      employeeId: `E${String(i).padStart(5, '0')}`,
      regularHundredths: 16_000 + i,
      overtimeHundredths: 0,
    }));
    await ports.timesheets.putTimesheets('sheets-1', many);
    expect((await ports.timesheets.getTimesheets('sheets-1')).size).toBe(2_500);
    await ports.timesheets.putTimesheets('sheets-1', many.slice(0, 10));
    const replaced = await ports.timesheets.getTimesheets('sheets-1');
    expect([...replaced.values()]).toEqual(many.slice(0, 10));

    const employees = Array.from({ length: 250 }, (_, i) => ({ employee: employee(i), ytdBefore: ZERO_YTD }));
    await ports.chunks.putChunks([{ runId: 'sheets-1', chunkIndex: 0, employees }]);
    expect(await ports.chunks.getChunk('sheets-1', 0)).toEqual({
      runId: 'sheets-1',
      chunkIndex: 0,
      employees,
    });
    expect(await ports.chunks.getChunk('sheets-1', 1)).toBeUndefined();

    await ports.deliveries.recordDelivery('sheets-1', 0, 'RETRACTED', now);
    await ports.deliveries.recordDelivery('sheets-1', 0, 'DELIVERED', now);
    await ports.deliveries.recordDelivery('sheets-1', 1, 'DELIVERED', now);
    expect(await ports.deliveries.listDeliveries('sheets-1')).toEqual([
      { chunkIndex: 0, status: 'RETRACTED', at: now },
      { chunkIndex: 1, status: 'DELIVERED', at: now },
    ]);
  });
});

describe('audit records', () => {
  it('lists operator actions newest first, overall and per run', async () => {
    await ports.audit.record({
      at: '2026-04-01T10:00:00.000Z',
      actor: 'ops',
      action: 'rollback',
      runId: 'audited-1',
      reason: 'wrong roster',
    });
    await ports.audit.record({
      at: '2026-04-02T10:00:00.000Z',
      actor: 'ops',
      action: 'idempotency-expire',
      details: { key: 'k' },
    });

    const all = await ports.audit.list({ limit: 10 });
    expect(all.map((r) => r.action)).toEqual(['idempotency-expire', 'rollback']);
    const forRun = await ports.audit.list({ runId: 'audited-1', limit: 10 });
    expect(forRun).toEqual([
      expect.objectContaining({ actor: 'ops', action: 'rollback', reason: 'wrong roster' }),
    ]);
  });
});

describe('SDK errors at the boundary', () => {
  it('turns an unreachable endpoint into a retryable TransientError', async () => {
    const unreachable = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    const broken = createSagaPorts({ dynamodb: unreachable, sqs, queueUrl: async () => '' });
    try {
      const failure = await broken.runs.getRun('any').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TransientError);
      expect(failure).toMatchObject({ retryable: true });
    } finally {
      unreachable.destroy();
    }
  });

  it('turns a missing table into a non-retryable InfrastructureError', async () => {
    const elsewhere = createSagaPorts({
      dynamodb,
      sqs,
      tableName: 'no-such-table',
      queueUrl: async () => '',
    });
    const failure = await elsewhere.runs.getRun('any').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InfrastructureError);
    expect(failure).not.toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ code: 'AWS_REQUEST_FAILED', retryable: false });
  });
});
