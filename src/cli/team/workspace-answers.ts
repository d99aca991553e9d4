import { z } from 'zod';
import { parseWith } from './parse-with.js';

/** The server's answers about workspaces, members and shortcuts (docs/SERVER.md), as the CLI reads them. */
const WorkspaceRole = z.enum(['owner', 'admin', 'operator', 'viewer']);
export type WorkspaceRoleName = z.infer<typeof WorkspaceRole>;
export const WORKSPACE_ROLE_NAMES = WorkspaceRole.options;

const Limit = z.object({ accounts: z.string(), roles: z.array(z.string()) });
export type MemberLimitAnswer = z.infer<typeof Limit>;

const Listed = z.object({
  name: z.string(),
  description: z.string(),
  role: WorkspaceRole,
  connection: z.object({ kind: z.string() }),
  accounts: z.array(z.string()),
  member_count: z.number(),
});
export type ListedWorkspace = z.infer<typeof Listed>;

export const parseWorkspaceList = parseWith(z.object({ workspaces: z.array(Listed) }));

const Connection = z.object({ kind: z.string(), profile: z.string().optional(), role_arn: z.string().optional() });

const Workspace = z.object({
  name: z.string(),
  description: z.string(),
  connection: Connection,
  accounts: z.array(z.string()),
  roles: z.array(z.string()),
});

export const parseCreated = parseWith(z.object({ workspace: Workspace, role: WorkspaceRole }));

const Account = z.object({
  id: z.string(),
  name: z.string(),
  alias: z.string().optional(),
  stage: z.string().nullable(),
  color: z.string(),
  ou: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  regions: z.array(z.string()),
  roles: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      confirm: z.boolean(),
      mfa: z.enum(['required', 'optional', 'none']),
    }),
  ),
});
export type WorkspaceAccount = z.infer<typeof Account>;

const Shortcut = z.object({
  name: z.string(),
  account: z.string(),
  account_id: z.string().optional(),
  role: z.string(),
  region: z.string(),
});
export type WorkspaceShortcut = z.infer<typeof Shortcut>;

const Detail = z.object({
  workspace: Workspace,
  role: WorkspaceRole,
  limits: z.array(Limit),
  accounts: z.array(Account),
  shortcuts: z.array(Shortcut),
  /** The AWS endpoint the server's credentials are for (a sandbox), when it is not AWS itself. */
  endpoint: z.string().optional(),
});
export type WorkspaceDetail = z.infer<typeof Detail>;

export const parseDetail = parseWith(Detail);

const Member = z.object({
  username: z.string(),
  display_name: z.string().optional(),
  role: WorkspaceRole,
  limits: z.array(Limit),
});
export type WorkspaceMember = z.infer<typeof Member>;

export const parseMembers = parseWith(z.object({ members: z.array(Member) }));
export const parseMember = parseWith(z.object({ member: Member.nullable() }));
export const parseShortcuts = parseWith(z.object({ shortcuts: z.array(Shortcut) }));
export const parseShortcut = parseWith(z.object({ shortcut: Shortcut }));
