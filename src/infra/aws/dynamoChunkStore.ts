/**
 * Chunk snapshots (the roster frozen by OpenRun, one JSON attribute per chunk of 250 employees,
 * well under DynamoDB's 400 KB item limit) and the totals each CalculatePay chunk produced.
 */

import type { PayslipTotals } from '../../core/payroll/payslip.js';
import type { ChunkStore } from '../../core/ports.js';
import type { ChunkResult, ChunkSnapshot, EmployeeSnapshot } from '../../core/saga/records.js';
import type { DataTable } from './dataTable.js';
import { CHUNK_RESULT_PREFIX, keys, runPk } from './keys.js';

export class DynamoChunkStore implements ChunkStore {
  constructor(private readonly table: DataTable) {}

  async putChunks(chunks: readonly ChunkSnapshot[]): Promise<void> {
    await this.table.putAll(
      chunks.map((chunk) => ({
        ...keys.chunk(chunk.runId, chunk.chunkIndex),
        runId: chunk.runId,
        chunkIndex: chunk.chunkIndex,
        employeeCount: chunk.employees.length,
        snapshot: JSON.stringify(chunk.employees),
      })),
    );
  }

  async getChunk(runId: string, chunkIndex: number): Promise<ChunkSnapshot | undefined> {
    const item = await this.table.get(keys.chunk(runId, chunkIndex));
    if (!item) return undefined;
    return { runId, chunkIndex, employees: JSON.parse(String(item.snapshot)) as EmployeeSnapshot[] };
  }

  async putChunkResult(result: ChunkResult): Promise<void> {
    await this.table.put({
      ...keys.chunkResult(result.runId, result.chunkIndex),
      runId: result.runId,
      chunkIndex: result.chunkIndex,
      totals: result.totals,
    });
  }

  async listChunkResults(runId: string): Promise<readonly ChunkResult[]> {
    const items = await this.table.query({ pk: runPk(runId), skPrefix: CHUNK_RESULT_PREFIX });
    return items.map((item) => ({
      runId,
      chunkIndex: Number(item.chunkIndex),
      totals: item.totals as PayslipTotals,
    }));
  }
}
