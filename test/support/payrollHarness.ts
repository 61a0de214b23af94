/**
 * An embedded local host running the real payroll app in this process, with real SDK clients and
 * adapters, for integration tests of the saga. Each harness owns a temporary data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { balancesByAccount } from '../../src/core/ledger.js';
import type { PayPeriod } from '../../src/core/period.js';
import { parsePeriod } from '../../src/core/periodParser.js';
import type { ExecutionPort } from '../../src/core/ports.js';
import type { Employee } from '../../src/core/roster.js';
import { generateRosterCsv } from '../../src/core/rosterGenerator.js';
import { parseRoster } from '../../src/core/rosterParser.js';
import { AchFileKind, FundingKind, type RunRecord, RunType } from '../../src/core/saga/records.js';
import { startRun } from '../../src/core/saga/startRun.js';
import { isTerminal } from '../../src/core/saga/steps.js';
import type { AwsClients } from '../../src/infra/aws/clients.js';
import type { AwsSagaPorts } from '../../src/infra/aws/sagaPorts.js';
import { clearFaults, type FaultPlan, writeFaults } from '../../src/infra/local/faults.js';
import { type RunningHost, startHost } from '../../src/infra/local/host.js';
import { payrollApp } from '../../src/infra/local/payrollApp.js';
import { attachEndpoints } from './localAttach.js';

export interface PayrollHarness {
  readonly home: string;
  readonly host: RunningHost;
  readonly clients: AwsClients;
  readonly ports: AwsSagaPorts;
  readonly executions: ExecutionPort;
  setupEmployer(employerId: string, employees: readonly Employee[]): Promise<void>;
  startRun(employerId: string, period?: PayPeriod): Promise<string>;
  waitForRun(runId: string, timeoutMs?: number): Promise<RunRecord>;
  setFaults(plan: FaultPlan): void;
  clearFaults(): void;
  books(runId: string): Promise<RunBooks>;
  close(): Promise<void>;
}

export interface RunBooks {
  /** Every ledger account's balance over the run's journals (debits positive). */
  readonly accountBalances: ReadonlyMap<string, number>;
  readonly fundingDebit: number | undefined;
  readonly fundingRefund: number | undefined;
  readonly creditFile: string | undefined;
  readonly reversalFile: string | undefined;
  readonly payslipStatuses: ReadonlySet<string>;
  readonly payslipNetTotal: number;
  readonly payslipCount: number;
}

export function testRoster(count: number, seed = 11): Employee[] {
  return parseRoster(generateRosterCsv({ count, payFrequency: 'monthly', seed, idPrefix: 'T' }), 'generated');
}

/**
 * The current month paid today, so an ACH file is still inside its five-banking-day reversal
 * window when a test rolls it back (the saga uses the real clock, as in production).
 */
export function reversiblePeriod(now = new Date()): PayPeriod {
  const today = now.toISOString().slice(0, 10);
  return parsePeriod(today.slice(0, 7), { payDate: today });
}

export async function startPayrollHarness(
  options: { readonly scheduleEverySeconds?: Readonly<Record<string, number>> } = {},
): Promise<PayrollHarness> {
  const home = mkdtempSync(join(tmpdir(), 'payroll-ops-saga-'));
  const host = await startHost({ home, app: payrollApp({ home }), log: () => {}, ...options });
  const { clients, ports, executions } = attachEndpoints(host.endpoints, host.credentials);
  const executionRunning = async (executionArn: string | undefined): Promise<boolean> => {
    if (!executionArn) return false;
    const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING';
  };
  return {
    home,
    host,
    clients,
    ports,
    executions,
    async setupEmployer(employerId, employees) {
      await ports.roster.putEmployer({
        employerId,
        name: 'Test Employer',
        fundingRouting: '021000021',
        fundingAccount: '000123456789',
        achCompanyId: '1123456789',
      });
      await ports.roster.upsertEmployees(employerId, employees);
    },
    async startRun(employerId, period = reversiblePeriod()) {
      const started = await startRun(
        { ...ports, executions },
        { employerId, period, runType: RunType.Regular, requestedBy: 'test' },
      );
      return started.runId;
    },
    async waitForRun(runId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await ports.runs.getRun(runId);
        // Final once the status is terminal and the execution has ended too: a step that fails
        // after CloseRun recorded COMPLETED still rolls the run back.
        if (run && isTerminal(run.status) && !(await executionRunning(run.executionArn))) {
          return (await ports.runs.getRun(runId)) as RunRecord;
        }
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    setFaults: (plan) => writeFaults(home, plan),
    clearFaults: () => clearFaults(home),
    async books(runId) {
      const [journals, debit, refund, credit, reversal, payslips] = await Promise.all([
        ports.ledger.listJournals(runId),
        ports.funding.getMovement(runId, FundingKind.Debit),
        ports.funding.getMovement(runId, FundingKind.Refund),
        ports.ach.getAchFile(runId, AchFileKind.Credit),
        ports.ach.getAchFile(runId, AchFileKind.Reversal),
        ports.payslips.listPayslips(runId),
      ]);
      return {
        accountBalances: balancesByAccount(journals),
        fundingDebit: debit?.amount,
        fundingRefund: refund?.amount,
        creditFile: credit?.status,
        reversalFile: reversal?.status,
        payslipStatuses: new Set(payslips.map((p) => p.status)),
        payslipNetTotal: payslips.reduce((sum, p) => sum + p.amounts.net, 0),
        payslipCount: payslips.length,
      };
    },
    async close() {
      clients.destroy();
      await host.stop('test finished');
      rmSync(home, { recursive: true, force: true });
    },
  };
}
