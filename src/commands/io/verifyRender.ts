/** The `verify` report as a table: each check, PASS or FAIL, and its detail wrapped to fit a terminal. */
import type { ChalkInstance } from 'chalk';
import type { VerifyReport } from '../../core/verify/verifyCheck.js';
import { PLAIN } from './runRender.js';
import { renderTable } from './tables.js';

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
