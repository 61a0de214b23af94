/**
 * `verify`: recompute a run from what it froze and compare with what it stored and sent. Forward
 * checks apply to every run; after a rollback, the counterpart of every effect must be present.
 */
import { describeError } from '../errors.js';
import { type TaxTables, taxTablesFor } from '../payroll/taxTables.js';
import { RunStatus } from '../saga/steps.js';
import { checkAchControl, checkAchEntries, checkAchReversal } from './achChecks.js';
import {
  checkJournalsBalanced,
  checkLedgerZero,
  checkPayrollJournal,
  checkReversingJournals,
} from './journalChecks.js';
import { checkPayslipStatus, checkPayslips, checkTaxTables, type TablesLookup } from './payslipChecks.js';
import { checkCompensationOrder } from './rollbackChecks.js';
import { checkFunding, checkFundingRefund, checkRunTotals } from './totalsChecks.js';
import { rollbackBegan, type VerifyCheck, type VerifyData, type VerifyReport } from './verifyCheck.js';
import { checkYtd } from './ytdChecks.js';

export interface VerifyOptions {
  /** The pay engine's tables for a tax year; the engine's own by default (tests pass other versions). */
  readonly tablesFor?: (taxYear: number) => TaxTables;
}

function lookupTables(taxYear: number, tablesFor: (taxYear: number) => TaxTables): TablesLookup {
  try {
    return { kind: 'found', tables: tablesFor(taxYear) };
  } catch (error) {
    return { kind: 'missing', reason: describeError(error) };
  }
}

export function verifyRun(data: VerifyData, options: VerifyOptions = {}): VerifyReport {
  const tables = lookupTables(data.run.period.taxYear, options.tablesFor ?? taxTablesFor);
  const checks: VerifyCheck[] = [
    checkTaxTables(data, tables),
    checkPayslips(data, tables),
    checkPayslipStatus(data),
    checkRunTotals(data),
    checkJournalsBalanced(data),
    checkPayrollJournal(data),
    checkAchControl(data),
    checkAchEntries(data),
    checkFunding(data),
    checkYtd(data),
  ];
  if (rollbackBegan(data)) {
    checks.push(
      checkCompensationOrder(data),
      checkReversingJournals(data),
      checkFundingRefund(data),
      checkAchReversal(data),
    );
  }
  // Only a rollback that undid everything leaves every account at zero.
  if (data.run.status === RunStatus.RolledBack) checks.push(checkLedgerZero(data));
  return {
    runId: data.run.runId,
    status: data.run.status,
    checks,
    ok: checks.every((check) => check.ok),
  };
}

export function failedChecks(report: VerifyReport): readonly string[] {
  return report.checks.filter((check) => !check.ok).map((check) => check.name);
}
