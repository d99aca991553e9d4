import { useId, useState } from 'react';
import { ErrorLine } from '../components/ErrorLine.js';
import { TableScroll } from '../components/TableScroll.js';
import { useApi } from '../use-api.js';
import type { OperationEntry, OperationsAnswer } from './run-types.js';
import { useDebounced } from './use-debounced.js';

const SHOWN = 40;

/**
 * The operation to run, searched among the read operations of the service models (GET /api/operations: what a run
 * through the server accepts, nothing it would refuse), with the chosen one's parameters from the same model.
 */
export function OperationPicker({
  value,
  onChange,
}: {
  value: OperationEntry | undefined;
  onChange(entry: OperationEntry): void;
}) {
  const [query, setQuery] = useState('ec2 describe instances');
  const settled = useDebounced(query.trim());
  const found = useApi<OperationsAnswer>(`/api/operations?limit=${SHOWN}&q=${encodeURIComponent(settled)}`);
  const name = useId();
  const operations = found.data?.operations ?? [];
  return (
    <fieldset className="run-field operation-picker">
      <legend>Operation</legend>
      <label>
        Search operations
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="e.g. ec2 describe instances, iam list roles"
          autoComplete="off"
        />
      </label>
      <ErrorLine error={found.error} />
      <p className="meta" aria-live="polite">
        {found.loading && !found.data
          ? 'Searching…'
          : `${found.data?.total ?? 0} read operation${found.data?.total === 1 ? '' : 's'} match${found.data?.total === 1 ? 'es' : ''}${found.data?.truncated ? `, the first ${SHOWN} shown` : ''}`}
      </p>
      <div className="operation-list" role="radiogroup" aria-label="Matching operations">
        {operations.map((o) => {
          const key = `${o.service} ${o.operation}`;
          return (
            <label key={key} className="operation-option">
              <input
                type="radio"
                name={name}
                value={key}
                checked={value?.service === o.service && value.operation === o.operation}
                onChange={() => onChange(o)}
              />
              <span>
                <span className="operation-service">{o.service}</span> {o.operation}
              </span>
            </label>
          );
        })}
      </div>
      {value ? <OperationDetails entry={value} /> : <p className="meta">Pick an operation.</p>}
    </fieldset>
  );
}

function OperationDetails({ entry }: { entry: OperationEntry }) {
  return (
    <div className="operation-details" data-testid="operation-details">
      <p>
        <strong>
          {entry.service} {entry.operation}
        </strong>{' '}
        <span className="meta">
          — {entry.global ? 'once per account (a global call)' : 'once per account and region'}
          {entry.paginated ? ', every page followed' : ''}; a read: {entry.why}
        </span>
      </p>
      {entry.parameters.length === 0 ? (
        <p className="meta">It takes no parameters.</p>
      ) : (
        <TableScroll label={`Parameters of ${entry.operation}`}>
          <table className="parameter-table">
            <caption>Parameters of {entry.operation}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Required</th>
              </tr>
            </thead>
            <tbody>
              {entry.parameters.map((p) => (
                <tr key={p.name}>
                  <td>
                    <code>{p.name}</code>
                  </td>
                  <td>{p.type}</td>
                  <td>{p.required ? 'required' : 'optional'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
