/**
 * A run's input lists (timesheets, off-cycle payments) stored in pages of JSON under the run's
 * partition: a 10,000-row list is ten items, not ten thousand. A second put replaces the first
 * entirely: pages beyond the new count are removed.
 */
import type { DataTable } from './dataTable.js';
import { runPk } from './keys.js';

/** Rows per page: 1,000 short rows stay far below the 400 KB item limit. */
export const ROWS_PER_PAGE = 1_000;

const pad = (page: number) => String(page).padStart(4, '0');

export async function putRunPages<T>(
  table: DataTable,
  runId: string,
  prefix: string,
  rows: readonly T[],
): Promise<void> {
  const items = [];
  for (let start = 0, page = 0; start < rows.length; start += ROWS_PER_PAGE, page++) {
    items.push({
      pk: runPk(runId),
      sk: `${prefix}${pad(page)}`,
      runId,
      rows: JSON.stringify(rows.slice(start, start + ROWS_PER_PAGE)),
    });
  }
  const existing = await table.query({ pk: runPk(runId), skPrefix: prefix });
  const kept = new Set(items.map((item) => item.sk));
  const stale = existing.filter((item) => !kept.has(String(item.sk)));
  await table.writeAll([
    ...items.map((item) => ({ PutRequest: { Item: item } })),
    ...stale.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
  ]);
}

export async function getRunPages<T>(table: DataTable, runId: string, prefix: string): Promise<T[]> {
  const items = await table.query({ pk: runPk(runId), skPrefix: prefix });
  // Pages written before the field was named `rows` carried their list as `timesheets`.
  return items.flatMap((item) => JSON.parse(String(item.rows ?? item.timesheets)) as T[]);
}
