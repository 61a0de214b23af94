/**
 * Planned runs as an operator meets them, through the built CLI against the embedded local stack
 * in a temporary data folder: three employers with pay schedules, one paused; `schedule run-due`
 * on their due date starts two runs that complete, and a second trigger starts none; bad input
 * for every schedule flag exits 2 and writes nothing; and the scheduled DLQ redrive moving a
 * poisoned message back while it has been redriven fewer than three times, then parking it.
 *
 * The host is started by the test with a host option that fires the DLQ redrive schedule every
 * 2 seconds instead of every 15 minutes (`--schedule-every` of hostMain, the host's own
 * scheduler), so the redrive under test is the one the schedule invokes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueUrlCommand, SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterGroup } from '../../src/core/deadLetters.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import type { PaydayReport } from '../../src/core/saga/paydayTasks.js';
import { DynamoMessageFailureStore } from '../../src/infra/aws/dynamoMessageFailureStore.js';
import { dataTable } from '../../src/infra/aws/sagaPorts.js';
import { QUEUE_NAMES } from '../../src/infra/aws/tables.js';
import { ensureLocalHost } from '../../src/infra/local/ensureHost.js';
import { createCli, EMPLOYER_BANK_FLAGS } from '../support/cli.js';
import { attachLocal, type LocalAttachment } from '../support/localAttach.js';
import { until } from '../support/until.js';

// December 2026 ends Thu 31: paid that day, due two banking days before, Tue 29.
const DUE = '2026-12-29';
const EMPLOYERS = ['acme', 'globex', 'initech'] as const;
const REDRIVE_SCHEDULE = 'payroll-ops-dlq-redrive';

let home: string;
let work: string;
const cli = createCli({ home: () => home, env: { USER: 'e2e-operator' } });
const attached: LocalAttachment[] = [];

interface ScheduleJson {
  readonly employerId: string;
  readonly calendar: string;
  readonly nextPeriod: string | null;
  readonly nextPayDate: string | null;
  readonly dueOn: string | null;
  readonly paused: boolean;
}

const schedules = async () => (await cli.json<{ schedules: ScheduleJson[] }>(['schedule', 'list'])).schedules;
const auditCount = async () =>
  (await cli.json<{ records: unknown[] }>(['audit', '--limit', '200'])).records.length;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-payday-'));
  work = mkdtempSync(join(tmpdir(), 'payroll-ops-payday-work-'));
  await ensureLocalHost(home, { idleShutdownMs: 0, scheduleEverySeconds: { [REDRIVE_SCHEDULE]: 2 } });
  cli.rememberHost();
  const roster = join(work, 'roster.csv');
  writeFileSync(roster, generateRosterCsv({ count: 5, seed: 9, payFrequency: 'monthly' }));
  for (const employerId of EMPLOYERS) {
    await cli.ok(['employer', 'set', employerId, '--name', `${employerId} Inc`, ...EMPLOYER_BANK_FLAGS]);
    await cli.ok(['employees', 'import', roster, '--employer', employerId]);
  }
});

afterAll(async () => {
  for (const { clients } of attached) clients.destroy();
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('pay schedules and the payday', () => {
  it('sets three schedules, pauses one, and lists each with its next period, pay date and due date', async () => {
    for (const employerId of EMPLOYERS) {
      const set = await cli.ok(['schedule', 'set', employerId, '--calendar', 'monthly', '--from', '2026-12']);
      expect(set.stderr).toContain(`Schedule of ${employerId} created: monthly from 2026-12`);
    }
    await cli.ok(['schedule', 'pause', 'initech']);
    expect(await schedules()).toEqual(
      EMPLOYERS.map((employerId) =>
        expect.objectContaining({
          employerId,
          calendar: 'monthly',
          nextPeriod: '2026-12',
          nextPayDate: '2026-12-31',
          dueOn: DUE,
          paused: employerId === 'initech',
        }),
      ),
    );
    const table = await cli.ok(['schedule', 'list']);
    expect(table.stdout).toMatch(/initech +│ monthly +│ 2026-12 +│ 2026-12-31 +│ 2026-12-29 .*│ yes/);
  });

  it('run-due on the due date starts the two active employers’ runs, which complete (--watch)', async () => {
    const result = await cli.run(['--output', 'json', 'schedule', 'run-due', '--as-of', DUE, '--watch']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as PaydayReport & { runs: { runId: string; status: string }[] };
    expect(report).toEqual({
      asOf: DUE,
      started: ['acme-2026-12-regular', 'globex-2026-12-regular'],
      skipped: [{ employerId: 'initech', reason: 'paused', detail: 'the schedule is paused' }],
      failed: [],
      runs: [
        { runId: 'acme-2026-12-regular', status: 'COMPLETED' },
        { runId: 'globex-2026-12-regular', status: 'COMPLETED' },
      ],
    });
    const run = await cli.json<{ status: string; period: { payDate: string } }>([
      'status',
      'acme-2026-12-regular',
    ]);
    expect(run).toMatchObject({ status: 'COMPLETED', period: { id: '2026-12', payDate: '2026-12-31' } });
    const audit = await cli.json<{ records: { actor: string; action: string; runId?: string }[] }>([
      'audit',
      '--run',
      'acme-2026-12-regular',
    ]);
    expect(audit.records).toEqual([expect.objectContaining({ actor: 'schedule', action: 'run.start' })]);
  });

  it('a second trigger the same day starts none: both periods are started already', async () => {
    const second = await cli.json<PaydayReport>(['schedule', 'run-due', '--as-of', DUE]);
    expect(second.started).toEqual([]);
    expect(second.failed).toEqual([]);
    expect(second.skipped.map((skip) => [skip.employerId, skip.reason])).toEqual([
      ['acme', 'already-started'],
      ['globex', 'already-started'],
      ['initech', 'paused'],
    ]);
    expect(second.skipped[0]?.detail).toContain('acme-2026-12-regular');
    const table = await cli.ok(['schedule', 'run-due', '--as-of', DUE]);
    expect(table.stdout).toMatch(
      /acme +│ skipped │ already started │ 2026-12 was started as acme-2026-12-regular/,
    );
    expect(table.stderr).toContain('started 0 run(s), skipped 3, failed 0');
    const status = await cli.json<{ runs: { runId: string }[] }>(['status']);
    expect(status.runs.map((r) => r.runId).sort()).toEqual([
      'acme-2026-12-regular',
      'globex-2026-12-regular',
    ]);
    // The next period is computed from the runs actually made.
    expect((await schedules()).map((s) => [s.employerId, s.nextPeriod])).toEqual([
      ['acme', '2027-01'],
      ['globex', '2027-01'],
      ['initech', '2026-12'],
    ]);
  });

  it.each([
    [['schedule', 'set', 'acme'], "required option '--calendar <calendar>' not specified"],
    [['schedule', 'set', 'acme', '--calendar', 'daily'], '--calendar daily: not a pay calendar'],
    [['schedule', 'set', 'acme', '--calendar', 'monthly', '--from', 'March'], '--from March'],
    [['schedule', 'set', 'acme', '--calendar', 'monthly', '--from', '2026-W10'], 'is a weekly period'],
    [['schedule', 'set', 'acme', '--calendar', 'weekly', '--lead-days', 'two'], '--lead-days two'],
    [['schedule', 'set', 'acme', '--calendar', 'weekly', '--lead-days', '11'], '--lead-days 11'],
    [
      ['schedule', 'set', 'acme', '--calendar', 'weekly', '--pay-day-rule', 'friday'],
      '--pay-day-rule friday',
    ],
    [['schedule', 'set', 'ghost', '--calendar', 'monthly'], 'payroll-ops employer set ghost'],
    [['schedule', 'set', 'bad id!', '--calendar', 'monthly'], 'Employer id'],
    [['schedule', 'pause', 'nobody'], 'payroll-ops schedule set nobody'],
    [['schedule', 'run-due', '--as-of', '29/12/2026'], '--as-of 29/12/2026: not a date'],
    [['schedule', 'run-due', '--as-of', '2026-02-30'], '--as-of 2026-02-30'],
  ])('refuses %j with one line naming the problem, exit 2, nothing written', async (args, says) => {
    const before = { schedules: await schedules(), audit: await auditCount() };
    const refused = await cli.run(args);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(says);
    expect(refused.stderr.trim().split('\n')[0]).toContain(says);
    expect(refused.stdout).toBe('');
    expect({ schedules: await schedules(), audit: await auditCount() }).toEqual(before);
  });
});

describe('the scheduled DLQ redrive', () => {
  const RUN = 'ghost-2026-12-regular';
  const MESSAGE = `${RUN}#ach#REVERSAL`;
  let local: LocalAttachment;

  const group = async (): Promise<DeadLetterGroup | undefined> =>
    (await cli.json<{ groups: DeadLetterGroup[] }>(['dlq', 'list', 'bank-gateway'])).groups.find(
      (g) => g.runId === RUN,
    );

  /**
   * Waits on the failure record in DynamoDB, not on `dlq list`: listing a DLQ holds its messages
   * for a moment (SQS has no peek), and polling it non-stop would hide them from the redrive.
   */
  const parkedRecord = (redriveCount: number) =>
    until(
      `the message parked after ${redriveCount} redrives`,
      async () => {
        const failures = new DynamoMessageFailureStore(dataTable({ dynamodb: local.clients.dynamodb }));
        const failure = await failures.getFailure(RUN, MESSAGE);
        return failure?.parkedAt && failure.redriveCount === redriveCount ? failure : undefined;
      },
      120_000,
      500,
    );

  it('moves a poisoned message back while it has been redriven fewer than 3 times, then parks it', async () => {
    local = attachLocal(home);
    attached.push(local);
    const { QueueUrl } = await local.clients.sqs.send(
      new GetQueueUrlCommand({ QueueName: QUEUE_NAMES['bank-gateway'] }),
    );
    // Redelivery after 1 s instead of 120 s, so three failed receives take seconds.
    await local.clients.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '1' } }),
    );
    // A reversal for a run that never was: the bank gateway fails it on every delivery.
    await local.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({ messageId: MESSAGE, runId: RUN, kind: 'REVERSAL' }),
      }),
    );
    // Three trips back to the queue, each counted on the message; the fourth arrival is parked.
    const failure = await parkedRecord(3);
    expect(failure).toMatchObject({ code: 'ACH_FILE_MISSING', redriveCount: 3 });
    const parked = await until('the parked message listed', group, 30_000, 1_000);
    expect(parked.letters).toEqual([
      { messageId: MESSAGE, redriveCount: 3, parked: true, parkedAt: failure.parkedAt },
    ]);
    expect(parked.firstError).toMatch(/^ACH_FILE_MISSING: /);

    // Left alone from then on: several more redrive periods, still parked, its record unchanged.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect((await group())?.letters).toEqual(parked.letters);
    const table = await cli.ok(['dlq', 'list']);
    expect(table.stdout).toMatch(new RegExp(`${RUN} +│ +1 │ ACH_FILE_MISSING.*│ +3 │ yes`));
  }, 180_000);

  it('is still moved by an operator’s dlq redrive, which counts it', async () => {
    const moved = await cli.json<{ moved: { runId: string; letters: unknown[] }[] }>([
      'dlq',
      'redrive',
      'bank-gateway',
      '--run',
      RUN,
      '--reason',
      'try once more',
    ]);
    expect(moved.moved).toEqual([
      expect.objectContaining({
        runId: RUN,
        letters: [{ messageId: MESSAGE, redriveCount: 4, wasParked: true }],
      }),
    ]);
    // It fails again and comes back: parked at once, never moved by the schedule again.
    await parkedRecord(4);
    expect((await group())?.letters).toEqual([expect.objectContaining({ redriveCount: 4, parked: true })]);
  }, 180_000);
});
