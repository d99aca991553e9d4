import { describe, expect, it } from 'vitest';
import { csvField, parseOutputFormat, resolveOutputFormat, type Column } from './output.js';
import { renderOutput } from './renderer.js';

interface Row {
  id: string;
  n: number;
  note: string;
}
const columns: Column<Row>[] = [
  { key: 'id', header: 'ID', value: (r) => r.id },
  { key: 'n', header: 'N', value: (r) => r.n, cell: (r) => `#${r.n}`, align: 'right' },
  { key: 'note', header: 'NOTE', value: (r) => r.note },
];
const rows: Row[] = [
  { id: 'a', n: 1, note: 'plain' },
  { id: 'b', n: 22, note: 'with, comma "and" quotes' },
];

describe('renderOutput', () => {
  it('renders a table with the cell formatter', () => {
    expect(renderOutput('table', columns, rows)).toBe(
      'ID    N  NOTE\na    #1  plain\nb   #22  with, comma "and" quotes\n',
    );
  });

  it('renders JSON and NDJSON from raw values', () => {
    expect(JSON.parse(renderOutput('json', columns, rows))).toEqual([
      { id: 'a', n: 1, note: 'plain' },
      { id: 'b', n: 22, note: 'with, comma "and" quotes' },
    ]);
    expect(
      renderOutput('ndjson', columns, rows)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toHaveLength(2);
    expect(renderOutput('json', columns, [])).toBe('[]\n');
  });

  it('renders CSV with RFC 4180 quoting', () => {
    expect(renderOutput('csv', columns, rows)).toBe('id,n,note\na,1,plain\nb,22,"with, comma ""and"" quotes"\n');
    expect(csvField(null)).toBe('');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
  });
});

describe('output formats', () => {
  it('prefers the explicit choice, else a table on a terminal and JSON in a pipe', () => {
    expect(resolveOutputFormat('csv', true)).toBe('csv');
    expect(resolveOutputFormat(undefined, true)).toBe('table');
    expect(resolveOutputFormat(undefined, false)).toBe('json');
  });

  it('rejects unknown formats as a usage error', () => {
    expect(() => parseOutputFormat('xml')).toThrow(/unknown output format 'xml'/);
    expect(parseOutputFormat('ndjson')).toBe('ndjson');
  });
});
