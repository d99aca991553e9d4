import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError, post } from '../../api.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { inventoryPath, type QueryAnswer } from './inventory-types.js';

const EXAMPLE = 'SELECT type, account_name, region, count(*) AS n\nFROM resources\nGROUP BY 1, 2, 3\nORDER BY n DESC';
/** Rows drawn at most; the answer holds up to the server's row cap. */
const SHOWN = 500;

/**
 * Read-only SQL over the workspace's inventory, with `crossbar query`'s limits (the server enforces them: a write
 * is refused with its reason, the row cap and the time limit stop a query and say so).
 */
export function SqlBox({ ws }: { ws: string }) {
  const [sql, setSql] = useState(EXAMPLE);
  const [answer, setAnswer] = useState<QueryAnswer | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setAnswer(await post<QueryAnswer>(inventoryPath(ws, 'query'), { sql }));
    } catch (err) {
      setAnswer(undefined);
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
    } finally {
      setRunning(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  const keys = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    }
  };
  return (
    <section className="card inv-section" aria-labelledby="inv-sql">
      <h3 id="inv-sql">SQL</h3>
      <form onSubmit={submit} className="inv-sql-form">
        <label htmlFor="inv-sql-text">SQL query (read-only: SELECT, WITH, EXPLAIN or a read-only PRAGMA)</label>
        <textarea
          id="inv-sql-text"
          rows={5}
          spellCheck={false}
          value={sql}
          onChange={(e) => setSql(e.target.value)}
          onKeyDown={keys}
          aria-describedby="inv-sql-help"
        />
        <p id="inv-sql-help" className="muted">
          Tables: one per type (ec2_instances, s3_buckets, iam_roles, …), the view resources, sync_status, sync_runs.
          Ctrl+Enter runs. At most 10,000 rows and 30 s, as <code>crossbar query</code>.
        </p>
        <div>
          <button type="submit" className="primary" disabled={running || sql.trim() === ''}>
            {running ? 'Running…' : 'Run query'}
          </button>
        </div>
      </form>
      <ErrorLine error={error} />
      {answer ? <QueryResult answer={answer} /> : null}
    </section>
  );
}

function QueryResult({ answer }: { answer: QueryAnswer }) {
  const count = `${answer.row_count} row${answer.row_count === 1 ? '' : 's'} in ${answer.elapsed_ms} ms`;
  return (
    <div className="inv-result">
      <p className="muted" data-testid="query-count" aria-live="polite">
        {count}
      </p>
      {answer.stopped === 'max-rows' ? (
        <p className="inv-warning" role="status">
          Stopped at {answer.max_rows} rows: there are more. Narrow the query (WHERE, LIMIT).
        </p>
      ) : null}
      {answer.stopped === 'timeout' ? (
        <p className="inv-warning" role="status">
          Stopped after {answer.timeout_seconds} s with the rows so far: narrow the query.
        </p>
      ) : null}
      {answer.columns.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Query results">
          <table className="inv-table" data-testid="query-result">
            <thead>
              <tr>
                {answer.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {answer.rows.slice(0, SHOWN).map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j} className={typeof cell === 'number' ? 'inv-num' : undefined}>
                      {cell === null ? <span className="muted">NULL</span> : String(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {answer.rows.length > SHOWN ? (
        <p className="muted">
          Showing the first {SHOWN} of {answer.row_count} rows.
        </p>
      ) : null}
    </div>
  );
}
