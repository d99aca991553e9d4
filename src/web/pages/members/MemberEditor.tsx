import { useState, type FormEvent } from 'react';
import { ApiError, put, seg } from '../../api.js';
import { ErrorLine } from '../../components/ErrorLine.js';
import type { WorkspaceRole } from '../../types.js';
import { LimitsEditor } from './LimitsEditor.js';
import { ROLE_MEANS, type Member, type MemberLimit } from './member-types.js';

/** Changes a member's workspace role and per-account limits (PUT …/members/:user); a refusal shows why. */
export function MemberEditor({
  workspace,
  member,
  roles,
  roleKeys,
  suggestions,
  onDone,
}: {
  workspace: string;
  member: Member;
  /** The roles the caller may hand out (owner only for owners). */
  roles: readonly WorkspaceRole[];
  roleKeys: string[];
  suggestions: string[];
  onDone(saved: boolean): void;
}) {
  const [role, setRole] = useState<WorkspaceRole>(member.role);
  const [limits, setLimits] = useState<MemberLimit[]>(member.limits);
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const who = member.display_name || member.username;

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await put(`/api/workspaces/${seg(workspace)}/members/${seg(member.username)}`, { role, limits });
      onDone(true);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card member-form" aria-label={`Change ${member.username}`} onSubmit={(e) => void save(e)}>
      <h3>
        Change {who}’s access to {workspace}
      </h3>
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
      <LimitsEditor
        id={`edit-${member.username}`}
        limits={limits}
        onChange={setLimits}
        roleKeys={roleKeys}
        suggestions={suggestions}
      />
      <ErrorLine error={error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
