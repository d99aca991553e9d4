import type { CoverageGrid, GridCell } from '../../core/fanout/index.js';
import type { ErrorCode } from '../../core/errors.js';
import { FAILURE_CODES } from '../../core/errors.js';
import type { Colors } from '../context.js';
import { paintStage } from './stage.js';
import { renderTable } from './table.js';

/**
 * The coverage grid on a terminal: one row per account (coloured by stage), one column per region, ✓ where
 * the target answered and ✗ with the failure code where it did not. With many regions (`--regions all`) the
 * columns use AWS's short region codes (use1, euw1, …) and the codes shrink, with a legend below.
 */
const SHORT_CODES: Partial<Record<ErrorCode, string>> = {
  DENIED: 'DENY',
  THROTTLED: 'THRT',
  REGION_DISABLED: 'OFF',
  TIMEOUT: 'TIME',
  INTERRUPTED: 'INT',
  NOT_FOUND: 'NF',
  INVALID: 'INV',
  ERROR: 'ERR',
};

const DIRECTIONS: Readonly<Record<string, string>> = {
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** `us-east-1` → `use1`, `ap-southeast-2` → `apse2`: the prefix of AWS's availability-zone ids. */
export function shortRegion(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-');
  return number ? `${area}${DIRECTIONS[direction] ?? direction.charAt(0)}${number}` : region;
}

function cellText(cell: GridCell | undefined, colors: Colors, compact: boolean): string {
  if (!cell) return colors.dim('·');
  if (cell.ok) return colors.green('✓');
  const code = cell.code ?? 'ERROR';
  return colors.red(`✗ ${compact ? (SHORT_CODES[code] ?? code) : code}`);
}

export function renderCoverageGrid(grid: CoverageGrid, colors: Colors): string[] {
  if (grid.rows.length === 0) return [];
  const compact = grid.regions.length > 5;
  const columns = [{ header: 'ACCOUNT' }, ...grid.regions.map((r) => ({ header: compact ? shortRegion(r) : r }))];
  const rows = grid.rows.map((row) => [
    paintStage(colors, row.name, row.stage, row.color),
    ...grid.regions.map((region) => cellText(row.cells[region], colors, compact)),
  ]);
  const lines = renderTable(columns, rows, { header: colors.bold, gap: compact ? 1 : 2 });
  if (compact) {
    const used = new Set(grid.rows.flatMap((r) => Object.values(r.cells).flatMap((c) => (c.code ? [c.code] : []))));
    const legend = FAILURE_CODES.filter((c) => used.has(c)).map((c) => `${SHORT_CODES[c] ?? c} ${c}`);
    if (legend.length > 0) lines.push(colors.dim(legend.join(' · ')));
  }
  return lines;
}
