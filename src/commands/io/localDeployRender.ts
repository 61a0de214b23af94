/** What `deploy` prints on the local target: pure renderers of its result. */
import type { LocalChange } from '../../infra/local/template/planDiff.js';
import type { LocalTargetRecord } from '../../infra/localTarget.js';
import { renderTable } from './tables.js';

/** `deploy --diff` on the local target: each change with what changes, and why a refused one is. */
export function renderLocalDiff(changes: readonly LocalChange[]): string {
  if (changes.length === 0) return 'There are no differences.';
  return renderTable(
    ['Change', 'Impact', 'Type', 'Name', 'Details'],
    changes.map((c) => [
      c.change,
      c.impact,
      c.resourceType,
      c.name,
      [...c.details, ...(c.refused ? [`REFUSED: ${c.refused}`] : [])].join('; '),
    ]),
  );
}

export function renderLocalOutputs(target: LocalTargetRecord): string {
  return renderTable(
    ['Output', 'Value'],
    Object.entries(target.outputs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [key, value]),
  );
}
