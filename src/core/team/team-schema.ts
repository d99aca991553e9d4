import type { Generated, Kysely } from 'kysely';

/**
 * The team server's database, as Kysely sees it: one schema for SQLite and PostgreSQL. Portable column types
 * only: text ids (random, not sequences), ISO-8601 UTC timestamps as text (they sort), integers for flags and
 * counts, JSON as text. Secrets are never stored: passwords as argon2id hashes, session and API tokens as
 * SHA-256 hashes, TOTP secrets encrypted with the server's key.
 */
export interface TeamDatabase {
  settings: SettingsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  device_codes: DeviceCodesTable;
  workspaces: WorkspacesTable;
  members: MembersTable;
  shortcuts: ShortcutsTable;
  trail: TrailTable;
  trail_heads: TrailHeadsTable;
  runs: RunsTable;
  run_results: RunResultsTable;
}

export type TeamDb = Kysely<TeamDatabase>;

/** Key/value settings of the server: `setup_token_hash`, `setup_done_at`, `server_key` (encrypted at rest). */
export interface SettingsTable {
  key: string;
  value: string;
}

/** `server_role` owner: may create workspaces and manage users; member: what their memberships allow. */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  server_role: 'owner' | 'member';
  created_at: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
  /** The member's own TOTP secret, encrypted (AES-256-GCM with the server key); null until enrolled. */
  totp_secret_enc: string | null;
  totp_enrolled_at: string | null;
  /** The last TOTP time step used, so that a code is used once. */
  totp_last_step: number | null;
}

/** A browser or CLI session: the cookie's token is random; only its SHA-256 is stored. */
export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  address: string;
  /** When the member last proved a second factor (TOTP) in this session: admin roles need it fresh. */
  second_factor_at: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the token; the token itself is shown once. */
  token_hash: string;
  /** The first characters of the token (`xbt_3f9a…`), to tell tokens apart in a list. */
  prefix: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  second_factor_at: string | null;
}

/** `crossbar login --server URL`: a device-style code the user confirms while signed in. */
export interface DeviceCodesTable {
  device_code_hash: string;
  user_code: string;
  created_at: string;
  expires_at: string;
  approved_by: string | null;
  approved_at: string | null;
  /** Set once the CLI has collected its token; a code is collected once. */
  collected_at: string | null;
  client_name: string;
}

/**
 * A workspace (seed 000): its connection (how the server gets into its primary account), the accounts it reaches
 * (registry selectors), the roles members may use, as JSON.
 */
export interface WorkspacesTable {
  id: string;
  name: string;
  description: string;
  connection_json: string;
  accounts_json: string;
  roles_json: string;
  created_at: string;
  created_by: string;
}

export type WorkspaceRole = 'owner' | 'admin' | 'operator' | 'viewer';

export interface MembersTable {
  workspace_id: string;
  user_id: string;
  role: WorkspaceRole;
  /** Per-account limits as JSON: `[{ "accounts": "stage!=dev", "roles": ["CrossbarReadOnly"] }]`. */
  limits_json: string;
  added_at: string;
  added_by: string;
}

export interface ShortcutsTable {
  workspace_id: string;
  name: string;
  account: string;
  role: string;
  region: string;
  created_at: string;
  created_by: string;
}

/**
 * The trail: append-only, one hash chain per workspace (chain = the workspace's id, or `server` for what belongs
 * to no workspace: sign-ins, tokens). Each entry holds the hash of the previous entry of its chain and its own
 * hash over its canonical content.
 */
export interface TrailTable {
  chain: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  workspace: string | null;
  target: string | null;
  outcome: string;
  address: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

/** The head of each chain, locked while appending so that two writers never fork a chain. */
export interface TrailHeadsTable {
  chain: string;
  seq: number;
  hash: string;
}

export interface RunsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  kind: 'run' | 'sync';
  request_json: string;
  status: 'running' | 'finished' | 'failed' | 'interrupted';
  started_at: string;
  finished_at: string | null;
  ok_count: number;
  failed_count: number;
  summary: string | null;
  /** The server process running it (0002): its next start interrupts what it left running. */
  runner: string | null;
  /** Last sign of life of a running run (0002): a run whose runner went quiet is interrupted by any server. */
  heartbeat_at: string | null;
  /** Targets known at the start (accounts × regions); null while `regions: all` discovers them (0002). */
  target_count: number | null;
}

export interface RunResultsTable {
  run_id: string;
  seq: number;
  account_id: string;
  account_name: string;
  region: string;
  ok: number;
  code: string | null;
  message: string | null;
  value_json: string | null;
  /** AWS's own error code of a failed target (`AuthFailure`, `UnauthorizedOperation`), when AWS answered (0002). */
  aws_code: string | null;
}

export type { Generated };
