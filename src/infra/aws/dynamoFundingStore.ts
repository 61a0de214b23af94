/** Funding movements: at most one debit and one refund per run, by key and condition. */
import type { FundingStore, OnceResult } from '../../core/ports.js';
import type { FundingKind, FundingMovement } from '../../core/saga/records.js';
import { type DataTable, withoutKeys } from './dataTable.js';
import { keys } from './keys.js';

export class DynamoFundingStore implements FundingStore {
  constructor(private readonly table: DataTable) {}

  async getMovement(runId: string, kind: FundingKind): Promise<FundingMovement | undefined> {
    const item = await this.table.get(keys.funding(runId, kind));
    return item ? (withoutKeys(item) as unknown as FundingMovement) : undefined;
  }

  async recordMovement(movement: FundingMovement): Promise<OnceResult> {
    const written = await this.table.put(
      { ...keys.funding(movement.runId, movement.kind), ...movement },
      { expression: 'attribute_not_exists(pk)' },
    );
    return written ? 'written' : 'already-written';
  }
}
