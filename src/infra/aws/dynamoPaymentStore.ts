/** An off-cycle run's payments, stored in pages of JSON (runPages.ts). */
import type { OffCyclePayment } from '../../core/offCyclePayments.js';
import type { PaymentStore } from '../../core/ports.js';
import type { DataTable } from './dataTable.js';
import { PAYMENT_PREFIX } from './keys.js';
import { getRunPages, putRunPages } from './runPages.js';

export class DynamoPaymentStore implements PaymentStore {
  constructor(private readonly table: DataTable) {}

  putPayments(runId: string, payments: readonly OffCyclePayment[]): Promise<void> {
    return putRunPages(this.table, runId, PAYMENT_PREFIX, payments);
  }

  async getPayments(runId: string): Promise<ReadonlyMap<string, readonly OffCyclePayment[]>> {
    const byEmployee = new Map<string, OffCyclePayment[]>();
    for (const payment of await getRunPages<OffCyclePayment>(this.table, runId, PAYMENT_PREFIX)) {
      const list = byEmployee.get(payment.employeeId) ?? [];
      list.push(payment);
      byEmployee.set(payment.employeeId, list);
    }
    return byEmployee;
  }
}
