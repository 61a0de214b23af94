/** A run's timesheets, stored in pages of JSON (runPages.ts). */
import type { TimesheetStore } from '../../core/ports.js';
import type { Timesheet } from '../../core/roster.js';
import type { DataTable } from './dataTable.js';
import { TIMESHEET_PREFIX } from './keys.js';
import { getRunPages, putRunPages } from './runPages.js';

export class DynamoTimesheetStore implements TimesheetStore {
  constructor(private readonly table: DataTable) {}

  putTimesheets(runId: string, timesheets: readonly Timesheet[]): Promise<void> {
    return putRunPages(this.table, runId, TIMESHEET_PREFIX, timesheets);
  }

  async getTimesheets(runId: string): Promise<ReadonlyMap<string, Timesheet>> {
    const rows = await getRunPages<Timesheet>(this.table, runId, TIMESHEET_PREFIX);
    return new Map(rows.map((timesheet) => [timesheet.employeeId, timesheet]));
  }
}
