import { useEffect, useState } from 'react';
import { ApiError, del, seg } from '../api.js';
import { ErrorLine } from '../components/ErrorLine.js';
import { TableScroll } from '../components/TableScroll.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { atLeast, useWorkspace } from '../workspace.js';
import { InviteForm } from './members/InviteForm.js';
import { MemberEditor } from './members/MemberEditor.js';
import {
  accountSuggestions,
  describeLimit,
  ROLE_MEANS,
  ROLES,
  workspaceRoleKeys,
  type Member,
} from './members/member-types.js';
import './members/members.css';

/**
 * Members and permissions (issue 11 item 9; seed 000 "review who has access"): every member sees who has access
 * and with which role and limits; owners and admins add people, change their role and per-account limits, and
 * remove them (owners alone touch owners). Every change reaches the other members' open pages at once (the
 * workspace's change events re-read the list and the caller's own role).
 */
export function MembersPage() {
  const { name, detail, changes } = useWorkspace();
  const { user } = useSession();
  const members = useApi<{ members: Member[] }>(`/api/workspaces/${seg(name)}/members`);
  const myRole = detail.data?.role;
  const canManage = atLeast(myRole, 'admin');
  const isOwner = myRole === 'owner';
  const serverOwner = user?.server_role === 'owner';
  const users = useApi<{ users: { username: string }[] }>(serverOwner && canManage ? '/api/users' : undefined);
  const [editing, setEditing] = useState<string | undefined>();
  const [removing, setRemoving] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const { reload } = members;
  useEffect(() => {
    if (changes > 0) reload();
  }, [changes, reload]);

  const list = members.data?.members ?? [];
  const roleKeys = workspaceRoleKeys(detail.data);
  const suggestions = accountSuggestions(detail.data);
  const grantable = ROLES.filter((r) => r !== 'owner' || isOwner);
  const editingMember = list.find((m) => m.username === editing);
  const memberNames = new Set(list.map((m) => m.username));
  const mayTouch = (m: Member) => canManage && (m.role !== 'owner' || isOwner);

  async function remove(member: Member) {
    setError(undefined);
    setNotice(undefined);
    try {
      await del(`/api/workspaces/${seg(name)}/members/${seg(member.username)}`);
      setNotice(`${member.username} no longer has access to ${name}`);
      setRemoving(undefined);
      members.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
      setRemoving(undefined);
    }
  }

  return (
    <section className="members-page" aria-labelledby="members-heading">
      <h2 id="members-heading">Members of {name}</h2>
      <p className="muted">
        Who has access to {name}, with which role and per-account limits.{' '}
        {canManage
          ? isOwner
            ? 'As an owner you add, change and remove members, owners included.'
            : 'As an admin you add, change and remove members below owner.'
          : `You are ${myRole ?? '…'}: owners and admins change who has access.`}
      </p>
      <ErrorLine error={members.error ?? error} />
      {notice ? (
        <p role="status" className="ok-line">
          {notice}
        </p>
      ) : null}
      {members.data === undefined && !members.error ? <p className="loading">Loading…</p> : null}
      {list.length > 0 ? (
        <TableScroll label="Members table">
          <table className="members-table">
            <caption className="visually-hidden">Members of {name}</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Per-account limits</th>
                <th scope="col">Added</th>
                {canManage ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.username} data-member={m.username}>
                  <th scope="row">
                    <span className="member-name">{m.display_name || m.username}</span>
                    {m.display_name && m.display_name !== m.username ? (
                      <span className="muted"> {m.username}</span>
                    ) : null}
                    {m.username === user?.username ? <span className="muted"> (you)</span> : null}
                  </th>
                  <td>
                    <span className={`role-badge role-${m.role}`} title={ROLE_MEANS[m.role]} data-testid="member-role">
                      {m.role}
                    </span>
                  </td>
                  <td data-testid="member-limits">
                    {m.limits.length === 0 ? (
                      <span className="muted">none</span>
                    ) : (
                      <ul className="limit-list">
                        {m.limits.map((l, i) => (
                          <li key={i}>
                            <code>{describeLimit(l)}</code>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    <time dateTime={m.added_at}>{m.added_at.slice(0, 10)}</time>
                  </td>
                  {canManage ? (
                    <td className="row-actions">
                      {!mayTouch(m) ? (
                        <span className="muted">owners only</span>
                      ) : removing === m.username ? (
                        <span className="confirm">
                          Remove {m.username} from {name}?{' '}
                          <button type="button" className="danger" onClick={() => void remove(m)}>
                            Yes, remove
                          </button>{' '}
                          <button type="button" onClick={() => setRemoving(undefined)}>
                            Keep
                          </button>
                        </span>
                      ) : (
                        <>
                          <button
                            type="button"
                            aria-label={`Change ${m.username}`}
                            onClick={() => {
                              setEditing(m.username);
                              setNotice(undefined);
                            }}
                          >
                            Change
                          </button>{' '}
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Remove ${m.username}`}
                            onClick={() => setRemoving(m.username)}
                          >
                            Remove
                          </button>
                        </>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      {canManage && editingMember ? (
        <MemberEditor
          key={editingMember.username}
          workspace={name}
          member={editingMember}
          roles={grantable}
          roleKeys={roleKeys}
          suggestions={suggestions}
          onDone={(saved) => {
            setEditing(undefined);
            if (saved) {
              setNotice(`${editingMember.username}’s access to ${name} changed`);
              members.reload();
            }
          }}
        />
      ) : null}
      {canManage ? (
        <InviteForm
          workspace={name}
          roles={grantable}
          roleKeys={roleKeys}
          suggestions={suggestions}
          serverOwner={serverOwner}
          users={(users.data?.users ?? []).map((u) => u.username).filter((u) => !memberNames.has(u))}
          onAdded={() => {
            members.reload();
            users.reload();
          }}
        />
      ) : null}
    </section>
  );
}
