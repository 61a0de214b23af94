/**
 * Payslips, one item per employee and run: status and chunk index as attributes (what
 * compensations and progress read), the rest as one JSON attribute (cheap to write and read by
 * the ten thousand). Written and re-statused only in batches.
 */
import type { PayslipStore } from '../../core/ports.js';
import type { PayslipRecord, PayslipStatus } from '../../core/saga/records.js';
import type { DataTable, Item } from './dataTable.js';
import { keys, PAYSLIP_PREFIX, runPk } from './keys.js';

type PayslipData = Omit<PayslipRecord, 'runId' | 'employeeId' | 'chunkIndex' | 'status'>;

function payslipItem(payslip: PayslipRecord): Item {
  const data: PayslipData = {
    name: payslip.name,
    payDate: payslip.payDate,
    amounts: payslip.amounts,
    ytdBefore: payslip.ytdBefore,
    bank: payslip.bank,
  };
  return {
    ...keys.payslip(payslip.runId, payslip.employeeId),
    runId: payslip.runId,
    employeeId: payslip.employeeId,
    chunkIndex: payslip.chunkIndex,
    status: payslip.status,
    data: JSON.stringify(data),
  };
}

function payslipFromItem(item: Item): PayslipRecord {
  const data = JSON.parse(String(item.data)) as PayslipData;
  return {
    runId: String(item.runId),
    employeeId: String(item.employeeId),
    chunkIndex: Number(item.chunkIndex),
    status: item.status as PayslipStatus,
    ...data,
  };
}

export class DynamoPayslipStore implements PayslipStore {
  constructor(private readonly table: DataTable) {}

  async putPayslips(payslips: readonly PayslipRecord[]): Promise<void> {
    await this.table.putAll(payslips.map(payslipItem));
  }

  async listPayslips(runId: string): Promise<readonly PayslipRecord[]> {
    const items = await this.table.query({ pk: runPk(runId), skPrefix: PAYSLIP_PREFIX });
    return items.map(payslipFromItem);
  }

  /** Rewrites only the payslips whose status differs, so a repeated call writes nothing. */
  async setPayslipStatus(runId: string, status: PayslipStatus): Promise<number> {
    const items = await this.table.query({ pk: runPk(runId), skPrefix: PAYSLIP_PREFIX });
    const changed = items.filter((item) => item.status !== status).map((item) => ({ ...item, status }));
    await this.table.putAll(changed);
    return changed.length;
  }
}
