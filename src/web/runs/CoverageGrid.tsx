import { TableScroll } from '../components/TableScroll.js';
import { STATE_LABEL, stateOf, type TargetResult, type TargetState } from './run-types.js';

export interface GridRow {
  account: string;
  /** The regions this account is a target in; undefined: every column. */
  regions?: readonly string[];
}

const ICON: Record<TargetState, string> = { pending: '…', ok: '✓', denied: '⊘', disabled: '⊘', failed: '✕' };

/** The key of a target in the grid: a global call's targets all fall in its one column. */
export function cellKey(account: string, region: string): string {
  return `${account}\u0000${region}`;
}

/**
 * The coverage grid: accounts × regions, each cell pending until its target reports, then ok, denied, region
 * disabled or failed — in words and an icon as well as a colour — with AWS's message on a failure.
 */
export function CoverageGrid({
  rows,
  columns,
  results,
}: {
  rows: readonly GridRow[];
  columns: readonly string[];
  /** cellKey(account, column) → the target's result */
  results: ReadonlyMap<string, TargetResult>;
}) {
  return (
    <TableScroll label="Coverage grid">
      <table className="coverage-grid" aria-label="Coverage: accounts × regions">
        <thead>
          <tr>
            <th scope="col">Account</th>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.account}>
              <th scope="row">{row.account}</th>
              {columns.map((column) => {
                if (row.regions && !row.regions.includes(column))
                  return (
                    <td key={column} className="cell cell-none" data-state="none">
                      <span className="cell-label">not a target</span>
                    </td>
                  );
                const result = results.get(cellKey(row.account, column));
                const state = stateOf(result);
                const why =
                  result && !result.ok
                    ? [result.code, result.aws_code, result.message].filter(Boolean).join(' · ')
                    : '';
                return (
                  <td
                    key={column}
                    className={`cell cell-${state}`}
                    data-state={state}
                    data-testid={`cell-${row.account}-${column}`}
                    title={why || undefined}
                  >
                    <span aria-hidden="true" className="cell-icon">
                      {ICON[state]}
                    </span>{' '}
                    <span className="cell-label">{STATE_LABEL[state]}</span>
                    {why ? <span className="visually-hidden">: {why}</span> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
