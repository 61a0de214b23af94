/** A run's timesheets, stored in pages of JSON: a 10,000-employee run has ten items, not ten thousand. */
import type { TimesheetStore } from '../../core/ports.js';
import type { Timesheet } from '../../core/roster.js';
import type { DataTable } from './dataTable.js';
import { type ItemKey, keys, runPk, TIMESHEET_PREFIX, TIMESHEETS_PER_PAGE } from './keys.js';

export class DynamoTimesheetStore implements TimesheetStore {
  constructor(private readonly table: DataTable) {}

  async putTimesheets(runId: string, timesheets: readonly Timesheet[]): Promise<void> {
    const pages: ItemKey[] = [];
    const items = [];
    for (let start = 0, page = 0; start < timesheets.length; start += TIMESHEETS_PER_PAGE, page++) {
      const key = keys.timesheetPage(runId, page);
      pages.push(key);
      items.push({
        ...key,
        runId,
        timesheets: JSON.stringify(timesheets.slice(start, start + TIMESHEETS_PER_PAGE)),
      });
    }
    // A second put replaces the first entirely: pages beyond the new count are removed.
    const existing = await this.table.query({ pk: runPk(runId), skPrefix: TIMESHEET_PREFIX });
    const kept = new Set(pages.map((key) => key.sk));
    const stale = existing.filter((item) => !kept.has(String(item.sk)));
    await this.table.writeAll([
      ...items.map((item) => ({ PutRequest: { Item: item } })),
      ...stale.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    ]);
  }

  async getTimesheets(runId: string): Promise<ReadonlyMap<string, Timesheet>> {
    const items = await this.table.query({ pk: runPk(runId), skPrefix: TIMESHEET_PREFIX });
    const byEmployee = new Map<string, Timesheet>();
    for (const item of items) {
      for (const timesheet of JSON.parse(String(item.timesheets)) as Timesheet[]) {
        byEmployee.set(timesheet.employeeId, timesheet);
      }
    }
    return byEmployee;
  }
}
