import { useMemo, useState } from 'react';
import { TableScroll } from '../components/TableScroll.js';
import { download, resultsCsv, resultsJson } from './export-results.js';
import { STATE_LABEL, stateOf, type TargetResult } from './run-types.js';

const PREVIEW = 160;

function preview(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text;
}

/**
 * The run's results, one row per target: a filter (any text of the row: account, region, status, message, value)
 * and a status choice; the rows shown exported as CSV or JSON, made in the browser.
 */
export function ResultsTable({
  results,
  fileName,
  complete,
}: {
  results: readonly TargetResult[];
  fileName: string;
  /** The values are loaded (the run ended); before that the rows come from the event stream, without values. */
  complete: boolean;
}) {
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState<'all' | 'ok' | 'failed'>('all');
  const rows = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return [...results]
      .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region))
      .filter((r) => status === 'all' || (status === 'ok') === r.ok)
      .filter((r) => {
        if (words.length === 0) return true;
        const text = [
          r.account,
          r.account_id,
          r.region,
          STATE_LABEL[stateOf(r)],
          r.code,
          r.aws_code,
          r.message,
          JSON.stringify(r.value ?? null),
        ]
          .join(' ')
          .toLowerCase();
        return words.every((w) => text.includes(w));
      });
  }, [results, filter, status]);
  return (
    <section className="results" aria-labelledby="results-heading">
      <h3 id="results-heading">Results</h3>
      <div className="results-tools">
        <label>
          Filter results
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="account, region, message…"
          />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as 'all' | 'ok' | 'failed')}>
            <option value="all">all</option>
            <option value="ok">ok</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => download(`${fileName}.csv`, 'text/csv', resultsCsv(rows))}
          disabled={!complete}
        >
          Export CSV
        </button>
        <button
          type="button"
          onClick={() => download(`${fileName}.json`, 'application/json', resultsJson(rows))}
          disabled={!complete}
        >
          Export JSON
        </button>
      </div>
      <p className="meta" aria-live="polite">
        {rows.length} of {results.length} target{results.length === 1 ? '' : 's'} shown
        {complete ? '' : ' (values load when the run ends)'}
      </p>
      <TableScroll label="Results table">
        <table className="results-table">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Region</th>
              <th scope="col">Status</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const state = stateOf(r);
              return (
                <tr key={r.seq}>
                  <td>
                    {r.account} <span className="meta">{r.account_id}</span>
                  </td>
                  <td>{r.region}</td>
                  <td>
                    <span className={`state-badge state-${state}`}>{STATE_LABEL[state]}</span>
                  </td>
                  <td className="result-value">
                    {r.ok ? (
                      <code>{preview(r.value)}</code>
                    ) : (
                      <span>
                        <strong>{r.code}</strong>
                        {r.aws_code ? ` (${r.aws_code})` : ''}: {r.message}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
