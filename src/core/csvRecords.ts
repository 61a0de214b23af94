/**
 * The CSV reading shared by the roster and timesheet parsers: csv-parse (sync) splits the text,
 * the header row names the columns (any order, unknown ones refused), and each data row is
 * handed to a converter together with a reusable CsvCells reader. Every problem becomes one
 * BadInputError naming the file, the row as numbered in the file (header = row 1) and the column.
 */
import { CsvError, type InfoRecord, parse } from 'csv-parse/sync';
import { BadInputError } from './errors.js';
import { AmountLimits } from './limits.js';
import { type Cents, formatCents, parseCents } from './money.js';
import { shownInput } from './shownInput.js';

export interface CsvColumns<K extends string> {
  readonly required: readonly K[];
  readonly optional: readonly K[];
}

/** What a row converter sees: the cells of the current row, by column name. */
export class CsvCells<K extends string> {
  /** The current record's index in the file (the header is record 0). */
  record = 0;
  private cells: readonly string[] = [];
  private rowNumbers: readonly number[] | undefined;

  constructor(
    readonly file: string,
    private readonly index: Readonly<Record<K, number>>,
    private readonly text_: string,
    /** Records parsed (header included), when parsing stopped early; row numbers stop there too. */
    private readonly records_?: number,
  ) {}

  /** @internal Points the reader at the next record; one reader serves every row. */
  load(cells: readonly string[], record: number): void {
    this.cells = cells;
    this.record = record;
  }

  /** The current row as numbered in the file (header = row 1, blank lines counted). */
  get row(): number {
    return this.rowOf(this.record);
  }

  /**
   * The row number of a record as an editor shows it. Worked out only when a message needs it:
   * tracking line numbers on every record would cost more than the rest of the validation.
   */
  rowOf(record: number): number {
    this.rowNumbers ??= recordRowNumbers(this.text_, this.records_);
    return this.rowNumbers[record] ?? record + 1;
  }

  /** The trimmed cell text; '' when the cell is empty or the column is absent (not given). */
  text(column: K): string {
    const at = this.index[column];
    if (at < 0) return '';
    const value = this.cells[at];
    return value === undefined ? '' : value.trim();
  }

  /** The cell as an error message shows it: printable, and cut when long (shownInput). */
  shown(column: K): string {
    return shownInput(this.text(column));
  }

  /**
   * A non-negative decimal with at most two places, as hundredths, at most `max`; undefined when
   * not given. The caps keep every total exact (src/core/limits.ts).
   */
  hundredths(column: K, what: 'amount' | 'hours', max: number): number | undefined {
    const text = this.text(column);
    if (text === '') return undefined;
    const value = parseCents(text);
    if (value === undefined) {
      throw this.error(
        column,
        hundredthsProblem(text, shownInput(text), what),
        what === 'amount' ? 'BAD_AMOUNT' : 'BAD_HOURS',
      );
    }
    if (value > max) {
      throw this.error(
        column,
        `${text} is over the limit of ${formatCents(max)}${what === 'hours' ? ' hours' : ''}; check the value (the limit keeps every total exact).`,
        what === 'amount' ? 'AMOUNT_TOO_LARGE' : 'HOURS_TOO_LARGE',
      );
    }
    return value;
  }

  amount(column: K, max: number = AmountLimits.amount): Cents | undefined {
    return this.hundredths(column, 'amount', max) as Cents | undefined;
  }

  /** One of `allowed`; `label` names the kind of value in the message ("a filing status"). */
  choice<T extends string>(column: K, allowed: readonly T[], label: string): T {
    const text = this.text(column);
    if ((allowed as readonly string[]).includes(text)) return text as T;
    if (text === '') throw this.error(column, `empty; give ${label}: ${orList(allowed)}.`, 'MISSING_VALUE');
    throw this.error(column, `${this.shown(column)} is not ${label}; use ${orList(allowed)}.`, 'BAD_VALUE');
  }

  /** The one-line error for this row and column: `file row N, column C: problem`. */
  error(column: K | undefined, problem: string, code: string): BadInputError {
    return cellError(this.file, this.row, column, problem, code);
  }
}

export function cellError(
  file: string,
  row: number,
  column: string | undefined,
  problem: string,
  code: string,
): BadInputError {
  const where = column === undefined ? `${file} row ${row}` : `${file} row ${row}, column ${column}`;
  return new BadInputError(code, `${where}: ${problem}`, { details: { file, row, column } });
}

/**
 * Parses `text` and converts each data row with `convert`. Blank lines are skipped but still
 * counted, so row numbers match what an editor shows. With `maxRows`, parsing stops after the
 * first data row past it (which `convert` refuses): a file far over the limit is not parsed whole.
 */
export function parseCsvRecords<K extends string, T>(
  text: string,
  file: string,
  columns: CsvColumns<K>,
  convert: (cells: CsvCells<K>) => T,
  options: { readonly maxRows?: number } = {},
): T[] {
  let records: string[][];
  // The header, the rows allowed, and the one row over them.
  const to = options.maxRows === undefined ? undefined : options.maxRows + 2;
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, ...(to !== undefined ? { to } : {}) });
  } catch (error) {
    if (error instanceof CsvError) throw malformed(error, file, headerOf(text));
    throw error;
  }
  const header = records[0];
  if (header === undefined) {
    throw new BadInputError(
      'CSV_EMPTY',
      `${file}: empty; the first row must name the columns (${columns.required.join(', ')}).`,
      { details: { file } },
    );
  }
  const reader = new CsvCells(file, headerIndex(header, file, columns), text, to);
  const converted: T[] = [];
  for (let at = 1; at < records.length; at++) {
    reader.load(records[at]!, at);
    const value = convert(reader);
    if (value !== undefined) converted.push(value);
  }
  return converted;
}

/** The header alone, for messages about a malformed row further down. */
function headerOf(text: string): readonly string[] {
  try {
    return parse(text, { bom: true, skip_empty_lines: true, to: 1 })[0] ?? [];
  } catch {
    return [];
  }
}

/** The line each record ends on, by record index; only called on the way to an error message. */
function recordRowNumbers(text: string, to?: number): number[] {
  const rows: number[] = [];
  parse(text, {
    bom: true,
    skip_empty_lines: true,
    ...(to !== undefined ? { to } : {}),
    on_record: (record: string[], context: InfoRecord) => {
      rows.push(context.lines);
      return record;
    },
  });
  return rows;
}

function headerIndex<K extends string>(
  header: readonly string[],
  file: string,
  columns: CsvColumns<K>,
): Record<K, number> {
  const known = [...columns.required, ...columns.optional];
  const index = Object.fromEntries(known.map((name) => [name, -1])) as Record<K, number>;
  header.forEach((raw, at) => {
    const name = raw.trim().toLowerCase();
    if (!Object.hasOwn(index, name)) {
      throw cellError(
        file,
        1,
        shownInput(raw),
        `unknown column; remove it or rename it to one of: ${known.join(', ')}.`,
        'UNKNOWN_COLUMN',
      );
    }
    if (index[name as K] >= 0) {
      throw cellError(
        file,
        1,
        shownInput(raw),
        'appears twice in the header; keep one of them.',
        'DUPLICATE_COLUMN',
      );
    }
    index[name as K] = at;
  });
  const missing = columns.required.filter((name) => index[name] < 0);
  if (missing.length > 0) {
    throw cellError(
      file,
      1,
      undefined,
      `required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing; add ${missing.length > 1 ? 'them' : 'it'} to the header.`,
      'MISSING_COLUMN',
    );
  }
  return index;
}

function malformed(error: CsvError, file: string, header: readonly string[]): BadInputError {
  const row = typeof error.lines === 'number' && error.lines > 0 ? error.lines : 1;
  const record = (error as CsvError & { record?: unknown }).record;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const got = Array.isArray(record) ? record.length : 'a different number of';
      return cellError(
        file,
        row,
        undefined,
        `${got} values but the header has ${header.length} columns; give one value per column (quote values that contain commas).`,
        'MALFORMED_ROW',
      );
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return cellError(
        file,
        row,
        undefined,
        'a quoted value is never closed; add the closing double quote.',
        'MALFORMED_ROW',
      );
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE': {
      const at = typeof error.column === 'number' ? error.column : -1;
      const column = header[at];
      return cellError(
        file,
        row,
        column === undefined ? undefined : shownInput(column.trim()),
        'a stray double quote; quote the whole value and double any quote inside it ("").',
        'MALFORMED_ROW',
      );
    }
    default:
      return cellError(
        file,
        row,
        undefined,
        `not valid CSV (${shownInput(error.message, 200)}); fix the row.`,
        'MALFORMED_ROW',
      );
  }
}

/** Why `text` is not a decimal; `shown` is the text as the message shows it. */
function hundredthsProblem(text: string, shown: string, what: 'amount' | 'hours'): string {
  const unit = what === 'amount' ? 'amounts' : 'hours';
  if (/^-\s*\d+(\.\d*)?$/.test(text)) return `${shown} is negative; ${unit} must be 0 or more.`;
  if (/^\d+\.\d{3,}$/.test(text)) return `${shown} has more than two decimal places; round it to two.`;
  const example = what === 'amount' ? '1234.56' : '37.5';
  return `${shown} is not ${what === 'amount' ? 'an amount' : 'a number of hours'}; write a plain decimal with at most two places, e.g. ${example}.`;
}

function orList(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
