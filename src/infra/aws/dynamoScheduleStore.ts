/**
 * Pay schedules: one item per employer under the single partition `SCHEDULES`, so the payday's
 * list of every schedule is one Query. Schedules are few (one per employer) and written rarely.
 */
import type { PaySchedule } from '../../core/paySchedule.js';
import type { ScheduleStore } from '../../core/ports.js';
import { type DataTable, type Item, withoutKeys } from './dataTable.js';
import { keys, SCHEDULE_PREFIX, SCHEDULES_PK } from './keys.js';

const scheduleOf = (item: Item): PaySchedule => {
  const { updatedAt: _updatedAt, ...schedule } = withoutKeys(item);
  return schedule as unknown as PaySchedule;
};

export class DynamoScheduleStore implements ScheduleStore {
  constructor(
    private readonly table: DataTable,
    private readonly now: () => string,
  ) {}

  async get(employerId: string): Promise<PaySchedule | undefined> {
    const item = await this.table.get(keys.schedule(employerId));
    return item ? scheduleOf(item) : undefined;
  }

  async put(schedule: PaySchedule): Promise<void> {
    await this.table.put({ ...keys.schedule(schedule.employerId), ...schedule, updatedAt: this.now() });
  }

  async remove(employerId: string): Promise<boolean> {
    return this.table.delete(keys.schedule(employerId), { expression: 'attribute_exists(pk)' });
  }

  async list(): Promise<readonly PaySchedule[]> {
    const items = await this.table.query({ pk: SCHEDULES_PK, skPrefix: SCHEDULE_PREFIX });
    return items.map(scheduleOf);
  }
}
