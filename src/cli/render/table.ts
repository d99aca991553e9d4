import { stripVTControlCharacters } from 'node:util';

/**
 * A plain text table: column widths from the widest cell, padding that ignores colour codes, so a cell
 * coloured green still lines up. Every command that lists things renders through this.
 */
export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
}

/** The visible width of a cell: ANSI colour codes take no room on screen. */
export function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

export interface TableOptions {
  /** Styles the header row (bold or dim); identity when colour is off. */
  header?: (text: string) => string;
  /** Spaces between columns. */
  gap?: number;
  /** Prefix of every line, e.g. an indent. */
  indent?: string;
}

/** Renders rows of already-formatted cells; returns lines without trailing spaces. */
export function renderTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string[] {
  const gap = ' '.repeat(options.gap ?? 2);
  const indent = options.indent ?? '';
  const style = options.header ?? ((s: string) => s);
  const widths = columns.map((col, i) =>
    Math.max(visibleWidth(col.header), ...rows.map((row) => visibleWidth(row[i] ?? ''))),
  );
  const line = (cells: readonly string[], styleCell: (s: string) => string = (s) => s) =>
    indent +
    columns
      .map((col, i) => styleCell(pad(cells[i] ?? '', widths[i] ?? 0, col.align ?? 'left')))
      .join(gap)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      style,
    ),
    ...rows.map((row) => line(row)),
  ];
}
