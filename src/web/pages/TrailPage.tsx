import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, get } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { TableScroll } from '../components/TableScroll.js';
import { useApi } from '../use-api.js';
import { atLeast, useWorkspace } from '../workspace.js';
import {
  FILTER_KEYS,
  trailQuery,
  type TrailFilters,
  type TrailRecord,
  type TrailVerification,
} from './trail/trail-types.js';
import { VerifyStatus } from './trail/VerifyStatus.js';
import './members/members.css';
import './trail/trail.css';

const PAGE = 50;
const ACTIONS = ['member.*', 'member.changed', 'shortcut.*', 'workspace.*', 'credentials.vend', 'runs.*', 'trail.read'];
const SINCE = ['1h', '24h', '7d', '30d'];

/**
 * The workspace's trail (issue 11 item 10; admins and owners): its entries newest first, filtered by who, action,
 * account or target and since (kept in the URL), a page at a time; the hash chain's verification, naming the first
 * broken entry; and the export (JSONL or CSV, with the chain's head) as a download.
 */
export function TrailPage() {
  const { name, detail, changes } = useWorkspace();
  const [params, setParams] = useSearchParams();
  const filters: TrailFilters = { who: '', action: '', target: '', since: '' };
  for (const key of FILTER_KEYS) filters[key] = params.get(key) ?? '';
  const [draft, setDraft] = useState<TrailFilters>(filters);
  const query = trailQuery(name, filters);
  const [entries, setEntries] = useState<TrailRecord[] | undefined>();
  const [next, setNext] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [loading, setLoading] = useState(false);
  const verify = useApi<TrailVerification>(`/api/trail/verify?${trailQuery(name, {})}`);
  const allowed = atLeast(detail.data?.role, 'admin');

  const load = useCallback(
    async (before: string | undefined) => {
      setLoading(true);
      try {
        const page = await get<{ entries: TrailRecord[]; next?: string }>(
          `/api/trail?${query}&limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
        );
        setEntries((old) => (before ? [...(old ?? []), ...page.entries] : page.entries));
        setNext(page.next);
        setError(undefined);
      } catch (err) {
        setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
      } finally {
        setLoading(false);
      }
    },
    [query],
  );

  const reloadVerify = verify.reload;
  useEffect(() => {
    void load(undefined);
  }, [load, changes]);
  useEffect(() => {
    if (changes > 0) reloadVerify();
  }, [changes, reloadVerify]);

  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const key of FILTER_KEYS) if (draft[key].trim()) next.set(key, draft[key].trim());
    setParams(next);
  }

  function clear() {
    setDraft({ who: '', action: '', target: '', since: '' });
    setParams(new URLSearchParams());
  }

  const broken = verify.data?.first_broken;
  const accounts = detail.data?.accounts ?? [];
  const exportQuery = (format: string) => trailQuery(name, { since: filters.since }, { format });

  return (
    <section className="trail-page" aria-labelledby="trail-heading">
      <h2 id="trail-heading">Trail of {name}</h2>
      {!allowed && detail.data ? (
        <p className="muted">The trail is for the workspace’s admins and owners; the server says why below.</p>
      ) : null}
      <VerifyStatus result={verify.data} error={verify.error} loading={verify.loading} onVerify={verify.reload} />

      <form className="card trail-filters" aria-label="Filter the trail" onSubmit={apply}>
        <label>
          Who
          <input value={draft.who} placeholder="carol" onChange={(e) => setDraft({ ...draft, who: e.target.value })} />
        </label>
        <label>
          What (action)
          <input
            list="trail-actions"
            value={draft.action}
            placeholder="member.*"
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
        </label>
        <datalist id="trail-actions">
          {ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <label>
          Account or target
          <input
            list="trail-targets"
            value={draft.target}
            placeholder="development*"
            onChange={(e) => setDraft({ ...draft, target: e.target.value })}
          />
        </label>
        <datalist id="trail-targets">
          {accounts.map((a) => (
            <option key={a.name} value={`${a.name}*`} />
          ))}
        </datalist>
        <label>
          Since
          <input
            list="trail-since"
            value={draft.since}
            placeholder="24h, 7d or a date"
            onChange={(e) => setDraft({ ...draft, since: e.target.value })}
          />
        </label>
        <datalist id="trail-since">
          {SINCE.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <div className="form-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
        <p className="muted small filter-help">
          Action and target match exactly, or by prefix with a trailing <code>*</code> (<code>member.*</code>,{' '}
          <code>development*</code>: the account and its roles).
        </p>
      </form>

      <div className="trail-export">
        <span>Export the chain{filters.since ? ` since ${filters.since}` : ''}, with its head:</span>{' '}
        <a href={`/api/trail/export?${exportQuery('jsonl')}`} download="crossbar-trail.jsonl">
          JSONL
        </a>{' '}
        <a href={`/api/trail/export?${exportQuery('csv')}`} download="crossbar-trail.csv">
          CSV
        </a>
        <span className="muted small"> (re-check a JSONL file with crossbar trail verify --file)</span>
      </div>

      <ErrorLine error={error} />
      {entries === undefined && !error ? <p className="loading">Loading…</p> : null}
      {entries !== undefined ? (
        <TableScroll label="Trail entries">
          <table className="trail-table">
            <caption className="visually-hidden">Trail entries of {name}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const isBroken = broken?.chain === e.chain && broken.seq === e.seq;
                return (
                  <tr
                    key={`${e.chain}:${e.seq}`}
                    className={isBroken ? 'broken-entry' : undefined}
                    data-seq={e.seq}
                    data-action={e.action}
                  >
                    <td>
                      {e.seq}
                      {isBroken ? <span className="broken-mark"> ✗ broken</span> : null}
                    </td>
                    <td>
                      <time dateTime={e.at}>{e.at.replace('T', ' ').slice(0, 19)}</time>
                    </td>
                    <td>{e.actor}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td>{e.target ?? ''}</td>
                    <td>
                      <span className={`outcome outcome-${e.outcome}`}>{e.outcome}</span>
                    </td>
                    <td className="details">
                      {Object.keys(e.details).length > 0 ? <code>{JSON.stringify(e.details)}</code> : null}
                      {e.address ? <span className="muted small"> from {e.address}</span> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {entries.length === 0 ? <p className="muted">No entry matches.</p> : null}
        </TableScroll>
      ) : null}
      {next ? (
        <button type="button" disabled={loading} onClick={() => void load(next)}>
          Older entries
        </button>
      ) : entries && entries.length > 0 ? (
        <p className="muted small">No older entries match.</p>
      ) : null}
    </section>
  );
}
