/**
 * Money integrity through the built CLI on the embedded stack, as an operator (or a clumsy one)
 * would hit it: runs of one employer started together, ten identical off-cycle starts at once,
 * rolling back an older run after a newer one, opening balances of another year, a reversal the
 * bank refuses and then accepts, a reversal partly returned, a roster with a monster row, a
 * tampered year-to-date balance, and ids over the key limit on the HTTP API.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import type { AwsClients } from '../../src/infra/aws/clients.js';
import { keys } from '../../src/infra/aws/keys.js';
import type { AwsSagaPorts } from '../../src/infra/aws/sagaPorts.js';
import { DATA_TABLE_NAME } from '../../src/infra/aws/tables.js';
import { readHostRecord } from '../../src/infra/local/hostRecord.js';
import { cents, createCli, EMPLOYER_BANK_FLAGS } from '../support/cli.js';
import { attachLocal } from '../support/localAttach.js';

const today = new Date().toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
const thisMonth = today.slice(0, 7);
const lastMonth = (() => {
  const date = new Date(`${thisMonth}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - 1);
  return date.toISOString().slice(0, 7);
})();

let home: string;
let clients: AwsClients | undefined;
let ports: AwsSagaPorts;
const cli = createCli({ home: () => home, env: { USER: 'e2e-money' } });

interface YtdJson {
  readonly gross: string;
  readonly socialSecurityWages: string;
  readonly socialSecurity: string;
  readonly runs: readonly string[];
}
interface EmployeeShow {
  readonly employeeId: string;
  readonly bank: { readonly account: string };
  readonly ytd: Readonly<Record<string, YtdJson>>;
}

/** A roster file of `count` monthly employees, with `extra` cells appended to the header and rows. */
function rosterFile(
  name: string,
  count: number,
  seed: number,
  extra?: { header: string; cell: string },
): string {
  const csv = generateRosterCsv({
    count,
    payFrequency: 'monthly',
    seed,
    idPrefix: name.slice(0, 1).toUpperCase(),
  });
  const lines = csv.trimEnd().split('\n');
  const text = extra
    ? lines.map((line, i) => `${line},${i === 0 ? extra.header : extra.cell}`).join('\n')
    : lines.join('\n');
  const path = join(home, `${name}.csv`);
  writeFileSync(path, `${text}\n`);
  return path;
}

async function employer(id: string, count: number, seed: number): Promise<void> {
  await cli.ok(['employer', 'set', id, '--name', `${id} Co`, ...EMPLOYER_BANK_FLAGS]);
  await cli.ok(['employees', 'import', rosterFile(id, count, seed), '--employer', id]);
}

/** Sum of one employee's payslip gross over runs, in cents. */
async function grossOf(employeeId: string, runIds: readonly string[]): Promise<number> {
  let total = 0;
  for (const runId of runIds) {
    const payslip = (await ports.payslips.listPayslips(runId)).find((p) => p.employeeId === employeeId);
    total += payslip?.amounts.gross ?? 0;
  }
  return total;
}

/** The roster's opening gross for this year (the generated rosters carry some). */
async function openingGross(employerId: string, employeeId: string): Promise<number> {
  const employee = await ports.roster.getEmployee(employerId, employeeId);
  return employee?.openingTaxYear === year ? employee.openingYtd.gross : 0;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'payroll-ops-money-'));
  await cli.ok(['local', 'start', '--detach']);
  ({ clients, ports } = attachLocal(home));
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await cli.stopHosts();
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('runs of one employer are serialised and year-to-date is a ledger', () => {
  it('refuses a second period started at the same moment (exit 1 naming the open run); both paid once after', async () => {
    await employer('serial', 4, 41);
    const [a, b] = await Promise.all([
      cli.run(['run', '--period', lastMonth, '--pay-date', today, '--employer', 'serial']),
      cli.run(['run', '--period', thisMonth, '--pay-date', today, '--employer', 'serial']),
    ]);
    const refused = [a, b].filter((r) => r.code !== 0);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.code).toBe(1);
    expect(refused[0]!.stderr).toMatch(
      /^error: Employer serial has run serial-\d{4}-\d\d-regular open \((PENDING|RUNNING|starting)\); runs of one employer are serialised/m,
    );
    const startedRun = [a, b].find((r) => r.code === 0)!.stdout.trim();
    await cli.ok(['watch', startedRun]);
    const other = startedRun.includes(lastMonth) ? thisMonth : lastMonth;
    await cli.ok(['run', '--period', other, '--pay-date', today, '--employer', 'serial', '--watch']);

    const runs = [`serial-${lastMonth}-regular`, `serial-${thisMonth}-regular`];
    const shown = await cli.json<EmployeeShow>(['employees', 'show', 'S00001', '--employer', 'serial']);
    expect(shown.bank.account).toMatch(/^•+\d{4}$/);
    expect([...shown.ytd[String(year)]!.runs].sort()).toEqual(runs.sort());
    expect(cents(shown.ytd[String(year)]!.gross)).toBe(
      (await openingGross('serial', 'S00001')) + (await grossOf('S00001', runs)),
    );
  });

  it('rolls back the older run after the newer one completed: YTD keeps the newer one exactly', async () => {
    const older = `serial-${lastMonth}-regular`;
    const newer = `serial-${thisMonth}-regular`;
    await cli.ok(['rollback', older, '--reason', 'wrong salaries', '--yes']);
    for (const id of ['S00001', 'S00002', 'S00003', 'S00004']) {
      const shown = await cli.json<EmployeeShow>(['employees', 'show', id, '--employer', 'serial']);
      expect(shown.ytd[String(year)]!.runs).toEqual([newer]);
      expect(cents(shown.ytd[String(year)]!.gross)).toBe(
        (await openingGross('serial', id)) + (await grossOf(id, [newer])),
      );
    }
    expect((await cli.run(['verify', newer])).code).toBe(0);
    expect((await cli.run(['verify', older])).code).toBe(0);
  });

  it('runs ten off-cycle starts fired at once one at a time: never two open, each counted once in YTD', async () => {
    await employer('tenx', 3, 43);
    function tenxPayments(): string {
      const path = join(home, 'tenx-payments.csv');
      writeFileSync(path, 'employee_id,amount,kind\nT00001,2500.00,retro\nT00003,100.00,correction\n');
      return path;
    }
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        cli.run([
          'run',
          '--period',
          thisMonth,
          '--pay-date',
          today,
          '--employer',
          'tenx',
          '--off-cycle',
          '--reason',
          'retro pay',
          '--payments',
          tenxPayments(),
        ]),
      ),
    );
    const started = results.filter((r) => r.code === 0).map((r) => r.stdout.trim());
    expect(started.length).toBeGreaterThanOrEqual(1);
    for (const refused of results.filter((r) => r.code !== 0)) {
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/Employer tenx has run tenx-.* open|was started by another request/);
    }
    for (const runId of started) await cli.ok(['watch', runId]);
    // A start came only after the previous run had ended (a late process may follow a finished one).
    const runs = (await ports.runs.listRuns({ employerId: 'tenx', limit: 100 })).slice().reverse();
    expect(runs.map((run) => run.runId).sort()).toEqual([...started].sort());
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAt >= runs[i - 1]!.endedAt!).toBe(true);
    const shown = await cli.json<EmployeeShow>(['employees', 'show', 'T00001', '--employer', 'tenx']);
    expect([...shown.ytd[String(year)]!.runs].sort()).toEqual([...started].sort());
    expect(cents(shown.ytd[String(year)]!.gross)).toBe(
      (await openingGross('tenx', 'T00001')) + (await grossOf('T00001', started)),
    );
  });

  it('counts opening balances only in their tax year', async () => {
    await cli.ok(['employer', 'set', 'opening', '--name', 'Opening Co', ...EMPLOYER_BANK_FLAGS]);
    const path = join(home, 'opening.csv');
    writeFileSync(
      path,
      'employee_id,name,pay_type,pay_frequency,filing_status,annual_salary,bank_routing,bank_account,bank_account_type,ytd_tax_year,ytd_gross,ytd_ss_wages\n' +
        `O00001,Olga Owens,salary,monthly,single,240000,021000021,12345678,checking,${year - 1},180000,180000\n`,
    );
    await cli.ok(['employees', 'import', path, '--employer', 'opening']);
    await cli.ok(['run', '--period', thisMonth, '--pay-date', today, '--employer', 'opening', '--watch']);
    const shown = await cli.json<EmployeeShow>(['employees', 'show', 'O00001', '--employer', 'opening']);
    expect(shown.ytd[String(year - 1)]).toMatchObject({
      gross: '180000.00',
      socialSecurityWages: '180000.00',
      runs: [],
    });
    // Last year's 180,000 of Social Security wages do not cap this year's: 6.2% of all 20,000.
    const payslip = (await ports.payslips.listPayslips(`opening-${thisMonth}-regular`))[0]!;
    expect(payslip.amounts.wages.ssWages).toBe(2_000_000);
    expect(payslip.amounts.socialSecurity).toBe(124_000);
    expect(shown.ytd[String(year)]).toMatchObject({ gross: '20000.00', socialSecurity: '1240.00' });
  });

  it('fails verify naming ytd when a year-to-date balance is tampered with', async () => {
    const key = keys.ytd('serial', year, 'S00002');
    await clients!.dynamodb.send(
      new UpdateItemCommand({
        TableName: DATA_TABLE_NAME,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        UpdateExpression: 'ADD gross :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    const result = await cli.run(['verify', `serial-${thisMonth}-regular`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed 1 of \d+ checks: ytd\./);
    expect(result.stdout).toMatch(/S00002: gross [\d.]+ held, [\d.]+ expected/);
  });
});

describe('rollbacks that cannot reverse the money change nothing older', () => {
  it('halts at a reversal the bank refuses (no refund, payslips stand), then resumes once it accepts', async () => {
    await employer('refuse', 3, 45);
    const runId = `refuse-${thisMonth}-regular`;
    await cli.ok(['run', '--period', thisMonth, '--pay-date', today, '--employer', 'refuse', '--watch']);
    await cli.ok(['local', 'faults', 'set', 'bank=reject']);
    const halted = await cli.run(['--output', 'json', 'rollback', runId, '--reason', 'duplicate', '--yes']);
    await cli.ok(['local', 'faults', 'clear']);
    expect(halted.code).toBe(1);
    const { outcome } = JSON.parse(halted.stdout) as {
      outcome: { status: string; run: { compensations: { step: string; status: string }[] } };
    };
    expect(outcome.status).toBe('COMPENSATION_FAILED');
    expect(outcome.run.compensations.map((c) => [c.step, c.status])).toEqual([
      ['PublishPayslips', 'COMPENSATED'],
      ['Disburse', 'FAILED'],
      ['PostLedger', 'NOT_RUN'],
      ['FundPayroll', 'NOT_RUN'],
      ['CalculatePay', 'NOT_RUN'],
      ['OpenRun', 'NOT_RUN'],
    ]);
    expect(await ports.funding.getMovement(runId, 'REFUND')).toBeUndefined();
    expect(new Set((await ports.payslips.listPayslips(runId)).map((p) => p.status))).toEqual(
      new Set(['ISSUED']),
    );
    expect((await cli.run(['verify', runId])).code).toBe(0);

    await cli.ok(['rollback', runId, '--reason', 'duplicate, bank fixed', '--yes']);
    expect((await ports.runs.getRun(runId))?.status).toBe('ROLLED_BACK');
    expect(await ports.funding.getMovement(runId, 'REFUND')).toBeDefined();
    expect((await ports.ach.getAchFile(runId, 'REVERSAL'))?.attempt).toBe(2);
    expect((await cli.run(['verify', runId])).code).toBe(0);
  });

  it('records a partial reversal per employee, halts, and refuses a second rollback naming who must repay', async () => {
    await employer('partial', 3, 46);
    const runId = `partial-${thisMonth}-regular`;
    await cli.ok(['run', '--period', thisMonth, '--pay-date', today, '--employer', 'partial', '--watch']);
    await cli.ok(['local', 'faults', 'set', 'bank=return']);
    const first = await cli.run(['rollback', runId, '--reason', 'duplicate', '--yes']);
    await cli.ok(['local', 'faults', 'clear']);
    expect(first.code).toBe(1);
    const returned = (await ports.ach.getAchFile(runId, 'REVERSAL'))?.returns ?? [];
    expect(returned.map((r) => [r.employeeId, r.code])).toEqual([['P00001', 'R01']]);
    expect(first.stdout).toMatch(/P00001 .*MANUAL \(returned R01\)/);
    expect(await ports.funding.getMovement(runId, 'REFUND')).toBeUndefined();
    expect((await cli.run(['verify', runId])).code).toBe(0);

    const second = await cli.run(['rollback', runId, '--reason', 'again', '--yes']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      /^error: Run partial-.* cannot be rolled back: its ACH reversal was sent and the receiving banks returned 1 entry \(P00001 R01\).*Nothing was changed/m,
    );
  });
});

describe('the HTTP API under the same rules', () => {
  it('answers 409 naming the open run while another run of the employer is open, and starts nothing', async () => {
    await employer('apibusy', 2, 49);
    await cli.ok(['local', 'faults', 'set', 'bank=timeout']);
    const runId = (
      await cli.ok(['run', '--period', thisMonth, '--pay-date', today, '--employer', 'apibusy'])
    ).stdout.trim();
    try {
      const api = readHostRecord(home)!.endpoints.api;
      const token = readFileSync(join(home, 'api-token'), 'utf8').trim();
      const response = await fetch(`${api}/runs`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': 'busy-1',
        },
        body: JSON.stringify({
          employerId: 'apibusy',
          period: thisMonth,
          reason: 'bonus',
          requestedBy: 'hr',
          payments: [{ employeeId: 'A00001', amount: '100.00', kind: 'bonus' }],
        }),
      });
      expect(response.status).toBe(409);
      expect(((await response.json()) as { message: string }).message).toMatch(
        new RegExp(`has run ${runId} open`),
      );
      expect((await ports.runs.listRuns({ employerId: 'apibusy', limit: 10 })).map((r) => r.runId)).toEqual([
        runId,
      ]);
    } finally {
      await cli.ok(['local', 'faults', 'clear']);
      await cli.ok(['rollback', runId, '--reason', 'test cleanup', '--yes']);
    }
  });
});

describe('a retried command', () => {
  it('starts one run when retried with the same --idempotency-key; the key with other payments exits 1', async () => {
    await employer('retry', 2, 51);
    const payments = join(home, 'retry-payments.csv');
    writeFileSync(payments, 'employee_id,amount,kind\nR00001,300.00,bonus\n');
    const args = [
      'run',
      '--period',
      thisMonth,
      '--pay-date',
      today,
      '--employer',
      'retry',
      '--off-cycle',
      '--reason',
      'retention bonus',
    ];
    const first = await cli.ok([...args, '--payments', payments, '--idempotency-key', 'retry-key-1']);
    const again = await cli.ok([...args, '--payments', payments, '--idempotency-key', 'retry-key-1']);
    expect(again.stdout.trim()).toBe(first.stdout.trim());
    expect((await ports.runs.listRuns({ employerId: 'retry', limit: 10 })).map((r) => r.runId)).toEqual([
      first.stdout.trim(),
    ]);
    writeFileSync(payments, 'employee_id,amount,kind\nR00001,900.00,bonus\n');
    const other = await cli.run([...args, '--payments', payments, '--idempotency-key', 'retry-key-1']);
    expect(other.code).toBe(1);
    expect(other.stderr.trim()).toBe(
      'error: Idempotency key retry-key-1 was used for another request; send a new key for a new request.',
    );
    await cli.ok(['watch', first.stdout.trim()]);
  });
});

describe('bad input writes nothing', () => {
  it('refuses a roster whose row 201 holds a 500 KB name (exit 2 naming the row); the old roster stays whole', async () => {
    await employer('atomic', 5, 47);
    const lines = generateRosterCsv({ count: 250, payFrequency: 'monthly', seed: 48, idPrefix: 'A' })
      .trimEnd()
      .split('\n');
    const cells = lines[201]!.split(',');
    cells[1] = 'N'.repeat(500_000);
    lines[201] = cells.join(',');
    const path = join(home, 'monster.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const result = await cli.run(['employees', 'import', path, '--employer', 'atomic']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: ${path} row 202, column name: 500000 characters for A00201; shorten the name to 200.`,
    ]);
    const listed = await cli.json<{ employees: unknown[] }>(['employees', 'list', '--employer', 'atomic']);
    expect(listed.employees).toHaveLength(5);
  });

  it('refuses a re-import that would move opening balances runs were paid on (exit 2); the same file again is fine', async () => {
    await cli.ok(['employer', 'set', 'reopen', '--name', 'Reopen Co', ...EMPLOYER_BANK_FLAGS]);
    const header =
      'employee_id,name,pay_type,pay_frequency,filing_status,annual_salary,bank_routing,bank_account,bank_account_type,ytd_gross,ytd_ss_wages';
    const row = 'R00001,Rita Reyes,salary,monthly,single,120000,021000021,12345678,checking';
    const original = join(home, 'reopen.csv');
    writeFileSync(original, `${header}\n${row},30000,30000\n`);
    await cli.ok(['employees', 'import', original, '--employer', 'reopen']);
    await cli.ok(['run', '--period', thisMonth, '--pay-date', today, '--employer', 'reopen', '--watch']);
    const runId = `reopen-${thisMonth}-regular`;
    const before = await cli.json<EmployeeShow>(['employees', 'show', 'R00001', '--employer', 'reopen']);
    expect(cents(before.ytd[String(year)]!.gross)).toBe(3_000_000 + (await grossOf('R00001', [runId])));

    // Next January's clumsy re-import (the balances now say another year), and one with the columns blank.
    const moved = join(home, 'reopen-moved.csv');
    writeFileSync(moved, `${header},ytd_tax_year\n${row},30000,30000,${year - 1}\n`);
    const blank = join(home, 'reopen-blank.csv');
    writeFileSync(blank, `${header}\n${row},,\n`);
    for (const file of [moved, blank]) {
      const refused = await cli.run(['employees', 'import', file, '--employer', 'reopen']);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim().split('\n')).toEqual([
        `error: ${file}: R00001's ${year} opening balances would change, but 1 run(s) of ${year} (${runId}…) were paid on them; keep ytd_tax_year ${year} and the ytd_ amounts stored now on its row (payroll-ops employees show R00001 --employer reopen), or leave the employee out of the file.`,
      ]);
    }
    const after = await cli.json<EmployeeShow>(['employees', 'show', 'R00001', '--employer', 'reopen']);
    expect(after.ytd).toEqual(before.ytd);
    // The table says the same: the year's gross (opening + the run) and the run applied.
    const table = (await cli.ok(['employees', 'show', 'R00001', '--employer', 'reopen'])).stdout;
    const gross = Number(after.ytd[String(year)]!.gross).toLocaleString('en-US', {
      minimumFractionDigits: 2,
    });
    expect(table).toMatch(new RegExp(`│ Gross\\s+│\\s+${gross.replace('.', '\\.')} │`));
    expect(table).toContain(`Runs applied\n  ${year}: ${runId}\n`);
    await cli.ok(['employees', 'import', original, '--employer', 'reopen']);
    expect((await cli.run(['verify', runId])).code).toBe(0);
  });

  it('answers 400 (not 422 with AWS text) for ids over the key limit on the HTTP API, and starts nothing', async () => {
    const api = readHostRecord(home)!.endpoints.api;
    const token = readFileSync(join(home, 'api-token'), 'utf8').trim();
    const headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': 'limits-1',
    };
    const before = (await ports.runs.listRuns({ limit: 1000 })).length;
    const post = await fetch(`${api}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        employerId: 'e'.repeat(5_000),
        period: thisMonth,
        reason: 'x',
        payments: [{ employeeId: 'E1', amount: '1.00', kind: 'bonus' }],
      }),
    });
    expect(post.status).toBe(400);
    expect(((await post.json()) as { message: string }).message).toMatch(/is not an employer id/);
    const get = await fetch(`${api}/runs/${'r'.repeat(3_000)}`, { headers });
    expect(get.status).toBe(400);
    // A reason that would not fit Step Functions' 256 KiB input: refused before any record or lock.
    const huge = await fetch(`${api}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        employerId: 'serial',
        period: thisMonth,
        reason: 'x'.repeat(300 * 1024),
        payments: [{ employeeId: 'S00001', amount: '10.00', kind: 'bonus' }],
      }),
    });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { message: string }).message).toMatch(/keep it to 1000/);
    expect((await ports.runs.listRuns({ limit: 1000 })).length).toBe(before);
    const bonusFile = join(home, 'serial-bonus.csv');
    writeFileSync(bonusFile, 'employee_id,amount,kind\nS00001,10.00,bonus\n');
    const cliHuge = await cli.run([
      'run',
      '--period',
      thisMonth,
      '--employer',
      'serial',
      '--off-cycle',
      '--reason',
      'x'.repeat(5_000),
      '--payments',
      bonusFile,
    ]);
    expect(cliHuge.code).toBe(2);
    expect(cliHuge.stderr.trim()).toBe(
      'error: --reason has 5000 characters; keep it to 1000 (it is recorded on the run and in the audit trail).',
    );
    expect((await ports.runs.listRuns({ limit: 1000 })).length).toBe(before);
    expect((await ports.locks.holder('serial#open-run')) ?? '').not.toMatch(/offcycle/);
  });
});
