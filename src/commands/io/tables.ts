/** Plain-text tables for `--output table`: one place that knows cli-table3. */
import Table from 'cli-table3';

export type Alignment = 'left' | 'right';

export interface TableOptions {
  /** Per column; numbers read best right-aligned. Left when not given. */
  readonly align?: readonly Alignment[];
  /** Rows drawn after a rule, e.g. totals. */
  readonly footer?: readonly (readonly string[])[];
}

/**
 * Renders a table without colour (the output is data and may be piped) and without rules
 * between rows, so a long roster stays compact; footer rows follow one rule.
 */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const table = new Table({
    head: [...head],
    colAligns: head.map((_, at) => options.align?.[at] ?? 'left'),
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push([...row]);
  const footer = options.footer ?? [];
  for (const row of footer) table.push([...row]);
  const text = table.toString();
  if (footer.length === 0) return text;
  // Compact mode draws a rule only under the head; repeat that rule above the footer rows.
  const lines = text.split('\n');
  const rule = lines.find((line) => line.startsWith('├'));
  if (rule !== undefined) lines.splice(lines.length - 1 - footer.length, 0, rule);
  return lines.join('\n');
}
