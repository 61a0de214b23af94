/**
 * Audit records of operator actions. Each is written twice in one batch: under `AUDIT` (all
 * actions, newest first) and under its run (one run's actions), so both listings are one Query.
 * Operator actions are rare, so the single `AUDIT` partition stays cold.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditRecord, AuditStore } from '../../core/ports.js';
import { type DataTable, withoutKeys } from './dataTable.js';
import { AUDIT_PREFIX, keys, runPk } from './keys.js';

export class DynamoAuditStore implements AuditStore {
  constructor(private readonly table: DataTable) {}

  async record(entry: AuditEntry): Promise<AuditRecord> {
    const record: AuditRecord = { ...entry, id: randomUUID() };
    const items = [{ ...keys.audit(record.at, record.id), ...record }];
    if (record.runId !== undefined)
      items.push({ ...keys.runAudit(record.runId, record.at, record.id), ...record });
    await this.table.putAll(items);
    return record;
  }

  async list(options: { readonly runId?: string; readonly limit: number }): Promise<readonly AuditRecord[]> {
    const items = await this.table.query(
      options.runId === undefined
        ? { pk: 'AUDIT', newestFirst: true, limit: options.limit }
        : { pk: runPk(options.runId), skPrefix: AUDIT_PREFIX, newestFirst: true, limit: options.limit },
    );
    return items.map((item) => withoutKeys(item) as unknown as AuditRecord);
  }
}
