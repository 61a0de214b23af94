/** What `deploy`, `destroy` and `target` print: pure renderers of their results. */
import type { StackChange } from '../../infra/cdk/deployEngine.js';
import type { AwsTarget } from '../../infra/targets.js';
import { renderTable } from './tables.js';

/** `deploy --diff --output json`: `{ "changes": [...] }`, empty when nothing differs. */
export function diffJson(changes: readonly StackChange[]) {
  return { changes };
}

export function renderDiff(changes: readonly StackChange[], formatted: string): string {
  if (changes.length === 0) return 'There are no differences.';
  const table = renderTable(
    ['Change', 'Impact', 'Type', 'Logical id'],
    changes.map((c) => [c.change, c.impact, c.resourceType, c.logicalId]),
  );
  return formatted.trim() === '' ? table : `${formatted.trim()}\n\n${table}`;
}

export function renderOutputs(target: AwsTarget): string {
  return renderTable(
    ['Output', 'Value'],
    Object.entries(target.outputs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [key, value]),
  );
}

/** `target list`: the built-in local target and every recorded one. */
/** The local row: the stack the host last applied, or a note that none has started yet. */
export interface LocalRow {
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly appliedAt: string;
}

export function renderTargets(targets: readonly AwsTarget[], local?: LocalRow): string {
  return renderTable(
    ['Target', 'Kind', 'Account', 'Region', 'Stack', 'Deployed (UTC)', 'CLI'],
    [
      local
        ? [
            'local',
            'local',
            local.account,
            local.region,
            local.stackName,
            local.appliedAt.replace('T', ' ').slice(0, 19),
            '',
          ]
        : ['local', 'local', '', '', '(applied when the local stack first starts)', '', ''],
      ...targets.map((t) => [
        t.name,
        t.kind,
        t.account,
        t.region,
        t.stackName,
        t.deployedAt.replace('T', ' ').slice(0, 19),
        t.cliVersion,
      ]),
    ],
  );
}
