/**
 * ACH files and their lifecycle. A transition is a conditional update on the current status, so
 * the gateway transmitting and a compensation cancelling cannot both win: whoever loses gets the
 * record as the winner left it.
 */
import { OperationFailedError } from '../../core/errors.js';
import type { AchFilePatch, AchStore, OnceResult } from '../../core/ports.js';
import type { AchFileKind, AchFileRecord, AchStatus } from '../../core/saga/records.js';
import { type DataTable, type Item, withoutKeys } from './dataTable.js';
import { keys } from './keys.js';

const achFromItem = (item: Item): AchFileRecord => withoutKeys(item) as unknown as AchFileRecord;

export class DynamoAchStore implements AchStore {
  constructor(private readonly table: DataTable) {}

  async getAchFile(runId: string, kind: AchFileKind): Promise<AchFileRecord | undefined> {
    const item = await this.table.get(keys.achFile(runId, kind));
    return item ? achFromItem(item) : undefined;
  }

  async createAchFile(file: AchFileRecord): Promise<OnceResult> {
    const written = await this.table.put(
      { ...keys.achFile(file.runId, file.kind), ...file },
      { expression: 'attribute_not_exists(pk)' },
    );
    return written ? 'written' : 'already-written';
  }

  async transitionAchFile(
    runId: string,
    kind: AchFileKind,
    from: readonly AchStatus[],
    to: AchStatus,
    patch: AchFilePatch = {},
  ): Promise<AchFileRecord> {
    if (from.length > 0) {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = { ':to': to };
      const assignments = ['#status = :to'];
      for (const [index, [field, value]] of Object.entries(patch).entries()) {
        if (value === undefined) continue;
        names[`#p${index}`] = field;
        values[`:p${index}`] = value;
        assignments.push(`#p${index} = :p${index}`);
      }
      const allowed = from.map((status, index) => {
        values[`:from${index}`] = status;
        return `:from${index}`;
      });
      const after = await this.table.update(keys.achFile(runId, kind), {
        update: `SET ${assignments.join(', ')}`,
        condition: `attribute_exists(pk) AND #status IN (${allowed.join(', ')})`,
        names,
        values,
      });
      if (after) return achFromItem(after);
    }
    const current = await this.getAchFile(runId, kind);
    if (!current) {
      throw new OperationFailedError(
        'ACH_FILE_MISSING',
        `Run ${runId} has no ACH ${kind.toLowerCase()} file.`,
      );
    }
    return current;
  }
}
