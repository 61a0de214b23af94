/**
 * Verifying a run, as `verify` does: its records and transmitted ACH files are gathered through
 * the ports and the artifact reader, and every check of src/core/verify runs on them. Reads only.
 */
import { OperationFailedError } from '../core/errors.js';
import type { VerifyReport } from '../core/verify/verifyCheck.js';
import { failedChecks, verifyRun } from '../core/verify/verifyRun.js';
import { runNotFound } from './followRun.js';
import { gatherVerifyData, type VerifySources } from './verifyData.js';

/** Gathers the run's records and files and runs every check; an unknown run is bad input (exit 2). */
export async function verifyRunReport(sources: VerifySources, runId: string): Promise<VerifyReport> {
  const data = await gatherVerifyData(sources, runId);
  if (!data) throw runNotFound(runId);
  return verifyRun(data);
}

/** The error a failed verification ends with: exit 1, naming the checks. */
export function verificationFailed(report: VerifyReport): OperationFailedError {
  const failed = failedChecks(report);
  return new OperationFailedError(
    'VERIFY_FAILED',
    `Run ${report.runId} failed ${failed.length} of ${report.checks.length} checks: ${failed.join(', ')}.`,
    { details: { runId: report.runId, failed } },
  );
}
