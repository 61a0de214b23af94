/**
 * Renderers for `status` and `watch`: the runs table, one run's timeline, the plain event lines
 * printed when stderr is not a terminal, and the block the live view redraws. Pure: they return
 * strings; colour comes only from the chalk instance passed in (level 0 when output is piped).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatCentsGrouped, parseCents } from '../../core/money.js';
import {
  type CompensationView,
  describeRunEnd,
  elapsedMs,
  type RunDetail,
  type RunListItem,
  type StepView,
  type TotalsView,
  type WatchEvent,
} from '../../core/saga/runView.js';
import { CompensationStatus, RunStatus, StepStatus } from '../../core/saga/steps.js';
import { type Alignment, renderTable } from './tables.js';

/** No colour at all: for stdout when it is piped, and for tests. */
export const PLAIN: ChalkInstance = new Chalk({ level: 0 });

type AnyStatus = RunStatus | StepStatus | CompensationStatus;

/** Green for done, red for failures, yellow while rolling back, dim for what has not happened. */
export function paintStatus(status: AnyStatus, paint: ChalkInstance): string {
  switch (status) {
    case RunStatus.Completed:
    case StepStatus.Succeeded:
    case CompensationStatus.Compensated:
      return paint.green(status);
    case RunStatus.RolledBack:
    case RunStatus.CompensationFailed:
    case RunStatus.FailedToStart:
    case StepStatus.Failed:
      return paint.red(status);
    case RunStatus.RollingBack:
      return paint.yellow(status);
    case RunStatus.Running:
      return paint.cyan(status);
    case RunStatus.Pending:
    case CompensationStatus.NothingToUndo:
    case CompensationStatus.NotRun:
      return paint.dim(status);
  }
}

/** 850ms, 12.3s, 4m 05s, 1h 02m: short enough for a table column. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
}

/** 2026-03-31T10:00:00.123Z → 2026-03-31 10:00:00 (UTC, as the column heads say). */
export function formatTimestamp(iso: string | null): string {
  if (iso === null) return '';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

/** "1234.56" from a view → "1,234.56" for a table; null stays blank. */
function amount(text: string | null): string {
  if (text === null) return '';
  const negative = text.startsWith('-');
  const cents = parseCents(negative ? text.slice(1) : text);
  if (cents === undefined) return text;
  return formatCentsGrouped(negative ? -cents : cents);
}

/** How long a run took, or has been going (marked with a trailing +). */
function runDuration(startedAt: string, endedAt: string | null, now: string): string {
  return endedAt === null
    ? `${formatDuration(elapsedMs(startedAt, now))}+`
    : formatDuration(elapsedMs(startedAt, endedAt));
}

export interface RenderOptions {
  readonly paint: ChalkInstance;
  /** ISO timestamp: how long unfinished runs and steps have been going. */
  readonly now: string;
}

const LIST_HEAD = ['Run', 'Employer', 'Period', 'Status', 'Employees', 'Net', 'Started (UTC)', 'Duration'];
const LIST_ALIGN: readonly Alignment[] = ['left', 'left', 'left', 'left', 'right', 'right', 'left', 'right'];

export function renderRunList(runs: readonly RunListItem[], { paint, now }: RenderOptions): string {
  const rows = runs.map((run) => [
    run.runId,
    run.employer,
    run.periodId,
    paintStatus(run.status, paint),
    run.employees === null ? '' : String(run.employees),
    amount(run.net),
    formatTimestamp(run.startedAt),
    runDuration(run.startedAt, run.endedAt, now),
  ]);
  return renderTable(LIST_HEAD, rows, { align: LIST_ALIGN });
}

function stepRow(step: StepView, { paint, now }: RenderOptions): string[] {
  const duration =
    step.startedAt === null
      ? ''
      : step.endedAt === null
        ? `${formatDuration(elapsedMs(step.startedAt, now))}+`
        : formatDuration(elapsedMs(step.startedAt, step.endedAt));
  return [
    step.name,
    paintStatus(step.status, paint),
    formatTimestamp(step.startedAt),
    duration,
    step.error ?? '',
  ];
}

const TOTAL_LABELS: readonly (readonly [keyof Omit<TotalsView, 'employees'>, string])[] = [
  ['gross', 'Gross'],
  ['federalIncomeTax', 'Federal income tax'],
  ['socialSecurity', 'Social Security (employee)'],
  ['medicare', 'Medicare (employee)'],
  ['additionalMedicare', 'Additional Medicare'],
  ['net', 'Net pay'],
  ['employerTaxes', 'Employer taxes (SS, Medicare, FUTA)'],
  ['fundingDebit', 'Funding debit'],
];

function compensationRow(c: CompensationView, paint: ChalkInstance): string[] {
  return [c.step, paintStatus(c.status, paint), formatTimestamp(c.at), c.detail ?? ''];
}

/** `status RUN`: heading, step timeline, totals, compensations, artifacts and the failure. */
export function renderRunDetail(view: RunDetail, options: RenderOptions): string {
  const { paint } = options;
  const { period } = view;
  const lines = [
    `Run ${paint.bold(view.runId)}  ${paintStatus(view.status, paint)}`,
    `Employer ${view.employer}, period ${period.id} (${period.frequency}, ${period.start} to ${period.end}), pay date ${period.payDate}`,
    `Started ${formatTimestamp(view.startedAt)} UTC` +
      (view.endedAt === null
        ? `, running for ${runDuration(view.startedAt, null, options.now)}`
        : `, ended ${formatTimestamp(view.endedAt)} UTC after ${runDuration(view.startedAt, view.endedAt, options.now)}`),
    '',
    'Steps',
    renderTable(
      ['Step', 'Status', 'Started (UTC)', 'Duration', 'Error'],
      view.steps.map((step) => stepRow(step, options)),
      { align: ['left', 'left', 'left', 'right', 'left'] },
    ),
    '',
  ];
  const { calculated, employees } = view.progress;
  lines.push(
    employees === null || calculated >= employees
      ? `Totals (${view.totals.employees} employee${view.totals.employees === 1 ? '' : 's'})`
      : `Totals so far (${calculated} of ${employees} employees calculated)`,
    renderTable(
      ['', 'Amount'],
      TOTAL_LABELS.map(([field, label]) => [label, amount(view.totals[field])]),
      { align: ['left', 'right'] },
    ),
  );
  if (view.compensations.length > 0) {
    lines.push(
      '',
      'Compensations',
      renderTable(
        ['Step', 'Status', 'At (UTC)', 'Detail'],
        view.compensations.map((c) => compensationRow(c, paint)),
      ),
    );
  }
  lines.push('', 'Artifacts');
  lines.push(`  ACH file:       ${view.artifacts.achFile ?? paint.dim('none')}`);
  if (view.artifacts.reversalFile !== null) lines.push(`  Reversal file:  ${view.artifacts.reversalFile}`);
  if (view.failure !== null || view.status === RunStatus.CompensationFailed) {
    lines.push('', `${paint.red('Failure:')} ${describeRunEnd(view)}`);
  }
  return lines.join('\n');
}

/** One line per event for a log or a pipe: what `watch` prints on stderr without a terminal. */
export function renderEventLine(event: WatchEvent, paint: ChalkInstance): string {
  switch (event.type) {
    case 'step':
      return `${event.step} ${paintStatus(event.status, paint)}${event.error ? `: ${event.error}` : ''}`;
    case 'progress':
      return `calculated ${event.calculated}/${event.employees} employees (gross ${amount(event.gross)}, net ${amount(event.net)})`;
    case 'compensation':
      return `compensation ${event.step} ${paintStatus(event.status, paint)}${event.detail ? `: ${event.detail}` : ''}`;
    case 'status':
      return `run ${paintStatus(event.status, paint)}${event.failure ? ` (${event.failure.step} failed: ${event.failure.cause})` : ''}`;
    case 'run-finished':
      return `run ${event.runId} finished ${paintStatus(event.status, paint)}: ${event.totals.employees} employees, net ${amount(event.totals.net)}`;
  }
}

/** [██████░░░░] 60%: ASCII-only terminals still read the counts beside it. */
export function progressBar(done: number, total: number, width = 24): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor(ratio * 100)}%`;
}

function stepSymbol(status: StepStatus, paint: ChalkInstance): string {
  switch (status) {
    case StepStatus.Succeeded:
      return paint.green('✔');
    case StepStatus.Failed:
      return paint.red('✖');
    case StepStatus.Running:
      return paint.cyan('▸');
    case StepStatus.Pending:
      return paint.dim('·');
  }
}

/**
 * The live view's text (the spinner draws its first line): run and elapsed time, the steps with
 * their states, the progress bar under CalculatePay, compensations, and the running totals.
 */
export function renderLiveView(view: RunDetail, options: RenderOptions): string {
  const { paint, now } = options;
  const width = Math.max(...view.steps.map((s) => s.name.length));
  const lines = [
    `${paint.bold(view.runId)} ${paintStatus(view.status, paint)}  ${formatDuration(elapsedMs(view.startedAt, view.endedAt ?? now))}`,
  ];
  for (const step of view.steps) {
    let line = `  ${stepSymbol(step.status, paint)} ${step.name.padEnd(width)}`;
    if (step.startedAt !== null) {
      line += `  ${paint.dim(formatDuration(elapsedMs(step.startedAt, step.endedAt ?? now)))}`;
    }
    if (step.error !== null) line += `  ${paint.red(step.error)}`;
    lines.push(line);
    if (
      step.name === 'CalculatePay' &&
      view.progress.employees !== null &&
      step.status !== StepStatus.Pending
    ) {
      const { calculated, employees } = view.progress;
      lines.push(`    ${progressBar(calculated, employees)} ${calculated}/${employees} employees`);
    }
  }
  for (const c of view.compensations) {
    lines.push(
      `  ↺ ${c.step.padEnd(width)}  ${paintStatus(c.status, paint)}${c.detail ? paint.dim(`  ${c.detail}`) : ''}`,
    );
  }
  const { totals } = view;
  lines.push(
    `  gross ${amount(totals.gross)}  net ${amount(totals.net)}  employer taxes ${amount(totals.employerTaxes)}` +
      `  funding ${amount(totals.fundingDebit)}`,
  );
  return lines.join('\n');
}

/** The one line left on stderr when the live view ends. */
export function renderFinishedLine(view: RunDetail, options: RenderOptions): string {
  const took = runDuration(view.startedAt, view.endedAt, options.now);
  const head = `${view.runId} ${paintStatus(view.status, options.paint)} after ${took}`;
  if (view.status === RunStatus.Completed) {
    return `${head}: ${view.totals.employees} employees, net ${amount(view.totals.net)}, funding debit ${amount(view.totals.fundingDebit)}`;
  }
  return `${head}: ${describeRunEnd(view)}`;
}
