import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorLine } from '../../components/ErrorLine.js';
import { useApi } from '../../use-api.js';
import { inventoryPath, type ResourcesAnswer, type TypeCount } from './inventory-types.js';

export interface ResourceFilters {
  type: string | undefined;
  account: string;
  region: string;
  q: string;
}

const PAGE_SIZES = [25, 50, 100];

function stageClass(stage: string | null): string {
  return stage === 'dev' || stage === 'staging' || stage === 'prod' ? `stage-badge stage-${stage}` : 'stage-badge';
}

/**
 * The synced resources, one page at a time, filtered by type, account, region and text (the text applies on
 * submit, the rest at once); every filter change goes back to the first page.
 */
export function ResourcesTable({
  ws,
  types,
  accounts,
  regions,
  filters,
  onFilters,
  generation,
}: {
  ws: string;
  types: TypeCount[];
  accounts: { id: string; name: string }[];
  regions: string[];
  filters: ResourceFilters;
  onFilters: (filters: ResourceFilters) => void;
  generation: number;
}) {
  const id = useId();
  const [limit, setLimit] = useState(50);
  const [offset, setOffset] = useState(0);
  const [text, setText] = useState(filters.q);
  useEffect(() => setOffset(0), [filters, limit]);
  const params = new URLSearchParams({ limit: String(limit), offset: String(offset) });
  if (filters.type) params.set('type', filters.type);
  if (filters.account) params.set('account', filters.account);
  if (filters.region) params.set('region', filters.region);
  if (filters.q) params.set('q', filters.q);
  const page = useApi<ResourcesAnswer>(`${inventoryPath(ws, 'resources')}?${params.toString()}`);
  const { reload } = page;
  useEffect(() => {
    if (generation > 0) reload();
  }, [generation, reload]);
  const data = page.data;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onFilters({ ...filters, q: text.trim() });
  };
  const first = data && data.total > 0 ? data.offset + 1 : 0;
  const last = data ? data.offset + data.resources.length : 0;
  return (
    <section className="card inv-section" aria-labelledby="inv-resources">
      <h3 id="inv-resources">Resources</h3>
      <form className="inv-filters" onSubmit={submit} role="search" aria-label="Filter resources">
        <div className="inv-field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select
            id={`${id}-type`}
            value={filters.type ?? ''}
            onChange={(e) => onFilters({ ...filters, type: e.target.value || undefined })}
          >
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t.type} value={t.type}>
                {t.type}
              </option>
            ))}
          </select>
        </div>
        <div className="inv-field">
          <label htmlFor={`${id}-account`}>Account</label>
          <select
            id={`${id}-account`}
            value={filters.account}
            onChange={(e) => onFilters({ ...filters, account: e.target.value })}
          >
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div className="inv-field">
          <label htmlFor={`${id}-region`}>Region</label>
          <select
            id={`${id}-region`}
            value={filters.region}
            onChange={(e) => onFilters({ ...filters, region: e.target.value })}
          >
            <option value="">All regions</option>
            {regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <label className="inv-text">
          Name, ARN or tag contains
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorLine error={page.error} />
      {data ? (
        <>
          <p className="muted" aria-live="polite" data-testid="resources-range">
            {data.total === 0 ? 'No resources match.' : `${first}–${last} of ${data.total}`}
          </p>
          {data.resources.length > 0 ? (
            <div className="table-wrap" tabIndex={0} role="region" aria-label="Resources table">
              <table className="inv-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Type</th>
                    <th scope="col">Account</th>
                    <th scope="col">Region</th>
                    <th scope="col">Tags</th>
                    <th scope="col">ARN</th>
                  </tr>
                </thead>
                <tbody>
                  {data.resources.map((r) => (
                    <tr key={`${r.type} ${r.arn} ${r.region} ${r.account_id}`}>
                      <td>{r.name ?? <span className="muted">—</span>}</td>
                      <td>{r.type}</td>
                      <td>
                        {r.account_name} {r.stage ? <span className={stageClass(r.stage)}>{r.stage}</span> : null}
                      </td>
                      <td>{r.region}</td>
                      <td className="inv-tags">
                        {Object.entries(r.tags)
                          .map(([k, v]) => `${k}=${v}`)
                          .join(', ')}
                      </td>
                      <td className="inv-arn">{r.arn}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <div className="inv-paging">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - limit))}>
              Previous page
            </button>
            <button type="button" disabled={last >= data.total} onClick={() => setOffset(offset + limit)}>
              Next page
            </button>
            <div className="inv-field inv-inline">
              <label htmlFor={`${id}-limit`}>Per page</label>
              <select id={`${id}-limit`} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </>
      ) : page.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
    </section>
  );
}
