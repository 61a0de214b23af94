/** Idempotency records as `idempotency list` and `show` print them. */
import type { IdempotencyRecordView } from '../../core/idempotencyRules.js';
import { renderTable } from './tables.js';

function inProgressText(view: IdempotencyRecordView): string {
  // Powertools leaves the in-progress expiry on completed records; it means something only in progress.
  if (view.inProgressExpiresAt === null || view.status !== 'INPROGRESS') return '';
  return view.takeoverAllowed ? `${view.inProgressExpiresAt} (passed)` : view.inProgressExpiresAt;
}

export function renderIdempotencyList(views: readonly IdempotencyRecordView[]): string {
  return renderTable(
    ['Step', 'Run', 'Status', 'Expires', 'In progress until', 'Result', 'Key'],
    views.map((view) => [
      view.step,
      view.runId ?? '',
      view.status,
      view.expiresAt,
      inProgressText(view),
      view.result,
      view.key,
    ]),
  );
}

export function renderIdempotencyRecord(view: IdempotencyRecordView): string {
  return renderTable(
    ['Field', 'Value'],
    [
      ['Key', view.key],
      ['Step', view.step],
      ['Run', view.runId ?? '(not recorded in the key)'],
      [
        'Status',
        view.status === view.storedStatus ? view.status : `${view.status} (stored ${view.storedStatus})`,
      ],
      ['Expires', view.expiresAt],
      ['In progress until', inProgressText(view) || '-'],
      ['Payload hash', view.payloadHash],
      ...(view.validationHash ? [['Validation hash', view.validationHash]] : []),
      ['Stored result', view.result || '-'],
    ],
  );
}
