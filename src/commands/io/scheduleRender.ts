/** How `schedule list` and `schedule run-due` look: tables for people, JSON documents for tools. */
import type { ScheduleView } from '../../actions/paySchedules.js';
import type { StartedRunView } from '../../actions/runDue.js';
import type { PaydayReport } from '../../core/saga/paydayTasks.js';
import { renderTable } from './tables.js';

/** `not-due` → `not due`: the table reads as words, JSON keeps the codes. */
const words = (code: string) => code.replaceAll('-', ' ');

export function renderScheduleTable(views: readonly ScheduleView[]): string {
  return renderTable(
    [
      'Employer',
      'Calendar',
      'Next period',
      'Pay date',
      'Due on',
      'Lead',
      'Pay-day rule',
      'Paused',
      'Last paid',
    ],
    views.map((view) => [
      view.employerId,
      view.calendar,
      view.nextPeriod ?? `(${view.problem ?? 'none'})`,
      view.nextPayDate ?? '',
      view.dueOn ?? '',
      String(view.leadDays),
      view.payDayRule,
      view.paused ? 'yes' : 'no',
      view.lastPaid ?? '',
    ]),
  );
}

/** `schedule list --output json`: the fields the issue names first, then the stored ones. */
export function scheduleJson(view: ScheduleView) {
  return {
    employerId: view.employerId,
    calendar: view.calendar,
    nextPeriod: view.nextPeriod,
    nextPayDate: view.nextPayDate,
    dueOn: view.dueOn,
    paused: view.paused,
    from: view.from,
    leadDays: view.leadDays,
    payDayRule: view.payDayRule,
    lastPaid: view.lastPaid,
    ...(view.problem ? { problem: view.problem } : {}),
  };
}

/** One row per employer: started (with its run), skipped (with the reason), failed (with the error). */
export function renderPaydayTable(
  report: PaydayReport,
  started: readonly StartedRunView[],
): string | undefined {
  const rows = [
    ...started.map((run) => [run.employerId, 'started', run.runId, `${run.period}, pay date ${run.payDate}`]),
    ...report.skipped.map((skip) => [skip.employerId, 'skipped', words(skip.reason), skip.detail]),
    ...report.failed.map((failure) => [failure.employerId, 'failed', '', failure.error]),
  ];
  return rows.length > 0 ? renderTable(['Employer', 'Result', 'Run / reason', 'Detail'], rows) : undefined;
}

export function paydaySummary(report: PaydayReport): string {
  return `Payday ${report.asOf}: started ${report.started.length} run(s), skipped ${report.skipped.length}, failed ${report.failed.length}.`;
}
