/**
 * What the pay-run benchmarks share: the payroll app hosted in this process (as `payroll-ops
 * local start` would) in a temporary data folder, an employer with a generated monthly roster,
 * starting a run and waiting for its status. bench/ is built with the CLI, so it imports nothing from test/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PayPeriod } from '../src/core/period.js';
import type { ExecutionPort } from '../src/core/ports.js';
import { generateRosterCsv } from '../src/core/rosterGenerator.js';
import { parseRoster } from '../src/core/rosterParser.js';
import { type RunRecord, RunType } from '../src/core/saga/records.js';
import { type StartedRun, startRun } from '../src/core/saga/startRun.js';
import { isTerminal, type RunStatus } from '../src/core/saga/steps.js';
import { type AwsClients, clientsFor, LOCAL_ACCOUNT_ID } from '../src/infra/aws/clients.js';
import { type AwsSagaPorts, createSagaPorts } from '../src/infra/aws/sagaPorts.js';
import { createExecutionPort, stateMachineArn } from '../src/infra/aws/sfnExecutions.js';
import { STATE_MACHINE_NAMES } from '../src/infra/aws/tables.js';
import { startHost } from '../src/infra/local/host.js';
import { payrollApp } from '../src/infra/local/payrollApp.js';

export const BENCH_EMPLOYER = 'bench';

export interface BenchHost {
  readonly clients: AwsClients;
  readonly ports: AwsSagaPorts;
  readonly executions: ExecutionPort;
  /** Stops the host and removes its data folder. */
  close(): Promise<void>;
}

/** `name` tells the data folders of different benchmarks apart in the temporary folder. */
export async function startBenchHost(name: string): Promise<BenchHost> {
  const home = mkdtempSync(join(tmpdir(), `payroll-ops-bench-${name}-`));
  const host = await startHost({ home, app: payrollApp({ home }), log: () => {} });
  const clients = clientsFor({ kind: 'local', endpoints: host.endpoints, credentials: host.credentials });
  return {
    clients,
    ports: createSagaPorts({ dynamodb: clients.dynamodb, sqs: clients.sqs }),
    executions: createExecutionPort(clients.sfn, (machine) =>
      stateMachineArn(clients.region, LOCAL_ACCOUNT_ID, STATE_MACHINE_NAMES[machine]),
    ),
    async close() {
      clients.destroy();
      await host.stop('bench finished');
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The bench employer with `employees` generated monthly employees (seed 3, the same every run). */
export async function setUpBenchEmployer(ports: AwsSagaPorts, employees: number): Promise<void> {
  const roster = parseRoster(
    generateRosterCsv({ count: employees, payFrequency: 'monthly', seed: 3 }),
    'generated',
  );
  await ports.roster.putEmployer({
    employerId: BENCH_EMPLOYER,
    name: 'Bench Corp',
    fundingRouting: '021000021',
    fundingAccount: '000123456789',
    achCompanyId: '1123456789',
  });
  await ports.roster.upsertEmployees(BENCH_EMPLOYER, roster);
}

/** A regular run of the bench employer for `period`, started as `payroll-ops run` starts it. */
export function startBenchRun(bench: BenchHost, period: PayPeriod): Promise<StartedRun> {
  return startRun(
    { ...bench.ports, executions: bench.executions },
    { employerId: BENCH_EMPLOYER, period, runType: RunType.Regular, requestedBy: 'bench' },
  );
}

/** Polls the run record every 50 ms until `done(status)`; the record then. */
export async function waitForRun(
  ports: AwsSagaPorts,
  runId: string,
  done: (status: RunStatus) => boolean = isTerminal,
): Promise<RunRecord> {
  for (;;) {
    const run = await ports.runs.getRun(runId);
    if (run && done(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
