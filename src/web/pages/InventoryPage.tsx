import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ErrorLine } from '../components/ErrorLine.js';
import { useApi } from '../use-api.js';
import { atLeast, useWorkspace } from '../workspace.js';
import { CoverageTable } from './inventory/CoverageTable.js';
import { inventoryPath, type CoverageAnswer, type TypesAnswer } from './inventory/inventory-types.js';
import { ResourcesTable, type ResourceFilters } from './inventory/ResourcesTable.js';
import { SqlBox } from './inventory/SqlBox.js';
import { timeAgo } from './inventory/time-ago.js';
import { TypesList } from './inventory/TypesList.js';
import './inventory/inventory.css';

const NO_FILTERS: ResourceFilters = { type: undefined, account: '', region: '', q: '' };

/**
 * The workspace's inventory (issue 11 item 6): what its syncs found, per type, with filters; the coverage of the
 * syncs (`sync_status`) with each slice's age; and read-only SQL with `crossbar query`'s limits. Everything comes
 * from the server's inventory routes, within the workspace's accounts.
 */
export function InventoryPage() {
  const { name, detail } = useWorkspace();
  const types = useApi<TypesAnswer>(inventoryPath(name, 'types'));
  const coverage = useApi<CoverageAnswer>(inventoryPath(name, 'coverage'));
  const [filters, setFilters] = useState<ResourceFilters>(NO_FILTERS);
  const [generation, setGeneration] = useState(0);
  const { reload: reloadTypes } = types;
  const { reload: reloadCoverage } = coverage;
  const reload = useCallback(() => {
    reloadTypes();
    reloadCoverage();
    setGeneration((n) => n + 1);
  }, [reloadTypes, reloadCoverage]);
  useEffect(() => setFilters(NO_FILTERS), [name]);
  const accounts = (detail.data?.accounts ?? []).map((a) => ({ id: a.id, name: a.name }));
  const newest = coverage.data?.slices.reduce<number | null>(
    (min, s) => (s.age_seconds === null ? min : min === null ? s.age_seconds : Math.min(min, s.age_seconds)),
    null,
  );
  const mayRun = atLeast(detail.data?.role, 'operator');
  return (
    <section className="inventory" aria-labelledby="inv-title">
      <div className="inv-head">
        <h2 id="inv-title">Inventory</h2>
        <button type="button" onClick={reload}>
          Reload
        </button>
      </div>
      <ErrorLine error={types.error ?? coverage.error} />
      {types.data && !types.data.synced ? (
        <p className="card" data-testid="inventory-empty">
          No sync yet in {name}.{' '}
          {mayRun ? (
            <>
              Start one from <Link to={`/w/${encodeURIComponent(name)}/runs`}>Runs</Link> (inventory sync).
            </>
          ) : (
            'An operator of the workspace starts one from Runs.'
          )}
        </p>
      ) : null}
      {types.data?.synced ? (
        <p className="muted" data-testid="inventory-summary">
          {types.data.total} resources of {types.data.types.filter((t) => t.count > 0).length} types in{' '}
          {types.data.accounts.length} accounts
          {newest !== undefined && newest !== null ? ` · last read ${timeAgo(newest)}` : ''}
        </p>
      ) : null}
      {types.data ? (
        <section className="card inv-section" aria-labelledby="inv-types">
          <h3 id="inv-types">Types</h3>
          {types.data.types.length > 0 ? (
            <TypesList
              types={types.data.types}
              selected={filters.type}
              onSelect={(type) => setFilters({ ...filters, type })}
            />
          ) : (
            <p className="muted">Nothing synced yet.</p>
          )}
        </section>
      ) : types.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
      {types.data ? (
        <ResourcesTable
          ws={name}
          types={types.data.types}
          accounts={accounts}
          regions={types.data.regions}
          filters={filters}
          onFilters={setFilters}
          generation={generation}
        />
      ) : null}
      {coverage.data ? <CoverageTable coverage={coverage.data} /> : null}
      <SqlBox ws={name} />
    </section>
  );
}
