import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, get, seg } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { TableScroll } from '../components/TableScroll.js';
import { atLeast, useWorkspace } from '../workspace.js';
import type { RunSummary } from './run-types.js';

/** The workspace's runs, newest first (GET …/runs, 50 a page), each linking to its page. */
export function RunList() {
  const { name: ws, detail } = useWorkspace();
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);

  const load = async (before?: string) => {
    setLoading(true);
    try {
      const page = await get<{ runs: RunSummary[]; next: string | null }>(
        `/api/workspaces/${seg(ws)}/runs${before ? `?before=${encodeURIComponent(before)}` : ''}`,
      );
      setRuns((list) => (before ? [...list, ...page.runs] : page.runs));
      setNext(page.next);
      setError(undefined);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load();
  }, [ws]);

  return (
    <section aria-labelledby="runs-heading">
      <div className="runs-head">
        <h2 id="runs-heading">Runs</h2>
        {atLeast(detail.data?.role, 'operator') ? (
          <Link className="button primary" to={`/w/${seg(ws)}/runs/new`}>
            New run
          </Link>
        ) : (
          <p className="meta" data-testid="cannot-start">
            You can see the runs of {ws}; starting one needs the operator role.
          </p>
        )}
      </div>
      <ErrorLine error={error} />
      {runs.length === 0 && !loading && !error ? <p className="meta">No run yet.</p> : null}
      {runs.length > 0 ? (
        <TableScroll label="Past runs">
          <table className="run-list">
            <caption className="visually-hidden">Past runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Accounts</th>
                <th scope="col">Targets</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/w/${seg(ws)}/runs/${seg(r.id)}`}>{r.label}</Link>
                  </td>
                  <td>
                    <span className={`state-badge run-${r.status}`}>{r.status}</span>
                  </td>
                  <td>
                    <code>{r.selector}</code>
                    {Array.isArray(r.regions) ? <span className="meta"> · {r.regions.join(', ')}</span> : null}
                  </td>
                  <td>{r.summary ?? `${r.counts.done} of ${r.counts.total ?? '?'}`}</td>
                  <td>
                    {r.started_by}, <time dateTime={r.started_at}>{new Date(r.started_at).toLocaleString()}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {next ? (
        <button type="button" onClick={() => void load(next)} disabled={loading}>
          Older runs
        </button>
      ) : null}
    </section>
  );
}
