/** Period and employer locks: a conditional put owned by one run, released only by that run. */
import { TransientError } from '../../core/errors.js';
import type { PeriodLockStore } from '../../core/ports.js';
import type { DataTable } from './dataTable.js';
import { keys } from './keys.js';

/** A lock released between our failed put and our read is simply tried again, a few times. */
const ACQUIRE_ATTEMPTS = 3;

export class DynamoLockStore implements PeriodLockStore {
  constructor(
    private readonly table: DataTable,
    private readonly now: () => string,
  ) {}

  async acquire(lockKey: string, runId: string, replacing?: string): Promise<{ readonly holder: string }> {
    for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
      const taken = await this.table.put(
        { ...keys.lock(lockKey), lockKey, holder: runId, acquiredAt: this.now() },
        replacing === undefined
          ? { expression: 'attribute_not_exists(pk) OR holder = :runId', values: { ':runId': runId } }
          : {
              expression: 'attribute_not_exists(pk) OR holder = :runId OR holder = :replacing',
              values: { ':runId': runId, ':replacing': replacing },
            },
      );
      if (taken) return { holder: runId };
      const holder = await this.holder(lockKey);
      if (holder !== undefined) return { holder };
    }
    throw new TransientError(
      'LOCK_CONTENDED',
      `The period lock ${lockKey} changed hands while it was being taken.`,
    );
  }

  release(lockKey: string, runId: string): Promise<boolean> {
    return this.table.delete(keys.lock(lockKey), {
      expression: 'holder = :runId',
      values: { ':runId': runId },
    });
  }

  async holder(lockKey: string): Promise<string | undefined> {
    const item = await this.table.get(keys.lock(lockKey));
    return typeof item?.holder === 'string' ? item.holder : undefined;
  }
}
