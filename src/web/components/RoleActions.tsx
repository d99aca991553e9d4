import type { AccountRole, WorkspaceAccount } from '../types.js';
import { guardOf } from '../vend.js';

export type VendPurpose = 'console' | 'credentials';

/**
 * One role the member may use in an account: its name and guards, "Open console", the console's switch-role link and
 * "Copy credentials". A viewer sees the role and the link, not the buttons (the server refuses them anyway).
 */
export function RoleActions({
  account,
  role,
  mayVend,
  onVend,
}: {
  account: WorkspaceAccount;
  role: AccountRole;
  mayVend: boolean;
  onVend(account: WorkspaceAccount, role: AccountRole, purpose: VendPurpose): void;
}) {
  const guard = guardOf(role);
  const target = `${account.name} as ${role.key}`;
  return (
    <div className="role-line">
      <span className="role-name" title={role.name === role.key ? role.key : `${role.key}: IAM role ${role.name}`}>
        {role.key}
        {guard.secondFactor ? <span className="guard">TOTP</span> : null}
        {guard.confirm ? <span className="guard">confirm</span> : null}
      </span>
      <span className="role-buttons">
        {mayVend ? (
          <button type="button" aria-label={`Open console: ${target}`} onClick={() => onVend(account, role, 'console')}>
            Open console
          </button>
        ) : null}
        {role.switch_role_url ? (
          <a
            href={role.switch_role_url}
            target="_blank"
            rel="noopener noreferrer"
            aria-label={`Switch role link: ${target}`}
          >
            Switch role
          </a>
        ) : null}
        {mayVend ? (
          <button
            type="button"
            aria-label={`Copy credentials: ${target}`}
            onClick={() => onVend(account, role, 'credentials')}
          >
            Copy credentials
          </button>
        ) : null}
      </span>
    </div>
  );
}
