import { useState, type FormEvent } from 'react';
import { del, post, seg, type ApiError } from '../../api.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import { TableScroll } from '../../components/TableScroll.js';
import { useApi } from '../../use-api.js';
import { asApiError } from './errors.js';

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

interface MadeToken {
  id: string;
  token: string;
  prefix: string;
  name: string;
  expires_at: string;
}

const EXPIRIES = [7, 30, 90, 365] as const;

/** The member's API tokens (issue 11 item 1): list, create (the token shown this once), revoke. */
export function TokensSection() {
  const tokens = useApi<{ tokens: TokenRow[] }>('/api/tokens');
  const [name, setName] = useState('');
  const [days, setDays] = useState<number>(90);
  const [made, setMade] = useState<MadeToken | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setMade(await post<MadeToken>('/api/tokens', { name: name.trim(), expires_in_days: days }));
      setName('');
      tokens.reload();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (row: TokenRow) => {
    setError(undefined);
    try {
      await del(`/api/tokens/${seg(row.id)}`);
      if (made?.id === row.id) setMade(undefined);
      tokens.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };

  const rows = tokens.data?.tokens ?? [];
  return (
    <section className="card me-section" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p>
        For the CLI and scripts: send one as <code>Authorization: Bearer …</code>. It acts as you, with your
        permissions.
      </p>
      <form className="token-form" onSubmit={(e) => void create(e)}>
        <label>
          Token name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={128} required />
        </label>
        <label>
          Expires in
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {EXPIRIES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Create token
        </button>
      </form>
      <ErrorLine error={error} />
      {made ? <NewToken made={made} onDismiss={() => setMade(undefined)} /> : null}
      <ErrorLine error={tokens.error} />
      {rows.length === 0 && !tokens.loading ? <p className="muted">No tokens yet.</p> : null}
      {rows.length > 0 ? (
        <TableScroll label="Your API tokens">
          <table className="token-table">
            <caption className="visually-hidden">Your API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const status = statusOf(row);
                return (
                  <tr key={row.id} data-testid={`token-${row.name}`}>
                    <td>{row.name}</td>
                    <td>
                      <code>{row.prefix}…</code>
                    </td>
                    <td>{day(row.created_at)}</td>
                    <td>{day(row.expires_at)}</td>
                    <td>{row.last_used_at ? day(row.last_used_at) : 'never'}</td>
                    <td className={`token-${status}`}>{status}</td>
                    <td>
                      {status === 'active' ? (
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Revoke token ${row.name}`}
                          onClick={() => void revoke(row)}
                        >
                          Revoke
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </section>
  );
}

/** The token, this once: the server keeps only its hash. */
function NewToken({ made, onDismiss }: { made: MadeToken; onDismiss: () => void }) {
  const [copied, setCopied] = useState<string | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(made.token);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused the clipboard: select the token and copy it.');
    }
  };
  return (
    <div className="new-token" role="status" aria-labelledby="new-token-title">
      <h3 id="new-token-title">Token “{made.name}” created</h3>
      <p>
        <strong>Copy it now: you will not see it again.</strong> It expires on {day(made.expires_at)}.
      </p>
      <div className="row new-token-value">
        <code className="secret" data-testid="new-token">
          {made.token}
        </code>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      {copied ? <p className="muted">{copied}</p> : null}
      <button type="button" className="link" onClick={onDismiss}>
        I have copied it
      </button>
    </div>
  );
}

function statusOf(row: TokenRow): 'active' | 'revoked' | 'expired' {
  if (row.revoked_at) return 'revoked';
  return Date.parse(row.expires_at) <= Date.now() ? 'expired' : 'active';
}

/** A date as the reader's locale writes it. */
function day(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleDateString();
}
