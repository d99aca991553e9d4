/** The shapes the server answers with (docs/SERVER.md), as the web UI reads them. */
export interface User {
  id: string;
  username: string;
  display_name: string;
  server_role: string;
  totp_enrolled: boolean;
}

export interface SessionAnswer {
  user: User;
  via?: string;
  csrf_token: string | null;
  expires_at: string | null;
}

export type WorkspaceRole = 'owner' | 'admin' | 'operator' | 'viewer';

export interface WorkspaceSummary {
  name: string;
  description?: string | null;
  role: WorkspaceRole;
  connection: { kind: string };
  accounts: string[];
  member_count: number;
}

export interface AccountRole {
  key: string;
  name: string;
  confirm: boolean;
  /** crossbar.yaml's `mfa`: `required` for an admin role. */
  mfa: string;
  /** The console's switch-role link (seed 004), as `crossbar console --switch-role` builds it. */
  switch_role_url?: string;
}

export interface WorkspaceAccount {
  id: string;
  name: string;
  alias?: string;
  stage: string;
  color?: string;
  ou?: string;
  tags: Record<string, string>;
  regions: string[];
  roles: AccountRole[];
}

export interface Shortcut {
  name: string;
  account: string;
  account_id: string;
  role: string;
  region?: string | null;
}

export interface WorkspaceDetail {
  workspace: {
    name: string;
    description?: string | null;
    connection: { kind: string; role_arn?: string; profile?: string; external_id_set?: boolean };
    accounts: string[];
    roles: string[];
    created_at: string;
  };
  role: WorkspaceRole;
  limits?: unknown;
  accounts: WorkspaceAccount[];
  shortcuts: Shortcut[];
  /** Where vended credentials work when it is not AWS itself (a sandbox). */
  endpoint?: string;
}
