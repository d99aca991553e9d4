import { useMemo, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, post, seg } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { useApi } from '../use-api.js';
import { atLeast, useWorkspace } from '../workspace.js';
import { OperationPicker } from './OperationPicker.js';
import type { OperationEntry, RunStarted, SelectionAnswer } from './run-types.js';
import { useDebounced } from './use-debounced.js';

/** A region as the server takes one (run-request.ts): `us-east-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function initialParams(entry: OperationEntry): string {
  const required = entry.parameters.filter((p) => p.required);
  if (required.length === 0) return '{}';
  return JSON.stringify(Object.fromEntries(required.map((p) => [p.name, p.type === 'number' ? 0 : ''])), null, 2);
}

/**
 * A new run (operator+): the operation and its parameters, the selector (with how many accounts it matches, as
 * the server selects), the regions (the workspace's accounts' regions, or others typed in), and, when a target's
 * role asks for them, the confirmation and the member's TOTP code. The server checks it all again; its refusal
 * is shown as it words it.
 */
export function NewRunForm() {
  const { name: ws, detail } = useWorkspace();
  const navigate = useNavigate();
  const role = detail.data?.role;
  const accounts = useMemo(() => detail.data?.accounts ?? [], [detail.data]);
  const knownRegions = useMemo(() => [...new Set(accounts.flatMap((a) => a.regions))].sort(), [accounts]);
  const roleKeys = useMemo(() => [...new Set(accounts.flatMap((a) => a.roles.map((r) => r.key)))].sort(), [accounts]);

  const [operation, setOperation] = useState<OperationEntry | undefined>(undefined);
  const [params, setParams] = useState('{}');
  const [selector, setSelector] = useState('all');
  const [runRole, setRunRole] = useState('');
  const [checked, setChecked] = useState<Set<string> | undefined>(undefined);
  const [otherRegions, setOtherRegions] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<ApiError | Error | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const regionsChecked = checked ?? new Set(knownRegions);
  const settledSelector = useDebounced(selector.trim(), 300);
  const selection = useApi<SelectionAnswer>(
    settledSelector
      ? `/api/workspaces/${seg(ws)}/selection?selector=${encodeURIComponent(settledSelector)}${runRole ? `&role=${encodeURIComponent(runRole)}` : ''}`
      : undefined,
  );
  const picked = selection.data?.accounts ?? [];
  const pickedRoles = picked.flatMap(
    (p) => accounts.find((a) => a.name === p.name)?.roles.filter((r) => r.key === p.role) ?? [],
  );
  const needsConfirm = pickedRoles.some((r) => r.confirm);
  // As the server's guard (vend-guard.ts): an admin role (MFA required) or a guarded one needs a fresh second factor.
  const needsMfa = pickedRoles.some((r) => r.mfa === 'required' || r.confirm);

  if (!atLeast(role, 'operator'))
    return (
      <p className="meta" data-testid="cannot-start">
        You are {role ?? 'a viewer'} in {ws}: you can see its runs, but starting one needs the operator role.
      </p>
    );

  const choose = (entry: OperationEntry) => {
    setOperation(entry);
    setParams(initialParams(entry));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!operation) return setError(new Error('Pick an operation first.'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(params.trim() || '{}');
    } catch (err) {
      return setError(
        new Error(`The parameters are not valid JSON: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    const extra = otherRegions
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const bad = extra.filter((r) => !REGION.test(r));
    if (bad.length > 0) return setError(new Error(`Not a region: ${bad.join(', ')} (a region reads like us-east-1).`));
    const regions = [...new Set([...knownRegions.filter((r) => regionsChecked.has(r)), ...extra])];
    if (regions.length === 0) return setError(new Error('Pick at least one region.'));
    const body: Record<string, unknown> = {
      kind: 'run',
      selector: selector.trim(),
      regions,
      service: operation.service,
      operation: operation.operation,
      params: parsed,
    };
    if (runRole) body['role'] = runRole;
    if (confirm) body['confirm'] = true;
    if (totp.trim()) body['totp_code'] = totp.trim();
    setBusy(true);
    try {
      const started = await post<RunStarted>(`/api/workspaces/${seg(ws)}/runs`, body);
      void navigate(`/w/${seg(ws)}/runs/${seg(started.id)}`);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
      setBusy(false);
    }
  };

  return (
    <form className="new-run" onSubmit={(e) => void submit(e)} aria-label="New run">
      <OperationPicker value={operation} onChange={choose} />
      {operation ? (
        <label className="run-field">
          Parameters (JSON, sent to every target)
          <textarea
            rows={Math.min(8, params.split('\n').length + 1)}
            value={params}
            onChange={(e) => setParams(e.target.value)}
            spellCheck={false}
          />
        </label>
      ) : null}

      <fieldset className="run-field">
        <legend>Accounts</legend>
        <label>
          Selector
          <input
            value={selector}
            onChange={(e) => setSelector(e.target.value)}
            placeholder="all, stage=dev, development,staging, !client-acme"
            autoComplete="off"
          />
        </label>
        <div className="meta" aria-live="polite" data-testid="selector-matches">
          {selection.error ? (
            <ErrorLine error={selection.error} />
          ) : selection.data ? (
            <>
              matches {picked.length} account{picked.length === 1 ? '' : 's'}
              {picked.length > 0 ? `: ${picked.map((p) => p.name).join(', ')}` : ''}
              {picked.some((p) => !p.usable)
                ? ` — you may not use ${picked
                    .filter((p) => !p.usable)
                    .map((p) => `${p.role} in ${p.name}`)
                    .join(', ')}: the run would be refused`
                : ''}
            </>
          ) : (
            '…'
          )}
        </div>
        <label>
          Role
          <select value={runRole} onChange={(e) => setRunRole(e.target.value)}>
            <option value="">each account’s default role</option>
            {roleKeys.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </fieldset>

      <fieldset className="run-field regions">
        <legend>Regions</legend>
        <div className="region-boxes">
          {knownRegions.map((r) => (
            <label key={r} className="checkbox">
              <input
                type="checkbox"
                checked={regionsChecked.has(r)}
                onChange={(e) => {
                  const next = new Set(regionsChecked);
                  if (e.target.checked) next.add(r);
                  else next.delete(r);
                  setChecked(next);
                }}
              />
              {r}
            </label>
          ))}
        </div>
        <label>
          Other regions (comma-separated)
          <input value={otherRegions} onChange={(e) => setOtherRegions(e.target.value)} placeholder="e.g. eu-south-1" />
        </label>
      </fieldset>

      {needsConfirm || needsMfa ? (
        <fieldset className="run-field guarded">
          <legend>Guarded roles</legend>
          {needsConfirm ? (
            <label className="checkbox">
              <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} />I confirm this
              run uses a guarded role (
              {pickedRoles
                .filter((r) => r.confirm)
                .map((r) => r.key)
                .join(', ')}
              )
            </label>
          ) : null}
          {needsMfa ? (
            <label>
              Your TOTP code
              <input
                inputMode="numeric"
                autoComplete="one-time-code"
                value={totp}
                onChange={(e) => setTotp(e.target.value)}
              />
            </label>
          ) : null}
        </fieldset>
      ) : null}

      <ErrorLine error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !operation}>
          {busy ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}
