/**
 * Run records: one item per run, listed newest first through the sparse index. A regular run also
 * gets a small pointer under its employer, by period end, so an employer's regular runs are one
 * Query (the payday's last period paid) without reading every run of every employer.
 */
import { OperationFailedError } from '../../core/errors.js';
import type { OnceResult, RunPatch, RunStore } from '../../core/ports.js';
import {
  type CompensationRecord,
  type RunRecord,
  RunType,
  type StepRecord,
} from '../../core/saga/records.js';
import type { RunStatus, StepName } from '../../core/saga/steps.js';
import { type DataTable, type Item, withoutKeys } from './dataTable.js';
import { gsi1, keys, REGULAR_RUN_PREFIX } from './keys.js';
import { GSI1 } from './tables.js';

const runFromItem = (item: Item): RunRecord => withoutKeys(item) as unknown as RunRecord;

export class DynamoRunStore implements RunStore {
  constructor(private readonly table: DataTable) {}

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const item = await this.table.get(keys.run(runId));
    return item ? runFromItem(item) : undefined;
  }

  async createRun(run: RunRecord): Promise<OnceResult> {
    const written = await this.table.put(
      {
        ...keys.run(run.runId),
        gsi1pk: gsi1.runs,
        gsi1sk: gsi1.runSort(run.startedAt, run.runId),
        ...run,
        // The maps and list exist from the start so steps and compensations can be updated in place.
        steps: run.steps ?? {},
        compensations: run.compensations ?? [],
        artifacts: run.artifacts ?? {},
      },
      { expression: 'attribute_not_exists(pk)' },
    );
    if (!written) return 'already-written';
    // After the run, never before: a pointer always names a run that exists. A start that dies in
    // between leaves a run without one; its period lock still refuses a second regular run.
    if (run.runType === RunType.Regular) {
      await this.table.put({
        ...keys.regularRun(run.employerId, run.period.end, run.runId),
        runId: run.runId,
        period: run.period.id,
      });
    }
    return 'written';
  }

  async updateRun(runId: string, patch: RunPatch): Promise<void> {
    const { names, values, assignments } = assignmentsOf(patch);
    if (assignments.length === 0) return;
    const after = await this.table.update(keys.run(runId), {
      update: `SET ${assignments.join(', ')}`,
      condition: 'attribute_exists(pk)',
      names,
      values,
    });
    if (!after) throw runNotFound(runId);
  }

  async transitionRun(runId: string, from: readonly RunStatus[], patch: RunPatch): Promise<boolean> {
    const { names, values, assignments } = assignmentsOf(patch);
    names['#status'] = 'status';
    const allowed = from.map((status, index) => {
      values[`:from${index}`] = status;
      return `:from${index}`;
    });
    const after = await this.table.update(keys.run(runId), {
      update: assignments.length > 0 ? `SET ${assignments.join(', ')}` : 'SET #status = #status',
      condition: `attribute_exists(pk) AND #status IN (${allowed.join(', ')})`,
      names,
      values,
    });
    return after !== undefined;
  }

  async recordStep(runId: string, step: StepName, record: StepRecord): Promise<void> {
    const after = await this.table.update(keys.run(runId), {
      update: 'SET steps.#step = :record',
      condition: 'attribute_exists(pk)',
      names: { '#step': step },
      values: { ':record': record },
    });
    if (!after) throw runNotFound(runId);
  }

  async recordCompensation(runId: string, record: CompensationRecord): Promise<void> {
    const after = await this.table.update(keys.run(runId), {
      update: 'SET compensations = list_append(if_not_exists(compensations, :empty), :record)',
      condition: 'attribute_exists(pk)',
      values: { ':empty': [], ':record': [record] },
    });
    if (!after) throw runNotFound(runId);
  }

  async listRuns(options: {
    readonly employerId?: string;
    readonly limit: number;
  }): Promise<readonly RunRecord[]> {
    const items = await this.table.query({
      index: GSI1,
      pk: gsi1.runs,
      newestFirst: true,
      limit: options.limit,
      ...(options.employerId === undefined
        ? {}
        : {
            filter: {
              expression: '#employerId = :employerId',
              names: { '#employerId': 'employerId' },
              values: { ':employerId': options.employerId },
            },
          }),
    });
    return items.map(runFromItem);
  }

  async listRegularRuns(
    employerId: string,
    options: { readonly limit: number },
  ): Promise<readonly RunRecord[]> {
    const pointers = await this.table.query({
      pk: keys.regularRun(employerId, '', '').pk,
      skPrefix: REGULAR_RUN_PREFIX,
      newestFirst: true,
      limit: options.limit,
    });
    const runs = await Promise.all(pointers.map((pointer) => this.getRun(String(pointer.runId))));
    return runs.filter((run): run is RunRecord => run !== undefined);
  }
}

function assignmentsOf(patch: RunPatch) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments: string[] = [];
  for (const [index, [field, value]] of Object.entries(patch).entries()) {
    if (value === undefined) continue;
    names[`#f${index}`] = field;
    values[`:v${index}`] = value;
    assignments.push(`#f${index} = :v${index}`);
  }
  return { names, values, assignments };
}

function runNotFound(runId: string): OperationFailedError {
  return new OperationFailedError('RUN_NOT_FOUND', `Run ${runId} does not exist.`);
}
