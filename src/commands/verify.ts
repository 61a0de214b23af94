/**
 * `payroll-ops verify RUN`: recomputes a run and compares — payslips against the pay engine with
 * the pinned tax tables, totals, journals, the ACH files as transmitted, funding, and after a
 * rollback every compensation's counterpart (the verify action, src/actions/verify.ts). Reads
 * only. Exit 0 when every check passes, 1 naming the failed checks, 2 for an unknown run.
 */
import type { Command } from 'commander';
import { verificationFailed, verifyRunReport } from '../actions/verify.js';
import { withBackend } from './backend.js';
import { contextFor } from './context.js';
import { PLAIN } from './io/runRender.js';
import { renderVerifyReport } from './io/verifyRender.js';

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
