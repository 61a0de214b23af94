/**
 * `npm run build && npm run bench:rollback [-- 10000]`
 *
 * Rollback of a whole pay run on the embedded local stack, in this process as `payroll-ops local
 * start` would host it: a 10k-employee monthly run paid today (so its ACH credits are still
 * reversible) runs to COMPLETED, then the rollback state machine — the saga's own compensations
 * — reverses it to ROLLED_BACK: REVERSAL file of 10k debits through the bank gateway, reversing
 * journals, refund, 10k payslips voided, year-to-date balances restored. Prints the run's time,
 * the plan's time (reading the run, its payslips and executions), the rollback's time from
 * StartExecution to ROLLED_BACK, and the ratio rollback / run (issue 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { parsePeriod } from '../src/core/periodParser.js';
import { generateRosterCsv } from '../src/core/rosterGenerator.js';
import { parseRoster } from '../src/core/rosterParser.js';
import { AchFileKind, RunType } from '../src/core/saga/records.js';
import { planRollback } from '../src/core/saga/rollbackPlan.js';
import { startRun } from '../src/core/saga/startRun.js';
import { isTerminal, RunStatus } from '../src/core/saga/steps.js';
import { clientsFor, LOCAL_ACCOUNT_ID } from '../src/infra/aws/clients.js';
import { type AwsSagaPorts, createSagaPorts } from '../src/infra/aws/sagaPorts.js';
import { createExecutionPort, stateMachineArn } from '../src/infra/aws/sfnExecutions.js';
import { startHost } from '../src/infra/local/host.js';
import { payrollApp } from '../src/infra/local/payrollApp.js';

const [sizeArg] = process.argv.slice(2).map(Number);
const EMPLOYEES = sizeArg !== undefined && sizeArg > 0 ? sizeArg : 10_000;

async function until(ports: AwsSagaPorts, runId: string, done: (status: RunStatus) => boolean) {
  for (;;) {
    const run = await ports.runs.getRun(runId);
    if (run && done(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const home = mkdtempSync(join(tmpdir(), 'payroll-ops-bench-rollback-'));
const host = await startHost({ home, app: payrollApp({ home }), log: () => {} });
const clients = clientsFor({ kind: 'local', endpoints: host.endpoints });
try {
  const queueUrl = async (name: string) =>
    (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
  const ports = createSagaPorts({ dynamodb: clients.dynamodb, sqs: clients.sqs, queueUrl });
  const executions = createExecutionPort(clients.sfn, (n) =>
    stateMachineArn(clients.region, LOCAL_ACCOUNT_ID, n),
  );
  await ports.roster.putEmployer({
    employerId: 'bench',
    name: 'Bench Corp',
    fundingRouting: '021000021',
    fundingAccount: '000123456789',
    achCompanyId: '1123456789',
  });
  await ports.roster.upsertEmployees(
    'bench',
    parseRoster(generateRosterCsv({ count: EMPLOYEES, payFrequency: 'monthly', seed: 3 }), 'generated'),
  );
  const today = new Date().toISOString().slice(0, 10);
  const period = parsePeriod(today.slice(0, 7), { payDate: today });

  const runStarted = performance.now();
  const { runId, executionArn } = await startRun(
    { ...ports, executions },
    { employerId: 'bench', period, runType: RunType.Regular, requestedBy: 'bench' },
  );
  const completed = await until(ports, runId, isTerminal);
  const runMs = performance.now() - runStarted;
  if (completed.status !== RunStatus.Completed) throw new Error(`bench run ended ${completed.status}`);

  const planStarted = performance.now();
  const [payslips, credit, payRunExecution] = await Promise.all([
    ports.payslips.listPayslips(runId),
    ports.ach.getAchFile(runId, AchFileKind.Credit),
    executions.describe(executionArn),
  ]);
  const plan = planRollback({
    run: completed,
    payslips,
    achFiles: credit ? { credit } : {},
    today,
    ...(payRunExecution ? { payRunExecution } : {}),
    previousRollbacks: [],
  });
  const planMs = performance.now() - planStarted;

  const rollbackStarted = performance.now();
  const rollbackStartedAt = Date.now();
  await executions.startRollback(plan.executionName as string, {
    runId,
    fromStep: plan.fromStep,
    reason: 'bench',
  });
  // The run is COMPLETED until BeginRollback: wait for ROLLING_BACK first, then for the end.
  await until(ports, runId, (status) => status !== RunStatus.Completed);
  const rolledBack = await until(
    ports,
    runId,
    (status) => status === RunStatus.RolledBack || status === RunStatus.CompensationFailed,
  );
  const rollbackMs = performance.now() - rollbackStarted;
  if (rolledBack.status !== RunStatus.RolledBack) {
    const failed = rolledBack.compensations.filter((c) => c.status === 'FAILED');
    throw new Error(`bench rollback ended ${rolledBack.status}: ${JSON.stringify(failed)}`);
  }
  const reversal = await ports.ach.getAchFile(runId, AchFileKind.Reversal);
  // When each compensation was recorded, from StartExecution: where the rollback spends its time.
  const breakdown = rolledBack.compensations
    .map((c) => `${c.step} +${seconds(Date.parse(c.at) - rollbackStartedAt)}`)
    .join(', ');
  console.log(
    `${EMPLOYEES} employees: run ${seconds(runMs)}; rollback plan ${seconds(planMs)} ` +
      `(${plan.steps.length} compensations, ACH reversal of ${plan.amounts.achReversal.entries} entries); ` +
      `rollback ${seconds(rollbackMs)} to ${rolledBack.status} (reversal file ${reversal?.status}, ${reversal?.entryCount} entries); ` +
      `ratio rollback/run ${(rollbackMs / runMs).toFixed(2)}, (plan+rollback)/run ${((planMs + rollbackMs) / runMs).toFixed(2)}; ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
  console.log(`compensations recorded at: ${breakdown}`);
} finally {
  clients.destroy();
  await host.stop('bench finished');
  rmSync(home, { recursive: true, force: true });
}
