/**
 * Year-to-date balances against their definition: for every employee of the run, the ledger
 * holds the opening balance of the tax year plus exactly the payslips of the employer's runs of
 * that year that stand (closed, not voided) — no more, no fewer, each once.
 */
import { formatCents } from '../money.js';
import type { YtdBalances } from '../roster.js';
import { addYtd, sameYtd, YTD_FIELDS, ZERO_YTD } from '../ytd.js';
import { CheckName, pass, type VerifyCheck, type VerifyData, verdict } from './verifyCheck.js';

function describeDifference(actual: YtdBalances, expected: YtdBalances): string {
  return YTD_FIELDS.filter((field) => actual[field] !== expected[field])
    .map((field) => `${field} ${formatCents(actual[field])} held, ${formatCents(expected[field])} expected`)
    .join(', ');
}

export function checkYtd(data: VerifyData): VerifyCheck {
  const ytd = data.ytd;
  if (!ytd) return pass(CheckName.Ytd, 'not gathered');
  const employees = [...new Set(data.payslips.map((payslip) => payslip.employeeId))];
  const problems: string[] = [];
  for (const employeeId of employees) {
    const opening = ytd.openings.get(employeeId) ?? ZERO_YTD;
    const entry = ytd.entries.get(employeeId);
    const actual = addYtd(opening, entry?.applied ?? ZERO_YTD);
    const actualRuns = new Set(entry?.runs ?? []);
    let expected = opening;
    const expectedRuns = new Set<string>();
    for (const run of ytd.runs) {
      const contribution = run.contributions.get(employeeId);
      if (!contribution) continue;
      // A run whose CloseRun is still under way counts if the ledger already lists it.
      if (run.state === 'held' || actualRuns.has(run.runId)) {
        expected = addYtd(expected, contribution);
        expectedRuns.add(run.runId);
      }
    }
    const missing = [...expectedRuns].filter((runId) => !actualRuns.has(runId));
    const extra = [...actualRuns].filter((runId) => !expectedRuns.has(runId));
    if (missing.length > 0) problems.push(`${employeeId}: ${missing.join(', ')} not applied`);
    if (extra.length > 0) problems.push(`${employeeId}: ${extra.join(', ')} applied but not standing`);
    if (!sameYtd(actual, expected)) problems.push(`${employeeId}: ${describeDifference(actual, expected)}`);
  }
  const standing = ytd.runs.filter((run) => run.state === 'held').length;
  return verdict(
    CheckName.Ytd,
    problems,
    `${employees.length} employees: opening + ${standing} standing run${standing === 1 ? '' : 's'} of ${ytd.taxYear}`,
  );
}
