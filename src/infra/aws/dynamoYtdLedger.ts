/**
 * The year-to-date ledger in the data table: one item per employee and tax year under the
 * employer's partition. A run is added with UpdateItem `ADD` of every amount plus its id to the
 * `runs` string set, on the condition that the set does not hold it yet; it is taken out with the
 * negated amounts and `DELETE` from the set, on the condition that it does. Each update is atomic
 * for its employee, and a retried or concurrent apply of the same run changes nothing.
 */
import type { YtdLedger } from '../../core/ports.js';
import type { YtdBalances } from '../../core/roster.js';
import { YTD_FIELDS, type YtdEntry, ytdOf } from '../../core/ytd.js';
import type { DataTable, Item } from './dataTable.js';
import { employerPk, keys, ytdPrefix } from './keys.js';
import { forEachLimited } from './pool.js';

/** Conditional updates in flight: one per employee, so a large run needs many at once. */
const CONCURRENCY = 32;

function entryFromItem(item: Item): YtdEntry {
  const amounts: Record<string, number> = {};
  for (const field of YTD_FIELDS) amounts[field] = Number(item[field] ?? 0);
  const runs = item.runs instanceof Set ? [...(item.runs as Set<string>)].sort() : [];
  return {
    employeeId: String(item.employeeId),
    taxYear: Number(item.taxYear),
    applied: ytdOf(amounts),
    runs,
  };
}

export class DynamoYtdLedger implements YtdLedger {
  constructor(private readonly table: DataTable) {}

  async entries(employerId: string, taxYear: number): Promise<ReadonlyMap<string, YtdEntry>> {
    const items = await this.table.query({ pk: employerPk(employerId), skPrefix: ytdPrefix(taxYear) });
    return new Map(items.map((item) => [String(item.employeeId), entryFromItem(item)]));
  }

  async entry(employerId: string, employeeId: string, taxYear: number): Promise<YtdEntry | undefined> {
    const item = await this.table.get(keys.ytd(employerId, taxYear, employeeId));
    return item ? entryFromItem(item) : undefined;
  }

  apply(
    employerId: string,
    taxYear: number,
    runId: string,
    contributions: ReadonlyMap<string, YtdBalances>,
  ): Promise<number> {
    return this.change(employerId, taxYear, runId, contributions, 1);
  }

  unapply(
    employerId: string,
    taxYear: number,
    runId: string,
    contributions: ReadonlyMap<string, YtdBalances>,
  ): Promise<number> {
    return this.change(employerId, taxYear, runId, contributions, -1);
  }

  private async change(
    employerId: string,
    taxYear: number,
    runId: string,
    contributions: ReadonlyMap<string, YtdBalances>,
    sign: 1 | -1,
  ): Promise<number> {
    let changed = 0;
    await forEachLimited([...contributions], CONCURRENCY, async ([employeeId, amounts]) => {
      const names: Record<string, string> = { '#runs': 'runs' };
      const values: Record<string, unknown> = { ':runId': runId, ':runs': new Set([runId]) };
      const adds = YTD_FIELDS.map((field) => {
        names[`#${field}`] = field;
        values[`:${field}`] = sign * amounts[field];
        return `#${field} :${field}`;
      });
      let update: string;
      let condition: string;
      if (sign === 1) {
        Object.assign(names, { '#employeeId': 'employeeId', '#taxYear': 'taxYear' });
        Object.assign(values, { ':employeeId': employeeId, ':taxYear': taxYear });
        update = `SET #employeeId = :employeeId, #taxYear = :taxYear ADD ${adds.join(', ')}, #runs :runs`;
        condition = 'attribute_not_exists(#runs) OR NOT contains(#runs, :runId)';
      } else {
        update = `ADD ${adds.join(', ')} DELETE #runs :runs`;
        condition = 'contains(#runs, :runId)';
      }
      const after = await this.table.update(keys.ytd(employerId, taxYear, employeeId), {
        update,
        condition,
        names,
        values,
      });
      if (after) changed++;
    });
    return changed;
  }
}
