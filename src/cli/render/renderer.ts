import type { CliStream } from '../context.js';
import { csvField, toRecords, type Column, type OutputFormat } from './output.js';
import { renderTable, type TableOptions } from './table.js';

/**
 * One renderer per output format. A command describes its data once (a `View`: the columns, and where the
 * format needs more than rows, a record, a document or a table of its own) and hands the rows to the renderer
 * of the chosen format: csv and ndjson write each row as it comes (a fan-out streams a line per target), table
 * and json write when the rows are in. No command switches on the format.
 */
export interface View<Row> {
  /** The fields of csv, and of the table and the json records unless the view says otherwise. */
  columns: readonly Column<Row>[];
  /** The json / ndjson record of a row, when it carries more than the columns (nested values). */
  record?: (row: Row) => unknown;
  /** The json document, when it is more than the list of records (a report with a summary). */
  document?: (rows: readonly Row[]) => unknown;
  /** The table, when it is more than the rows (sections, a coverage grid). */
  table?: (rows: readonly Row[]) => string;
  tableOptions?: TableOptions;
  /** What the table adds for a person (a grid): csv and ndjson print it on stderr, keeping stdout one record a line. */
  aside?: (rows: readonly Row[]) => string | undefined;
}

export interface RowSink<Row> {
  row(row: Row): void;
  /** All rows are in: the buffered formats write now. */
  end(): void;
}

export interface RenderTarget {
  stdout: CliStream;
  /** A line (or lines) on stderr. */
  err(text: string): void;
}

type Renderer = <Row>(to: RenderTarget, view: View<Row>) => RowSink<Row>;

function recordOf<Row>(view: View<Row>, row: Row): unknown {
  return view.record ? view.record(row) : toRecords(view.columns, [row])[0];
}

function buffered<Row>(finish: (rows: readonly Row[]) => void): RowSink<Row> {
  const rows: Row[] = [];
  return { row: (r) => void rows.push(r), end: () => finish(rows) };
}

function streamed<Row>(to: RenderTarget, view: View<Row>, line: (row: Row) => string): RowSink<Row> {
  const rows: Row[] = [];
  return {
    row(r) {
      rows.push(r);
      to.stdout.write(line(r));
    },
    end() {
      const aside = view.aside?.(rows);
      if (aside) to.err(aside);
    },
  };
}

export function tableText<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  options: TableOptions = {},
): string {
  const cells = rows.map((row) => columns.map((col) => (col.cell ? col.cell(row) : String(col.value(row) ?? ''))));
  return `${renderTable(columns, cells, options).join('\n')}\n`;
}

export const RENDERERS: Record<OutputFormat, Renderer> = {
  table: (to, view) =>
    buffered((rows) =>
      to.stdout.write(view.table ? view.table(rows) : tableText(view.columns, rows, view.tableOptions)),
    ),
  json: (to, view) =>
    buffered((rows) => {
      const document = view.document ? view.document(rows) : rows.map((r) => recordOf(view, r));
      to.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    }),
  ndjson: (to, view) => streamed(to, view, (r) => `${JSON.stringify(recordOf(view, r))}\n`),
  csv: (to, view) => {
    to.stdout.write(`${view.columns.map((c) => csvField(c.key)).join(',')}\n`);
    return streamed(to, view, (r) => `${view.columns.map((c) => csvField(c.value(r))).join(',')}\n`);
  },
};

/** Starts the renderer of a format: hand it rows as they come, then `end()`. */
export function createRenderer<Row>(format: OutputFormat, to: RenderTarget, view: View<Row>): RowSink<Row> {
  return RENDERERS[format](to, view);
}

/** Renders rows that are all there already. */
export function render<Row>(format: OutputFormat, to: RenderTarget, view: View<Row>, rows: readonly Row[]): void {
  const sink = createRenderer(format, to, view);
  for (const row of rows) sink.row(row);
  sink.end();
}

/** The text a format prints for rows that are all there (ending with a newline; `[]` or a header when empty). */
export function renderOutput<Row>(
  format: OutputFormat,
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  tableOptions: TableOptions = {},
): string {
  let text = '';
  const stdout = { write: (chunk: string) => (text += chunk) };
  render(format, { stdout, err: () => {} }, { columns, tableOptions }, rows);
  return text;
}
