import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError, get, seg } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { useApi } from '../use-api.js';
import { useWorkspace } from '../workspace.js';
import { cellKey, CoverageGrid, type GridRow } from './CoverageGrid.js';
import { ResultsTable } from './ResultsTable.js';
import type { OperationsAnswer, RunDetail, SelectionAnswer, TargetResult } from './run-types.js';
import { useRunEvents } from './use-run-events.js';

const GLOBAL = 'global';

/** Every stored result of a run, values included, page after page (at most 1000 a page). */
async function loadResults(base: string): Promise<TargetResult[]> {
  const all: TargetResult[] = [];
  let after = 0;
  for (;;) {
    const page = await get<RunDetail>(`${base}?after=${after}&limit=1000`);
    all.push(...page.results);
    if (page.next_after === null) return all;
    after = page.next_after;
  }
}

/**
 * One run, live or past: its progress bar and coverage grid fed by the run's Server-Sent Events (a past run's
 * stream replays its stored targets), its failures with AWS's message, and the results table once it has ended.
 */
export function RunView() {
  const { id = '' } = useParams();
  const { name: ws } = useWorkspace();
  const base = `/api/workspaces/${seg(ws)}/runs/${seg(id)}`;
  const detail = useApi<RunDetail>(`${base}?limit=1`);
  const run = detail.data?.run;
  const events = useRunEvents(run ? `${base}/events` : undefined);
  const selection = useApi<SelectionAnswer>(
    run
      ? `/api/workspaces/${seg(ws)}/selection?selector=${encodeURIComponent(run.selector)}${run.role ? `&role=${encodeURIComponent(run.role)}` : ''}`
      : undefined,
  );
  const operation = useApi<OperationsAnswer>(
    run?.kind === 'run' && run.request.service && run.request.operation
      ? `/api/operations?service=${encodeURIComponent(run.request.service)}&operation=${encodeURIComponent(run.request.operation)}`
      : undefined,
  );
  const global = operation.data?.operations[0]?.global ?? false;

  const [full, setFull] = useState<TargetResult[] | undefined>(undefined);
  const [fullError, setFullError] = useState<ApiError | undefined>(undefined);
  const ended = events.summary !== undefined;
  useEffect(() => {
    if (!ended) return;
    let live = true;
    loadResults(base).then(
      (results) => live && setFull(results),
      (err: unknown) => live && setFullError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err))),
    );
    return () => {
      live = false;
    };
  }, [ended, base]);

  const results = useMemo(() => {
    const bySeq = new Map<number, TargetResult>();
    for (const t of events.targets) bySeq.set(t.seq, t);
    for (const t of full ?? []) bySeq.set(t.seq, t);
    return [...bySeq.values()];
  }, [events.targets, full]);

  const { rows, columns, cells } = useMemo(() => {
    const cells = new Map<string, TargetResult>();
    for (const r of results) cells.set(cellKey(r.account, global ? GLOBAL : r.region), r);
    const planned = selection.data?.accounts ?? [];
    const ownRegions = run?.regions === null;
    let columns: string[];
    if (global) columns = [GLOBAL];
    else if (Array.isArray(run?.regions)) columns = run.regions;
    else if (ownRegions) columns = [...new Set(planned.flatMap((a) => a.regions))].sort();
    else columns = [];
    for (const r of results) if (!global && !columns.includes(r.region)) columns = [...columns, r.region];
    const rows: GridRow[] = planned.map((a) =>
      ownRegions && !global ? { account: a.name, regions: a.regions } : { account: a.name },
    );
    for (const r of results) if (!rows.some((row) => row.account === r.account)) rows.push({ account: r.account });
    return { rows, columns, cells };
  }, [results, selection.data, run, global]);

  if (detail.error)
    return (
      <section>
        <p>
          <Link to={`/w/${seg(ws)}/runs`}>← All runs</Link>
        </p>
        <ErrorLine error={detail.error} />
      </section>
    );
  if (!run) return <p className="loading">Loading the run…</p>;

  const status = events.summary?.status ?? run.status;
  const total = events.summary?.total ?? events.progress?.total ?? run.counts.total;
  const done = events.summary ? events.summary.ok + events.summary.failed : (events.progress?.done ?? results.length);
  const ok = events.summary?.ok ?? events.progress?.ok ?? results.filter((r) => r.ok).length;
  const failed = events.summary?.failed ?? events.progress?.failed ?? results.filter((r) => !r.ok).length;
  const failures = results
    .filter((r) => !r.ok)
    .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
  const request = run.request;

  return (
    <section className="run-view" aria-labelledby="run-heading">
      <p>
        <Link to={`/w/${seg(ws)}/runs`}>← All runs</Link>
      </p>
      <h2 id="run-heading">{run.label}</h2>
      <dl className="run-facts">
        <dt>Status</dt>
        <dd data-testid="run-status">
          <span className={`state-badge run-${status}`}>{status}</span>
        </dd>
        <dt>Started</dt>
        <dd>
          by {run.started_by} at <time dateTime={run.started_at}>{new Date(run.started_at).toLocaleString()}</time>
        </dd>
        <dt>Accounts</dt>
        <dd>
          <code>{run.selector}</code>
          {run.role ? ` as ${run.role}` : ''}
        </dd>
        <dt>Regions</dt>
        <dd>
          {global
            ? 'global call (once per account)'
            : Array.isArray(run.regions)
              ? run.regions.join(', ')
              : run.regions === 'all'
                ? 'every enabled region'
                : 'each account’s regions'}
        </dd>
        {request.params && Object.keys(request.params).length > 0 ? (
          <>
            <dt>Parameters</dt>
            <dd>
              <code>{JSON.stringify(request.params)}</code>
            </dd>
          </>
        ) : null}
      </dl>

      <div className="run-progress">
        <label htmlFor="run-progress-bar">Progress</label>
        {total !== null && total !== undefined ? (
          <progress id="run-progress-bar" max={Math.max(total, 1)} value={done} />
        ) : (
          <progress id="run-progress-bar" />
        )}
        <span data-testid="run-counts" aria-live="polite">
          {done} of {total ?? '?'} targets · {ok} ok · {failed} failed
          {events.summary?.summary ? ` — ${events.summary.summary}` : ''}
        </span>
        {events.connection === 'reconnecting' ? <span className="meta"> (reconnecting…)</span> : null}
        {events.connection === 'lost' ? (
          <span className="meta"> (the live stream was lost; reload the page)</span>
        ) : null}
      </div>

      <h3>Coverage</h3>
      {selection.error ? (
        <p className="meta">The grid shows the targets that reported: {selection.error.message}</p>
      ) : null}
      <CoverageGrid rows={rows} columns={columns} results={cells} />

      {failures.length > 0 ? (
        <section aria-labelledby="failures-heading" className="failures">
          <h3 id="failures-heading">Failures ({failures.length})</h3>
          <ul>
            {failures.map((f) => (
              <li key={f.seq}>
                <strong>
                  {f.account} · {f.region}
                </strong>
                : {f.code}
                {f.aws_code ? ` (${f.aws_code})` : ''} — {f.message}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <ErrorLine error={fullError} />
      <ResultsTable results={results} complete={full !== undefined} fileName={`crossbar-run-${run.id}`} />
    </section>
  );
}
