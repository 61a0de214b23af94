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
import { parsePeriod } from '../src/core/periodParser.js';
import { AchFileKind } from '../src/core/saga/records.js';
import { planRollback } from '../src/core/saga/rollbackPlan.js';
import { RunStatus } from '../src/core/saga/steps.js';
import { setUpBenchEmployer, startBenchHost, startBenchRun, waitForRun } from './support.js';

const [sizeArg] = process.argv.slice(2).map(Number);
const EMPLOYEES = sizeArg !== undefined && sizeArg > 0 ? sizeArg : 10_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const bench = await startBenchHost('rollback');
const { ports, executions } = bench;
try {
  await setUpBenchEmployer(ports, EMPLOYEES);
  const today = new Date().toISOString().slice(0, 10);
  const period = parsePeriod(today.slice(0, 7), { payDate: today });

  const runStarted = performance.now();
  const { runId, executionArn } = await startBenchRun(bench, period);
  const completed = await waitForRun(ports, runId);
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
  await waitForRun(ports, runId, (status) => status !== RunStatus.Completed);
  const rolledBack = await waitForRun(
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
  await bench.close();
}
