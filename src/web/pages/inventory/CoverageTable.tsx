import { useState } from 'react';
import { duration, timeAgo } from './time-ago.js';
import type { CoverageAnswer, Slice } from './inventory-types.js';

/** Rows drawn at most; the filter narrows a big grid (1,000 accounts × regions × types). */
const SHOWN = 300;

function matches(slice: Slice, text: string, problemsOnly: boolean): boolean {
  if (problemsOnly && slice.status === 'ok' && !slice.stale) return false;
  if (!text) return true;
  const t = text.toLowerCase();
  return [slice.account, slice.account_id, slice.region, slice.type].some((v) => v.toLowerCase().includes(t));
}

/** `sync_status`: one row per account × region × type slice, its outcome, its age, and whether it is stale. */
export function CoverageTable({ coverage }: { coverage: CoverageAnswer }) {
  const [text, setText] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const { slices } = coverage;
  const failed = slices.filter((s) => s.status === 'failed').length;
  const stale = slices.filter((s) => s.stale).length;
  const shown = slices.filter((s) => matches(s, text, problemsOnly));
  return (
    <section className="card inv-section" aria-labelledby="inv-coverage">
      <h3 id="inv-coverage">Coverage</h3>
      <p className="muted" data-testid="coverage-summary">
        {slices.length} slices (account × region × type) · {failed} failed · {stale} stale (last good read older than{' '}
        {duration(coverage.stale_after_seconds)})
      </p>
      <div className="inv-filters">
        <label className="inv-text">
          Account, region or type contains
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <label className="inv-check">
          <input type="checkbox" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} />
          Only failed or stale
        </label>
      </div>
      {shown.length === 0 ? (
        <p className="muted">No slice matches.</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Coverage table">
          <table className="inv-table">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Region</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Items</th>
                <th scope="col">Last read</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, SHOWN).map((s) => (
                <tr key={`${s.account_id} ${s.region} ${s.type}`} className={s.stale ? 'inv-stale' : undefined}>
                  <td>{s.account}</td>
                  <td>{s.region}</td>
                  <td>{s.type}</td>
                  <td>
                    {s.status === 'ok' ? (
                      <span className="inv-ok">ok</span>
                    ) : (
                      <span className="inv-failed" title={s.error_message ?? undefined}>
                        failed{s.error_code ? ` (${s.error_code})` : ''}
                      </span>
                    )}
                    {s.status === 'failed' && s.error_message ? (
                      <div className="inv-error">{s.error_message}</div>
                    ) : null}
                  </td>
                  <td>{s.item_count}</td>
                  <td>
                    <time dateTime={s.synced_at} title={s.synced_at}>
                      {timeAgo(s.age_seconds)}
                    </time>
                    {s.stale ? (
                      <span className="inv-stale-badge">
                        stale
                        {s.status === 'failed' ? ` · last good ${timeAgo(s.last_ok_age_seconds)}` : ''}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown.length > SHOWN ? (
        <p className="muted">
          Showing {SHOWN} of {shown.length} slices: narrow with the filter.
        </p>
      ) : null}
    </section>
  );
}
