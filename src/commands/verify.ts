/**
 * `payroll-ops verify RUN`: recomputes a run and compares — payslips against the pay engine with
 * the pinned tax tables, totals, journals, the ACH files as transmitted, funding, and after a
 * rollback every compensation's counterpart. Reads only. Exit 0 when every check passes, 1
 * naming the failed checks, 2 for an unknown run.
 */
import type { ChalkInstance } from 'chalk';
import type { Command } from 'commander';
import { OperationFailedError } from '../core/errors.js';
import type { VerifyReport } from '../core/verify/verifyCheck.js';
import { failedChecks, verifyRun } from '../core/verify/verifyRun.js';
import { gatherVerifyData, type VerifySources } from '../infra/aws/verifyData.js';
import { withBackend } from './backend.js';
import { contextFor } from './context.js';
import { runNotFound } from './follow.js';
import { PLAIN } from './io/runRender.js';
import { renderTable } from './io/tables.js';

/** Gathers the run's records and files and runs every check; an unknown run is bad input (exit 2). */
export async function verifyRunReport(sources: VerifySources, runId: string): Promise<VerifyReport> {
  const data = await gatherVerifyData(sources, runId);
  if (!data) throw runNotFound(runId);
  return verifyRun(data);
}

/** The error the command ends with when a check fails: exit 1, naming the checks. */
export function verificationFailed(report: VerifyReport): OperationFailedError {
  const failed = failedChecks(report);
  return new OperationFailedError(
    'VERIFY_FAILED',
    `Run ${report.runId} failed ${failed.length} of ${report.checks.length} checks: ${failed.join(', ')}.`,
    { details: { runId: report.runId, failed } },
  );
}

const DETAIL_WIDTH = 72;

/** Long details wrap inside their cell so the table stays within a terminal's width. */
function wrap(text: string, width = DETAIL_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

export function renderVerifyReport(report: VerifyReport, paint: ChalkInstance = PLAIN): string {
  const rows = report.checks.map((check) => [
    check.name,
    check.ok ? paint.green('PASS') : paint.red('FAIL'),
    wrap(check.detail),
  ]);
  const passed = report.checks.filter((check) => check.ok).length;
  const heading = `Run ${report.runId} (${report.status}): ${passed} of ${report.checks.length} checks passed`;
  return `${heading}\n${renderTable(['Check', 'Result', 'Detail'], rows)}`;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      'recompute a run and compare: payslips, totals, journals, ACH files, funding, rollback counterparts',
    )
    .argument('<run>', 'run id, e.g. acme-2026-03-regular')
    .addHelpText(
      'after',
      `
Exit status: 0 every check passed, 1 a check failed (named on stderr), 2 unknown run.

Examples:
  $ payroll-ops verify acme-2026-03-regular
  $ payroll-ops --output json verify acme-2026-03-regular`,
    )
    .action(async (runId: string, _raw: unknown, command: Command) => {
      const ctx = contextFor(command);
      const { io } = ctx;
      const report = await withBackend(ctx, (backend) =>
        // ACH files are read where the bank gateway wrote them: the data folder, or the target's bucket.
        verifyRunReport(
          { ports: backend.ports, readArtifact: (location) => backend.readArtifact(location) },
          runId,
        ),
      );
      if (io.json) io.dataJson(report);
      else io.data(renderVerifyReport(report, io.stdoutIsTty ? io.style : PLAIN));
      if (!report.ok) throw verificationFailed(report);
      io.success(`Run ${runId} verified: all ${report.checks.length} checks passed.`);
    });
}
