/** The audit trail as `audit` shows it: a table, or `{"records":[…]}` with --output json. */
import type { AuditRecord } from '../../core/ports.js';
import { formatTimestamp } from './runRender.js';
import { renderTable } from './tables.js';

/** `audit --output json`: `{"records":[{"id","at","actor","action","runId","reason","details"}]}`. */
export function auditRecordView(record: AuditRecord) {
  return {
    id: record.id,
    at: record.at,
    actor: record.actor,
    action: record.action,
    runId: record.runId ?? null,
    reason: record.reason ?? null,
    details: record.details ?? {},
  };
}

export function renderAuditTable(records: readonly AuditRecord[]): string {
  return renderTable(
    ['When (UTC)', 'Who', 'Action', 'Run', 'Reason'],
    records.map((r) => [formatTimestamp(r.at), r.actor, r.action, r.runId ?? '', r.reason ?? '']),
  );
}
