import { useState, type FormEvent } from 'react';
import { ApiError, post, put, seg } from '../../api.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import type { WorkspaceRole } from '../../types.js';
import { LimitsEditor } from './LimitsEditor.js';
import { ROLE_MEANS, type MemberLimit } from './member-types.js';

/**
 * Adds someone to the workspace (PUT …/members/:user): an existing user of the server, or — for a server owner —
 * a new user created first (POST /api/users) with a first password to hand over. Refusals show the server's reason.
 */
export function InviteForm({
  workspace,
  roles,
  roleKeys,
  suggestions,
  serverOwner,
  users,
  onAdded,
}: {
  workspace: string;
  roles: readonly WorkspaceRole[];
  roleKeys: string[];
  suggestions: string[];
  serverOwner: boolean;
  /** The server's users not yet members (server owners may list them), for suggestions. */
  users: string[];
  onAdded(username: string): void;
}) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<WorkspaceRole>('viewer');
  const [limits, setLimits] = useState<MemberLimit[]>([]);
  const [create, setCreate] = useState(false);
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    const name = username.trim();
    let created = false;
    try {
      if (create) {
        await post('/api/users', { username: name, password, ...(displayName ? { display_name: displayName } : {}) });
        created = true;
      }
      await put(`/api/workspaces/${seg(workspace)}/members/${seg(name)}`, { role, limits });
      setDone(`${name} ${created ? 'was created and ' : ''}is now ${role} of ${workspace}`);
      setUsername('');
      setPassword('');
      setDisplayName('');
      setLimits([]);
      setCreate(false);
      onAdded(name);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err));
      setError(
        created
          ? new ApiError(e.status, e.code, `${name} was created on the server but not added: ${e.message}`, e.hint)
          : e,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card member-form" aria-label="Add a member" onSubmit={(e) => void submit(e)}>
      <h3>Add a member to {workspace}</h3>
      <div className="form-grid">
        <label>
          Username
          <input
            value={username}
            required
            autoComplete="off"
            list={users.length > 0 ? 'invite-users' : undefined}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        {users.length > 0 ? (
          <datalist id="invite-users">
            {users.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        ) : null}
        <label>
          Workspace role
          <select value={role} onChange={(e) => setRole(e.target.value as WorkspaceRole)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r} — {ROLE_MEANS[r]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {serverOwner ? (
        <label className="check">
          <input type="checkbox" checked={create} onChange={(e) => setCreate(e.target.checked)} />
          Create this user on the server first (you are a server owner)
        </label>
      ) : (
        <p className="muted">They must already have a user on this server; a server owner adds users.</p>
      )}
      {create ? (
        <div className="form-grid">
          <label>
            Display name (optional)
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
          <label>
            First password (hand it over privately)
            <input
              type="password"
              value={password}
              required
              autoComplete="new-password"
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
        </div>
      ) : null}
      <LimitsEditor id="invite" limits={limits} onChange={setLimits} roleKeys={roleKeys} suggestions={suggestions} />
      <ErrorLine error={error} />
      {done ? (
        <p role="status" className="ok-line">
          {done}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          Add to {workspace}
        </button>
      </div>
    </form>
  );
}
