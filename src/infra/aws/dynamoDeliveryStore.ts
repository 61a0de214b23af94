/** Payslip delivery per chunk: delivered, or retracted by the compensation. */
import type { DeliveryStore } from '../../core/ports.js';
import type { DataTable } from './dataTable.js';
import { DELIVERY_PREFIX, keys, runPk } from './keys.js';

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(private readonly table: DataTable) {}

  async recordDelivery(
    runId: string,
    chunkIndex: number,
    status: 'DELIVERED' | 'RETRACTED',
    at: string,
  ): Promise<void> {
    // A delivery that arrives after the retraction must not make retracted payslips look delivered.
    await this.table.put(
      { ...keys.delivery(runId, chunkIndex), runId, chunkIndex, status, at },
      status === 'DELIVERED'
        ? {
            expression: 'attribute_not_exists(pk) OR #status <> :retracted',
            names: { '#status': 'status' },
            values: { ':retracted': 'RETRACTED' },
          }
        : undefined,
    );
  }

  async listDeliveries(
    runId: string,
  ): Promise<readonly { readonly chunkIndex: number; readonly status: string; readonly at: string }[]> {
    const items = await this.table.query({ pk: runPk(runId), skPrefix: DELIVERY_PREFIX });
    return items.map((item) => ({
      chunkIndex: Number(item.chunkIndex),
      status: String(item.status),
      at: String(item.at),
    }));
  }
}
