import { CrossbarError } from '../../core/errors.js';

/**
 * One dataset, four renderings: a table for people, JSON / NDJSON / CSV for machines. Columns carry a
 * formatter for the table only, so machine output stays raw data (no colour codes, real numbers).
 */
export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

export function parseOutputFormat(value: string): OutputFormat {
  if (isOutputFormat(value)) return value;
  throw new CrossbarError('USAGE', `unknown output format '${value}'`, {
    hint: `use one of ${OUTPUT_FORMATS.join(', ')}`,
  });
}

/** As the AWS CLI and git do: an explicit choice wins, else a table on a terminal and JSON when piped. */
export function resolveOutputFormat(explicit: OutputFormat | undefined, isTTY: boolean | undefined): OutputFormat {
  return explicit ?? (isTTY ? 'table' : 'json');
}

export interface Column<Row> {
  key: string;
  header: string;
  value: (row: Row) => string | number | boolean | null;
  /** How the table shows the value (colour, units); machine formats use `value`. */
  cell?: (row: Row) => string;
  align?: 'left' | 'right';
}

export function toRecords<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
): Record<string, string | number | boolean | null>[] {
  return rows.map((row) => Object.fromEntries(columns.map((col) => [col.key, col.value(row)])));
}

/** RFC 4180: quote a field when it holds a comma, a quote or a line break; double inner quotes. */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
