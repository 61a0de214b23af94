/**
 * `npm run build && npm run bench:payday [-- EMPLOYERS EMPLOYEES_EACH]`
 *
 * A payday over many employers against one run of as many employees, in one process on the
 * embedded local stack (the real payday machine, its distributed Map as the local Step Functions
 * runs it, the start action, every pay run's saga): 20 employers × 500 employees started by the
 * payday machine, and one 10,000-employee run started directly. Each is timed from its start to
 * its last run COMPLETED. Aim (issue 11): payday / single run ≤ 1.5 — fanning out over employers
 * costs little beyond the pay runs themselves.
 */

import { paySchedule } from '../src/core/paySchedule.js';
import { parsePeriod } from '../src/core/periodParser.js';
import { ExecutionStatus } from '../src/core/ports.js';
import { generateRosterCsv } from '../src/core/rosterGenerator.js';
import { parseRoster } from '../src/core/rosterParser.js';
import { StateMachineName } from '../src/core/saga/functions.js';
import type { PaydayReport } from '../src/core/saga/paydayTasks.js';
import { RunStatus } from '../src/core/saga/steps.js';
import { LOCAL_ACCOUNT_ID } from '../src/infra/aws/clients.js';
import { stateMachineArn } from '../src/infra/aws/sfnExecutions.js';
import { createPaydayExecutions } from '../src/infra/aws/sfnPayday.js';
import { STATE_MACHINE_NAMES } from '../src/infra/aws/tables.js';
import { type BenchHost, setUpBenchEmployer, startBenchHost, startBenchRun, waitForRun } from './support.js';

const [employersArg, eachArg] = process.argv.slice(2).map(Number);
const EMPLOYERS = employersArg && employersArg > 0 ? employersArg : 20;
const EACH = eachArg && eachArg > 0 ? eachArg : 500;
const SINGLE = EMPLOYERS * EACH;
// March 2026 ends Tue 31: paid that day, due Fri 27.
const PERIOD = '2026-03';
const PAYDAY = '2026-03-27';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function setUpPaydayEmployers(bench: BenchHost): Promise<void> {
  for (let i = 0; i < EMPLOYERS; i++) {
    const employerId = `payday-${String(i + 1).padStart(2, '0')}`;
    await bench.ports.roster.putEmployer({
      employerId,
      name: `Payday Co ${i + 1}`,
      fundingRouting: '021000021',
      fundingAccount: '000123456789',
      achCompanyId: '1123456789',
    });
    const roster = generateRosterCsv({ count: EACH, payFrequency: 'monthly', seed: 100 + i });
    await bench.ports.roster.upsertEmployees(employerId, parseRoster(roster, 'generated'));
    await bench.ports.schedules.put(paySchedule({ employerId, calendar: 'monthly', from: PERIOD }));
  }
}

/** Starts the payday machine as the schedule does; its report, and how long the machine ran. */
async function triggerPayday(bench: BenchHost): Promise<{ report: PaydayReport; machineMs: number }> {
  const arn = stateMachineArn(
    bench.clients.region,
    LOCAL_ACCOUNT_ID,
    STATE_MACHINE_NAMES[StateMachineName.Payday],
  );
  const payday = createPaydayExecutions(bench.clients.sfn, arn);
  const started = performance.now();
  const { executionArn } = await payday.start(`bench-${Date.now()}`, { asOf: `${PAYDAY}T06:00:00Z` });
  for (;;) {
    const execution = await payday.describe(executionArn);
    if (execution.status === ExecutionStatus.Succeeded && execution.output) {
      return { report: JSON.parse(execution.output) as PaydayReport, machineMs: performance.now() - started };
    }
    if (execution.status !== ExecutionStatus.Running) throw new Error(`payday ended ${execution.status}`);
    await sleep(50);
  }
}

async function main() {
  const bench = await startBenchHost('payday');
  try {
    await setUpBenchEmployer(bench.ports, SINGLE);
    await setUpPaydayEmployers(bench);

    // One run of every employee at once.
    const singleStart = performance.now();
    const { runId } = await startBenchRun(bench, parsePeriod(PERIOD));
    const single = await waitForRun(bench.ports, runId);
    const singleMs = performance.now() - singleStart;
    if (single.status !== RunStatus.Completed) throw new Error(`single run ended ${single.status}`);

    // The same number of employees over EMPLOYERS employers, started by the payday machine.
    const paydayStart = performance.now();
    const { report, machineMs } = await triggerPayday(bench);
    if (report.started.length !== EMPLOYERS || report.failed.length > 0) {
      throw new Error(
        `payday started ${report.started.length} of ${EMPLOYERS}: ${JSON.stringify(report.failed)}`,
      );
    }
    const runs = await Promise.all(report.started.map((id) => waitForRun(bench.ports, id)));
    const paydayMs = performance.now() - paydayStart;
    const notCompleted = runs.filter((run) => run.status !== RunStatus.Completed);
    if (notCompleted.length > 0) throw new Error(`${notCompleted.length} payday runs did not complete`);
    const employees = runs.reduce((sum, run) => sum + (run.employees ?? 0), 0);
    // Each payday run on its own (record start to end): how much the runs wait on one another.
    const durations = runs
      .map((run) => Date.parse(run.endedAt ?? run.startedAt) - Date.parse(run.startedAt))
      .sort((a, b) => a - b);
    const lastStart = Math.max(...runs.map((run) => Date.parse(run.startedAt)));
    const firstStart = Math.min(...runs.map((run) => Date.parse(run.startedAt)));

    console.log(
      `single run: ${SINGLE} employees in ${seconds(singleMs)} (${Math.round(SINGLE / (singleMs / 1000))} employees/s)`,
    );
    console.log(
      `payday: ${EMPLOYERS} employers × ${EACH} employees (${employees} in all) in ${seconds(paydayMs)} ` +
        `(${Math.round(employees / (paydayMs / 1000))} employees/s); the payday machine itself (plan, ${EMPLOYERS} starts, report) ${seconds(machineMs)}`,
    );
    console.log(
      `payday runs: each ${seconds(durations[0] ?? 0)} (fastest) / ${seconds(durations[Math.floor(durations.length / 2)] ?? 0)} (median) / ` +
        `${seconds(durations.at(-1) ?? 0)} (slowest); all ${EMPLOYERS} started within ${seconds(lastStart - firstStart)}`,
    );
    console.log(`ratio payday / single run: ${(paydayMs / singleMs).toFixed(2)} (aim ≤ 1.5)`);
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    await bench.close();
  }
}

await main();
