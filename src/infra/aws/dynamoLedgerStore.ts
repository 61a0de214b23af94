/** Journals: each posted once under its deterministic id. */
import type { Journal } from '../../core/ledger.js';
import type { LedgerStore, OnceResult } from '../../core/ports.js';
import { type DataTable, withoutKeys } from './dataTable.js';
import { JOURNAL_PREFIX, keys, runPk } from './keys.js';

export class DynamoLedgerStore implements LedgerStore {
  constructor(private readonly table: DataTable) {}

  async postJournal(journal: Journal): Promise<OnceResult> {
    const written = await this.table.put(
      { ...keys.journal(journal.runId, journal.id), ...journal },
      { expression: 'attribute_not_exists(pk)' },
    );
    return written ? 'written' : 'already-written';
  }

  async listJournals(runId: string): Promise<readonly Journal[]> {
    const items = await this.table.query({ pk: runPk(runId), skPrefix: JOURNAL_PREFIX });
    return items.map((item) => withoutKeys(item) as unknown as Journal);
  }
}
