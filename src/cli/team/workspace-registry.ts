import type { Config, Registry, RegistryAccount, RegistryRole } from '../../core/config/index.js';
import type { WorkspaceAccount, WorkspaceDetail } from './workspace-answers.js';

/**
 * A workspace of the team server as the CLI's registry: its accounts with the roles the member may use there, and
 * its shortcuts, so that targets (`production:admin`, a stage, a prefix, `/switch-to-prod`) resolve as they do
 * against crossbar.yaml. Built by hand, not through the config loader: the server validated it, and the loader
 * would bring yaml. Profile names are `{workspace}-{account}-{role}`.
 */
const FALLBACK_ROLE = 'CrossbarReadOnly';

function profileName(workspace: string, account: string, role: string): string {
  return `${workspace}-${account}-${role}`
    .replace(/[^\w.@+=,-]/g, '-')
    .replace(/--+/g, '-')
    .replace(/^-|-$/g, '');
}

function roleOf(workspace: string, account: WorkspaceAccount, role: WorkspaceAccount['roles'][number]): RegistryRole {
  return {
    key: role.key,
    name: role.name,
    arn: `arn:aws:iam::${account.id}:role/${role.name}`,
    mfa: role.mfa,
    confirm: role.confirm,
    profileName: profileName(workspace, account.name, role.key),
  };
}

function accountOf(workspace: string, account: WorkspaceAccount): RegistryAccount {
  const roles = account.roles.map((r) => roleOf(workspace, account, r));
  // A target that names no role gets the gentlest role the member may use: no confirmation, no second factor.
  const defaultRole = roles.find((r) => !r.confirm && r.mfa !== 'required') ??
    roles[0] ?? {
      key: FALLBACK_ROLE,
      name: FALLBACK_ROLE,
      arn: `arn:aws:iam::${account.id}:role/${FALLBACK_ROLE}`,
      mfa: 'none',
      confirm: false,
      profileName: '',
      implicit: true,
    };
  return {
    id: account.id,
    name: account.name,
    color: account.color,
    tags: account.tags,
    regions: account.regions.length > 0 ? account.regions : ['us-east-1'],
    roles,
    defaultRole,
    // The server vends every account's credentials: the workspace has no source of its own.
    source: 'default',
    ...(account.alias ? { alias: account.alias } : {}),
    ...(account.stage ? { stage: account.stage } : {}),
    ...(account.ou ? { ou: account.ou } : {}),
  };
}

export function workspaceRegistry(detail: WorkspaceDetail): Registry {
  const workspace = detail.workspace.name;
  const config: Config = {
    organization: { name: workspace },
    source: {},
    defaults: { role: FALLBACK_ROLE, regions: ['us-east-1'], profile_pattern: '{namespace}-{name}-{role}' },
    accounts: detail.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      tags: a.tags,
      regions: a.regions,
      roles: Object.fromEntries(a.roles.map((r) => [r.key, { name: r.name, mfa: r.mfa, confirm: r.confirm }])),
      ...(a.alias ? { alias: a.alias } : {}),
      ...(a.stage ? { stage: a.stage } : {}),
      ...(a.ou ? { ou: a.ou } : {}),
    })),
    workspaces: [],
    shortcuts: detail.shortcuts.map((s) => ({ name: s.name, account: s.account, role: s.role, region: s.region })),
    ...(detail.endpoint ? { endpoint: detail.endpoint } : {}),
  };
  return {
    config,
    namespace: workspace,
    accounts: detail.accounts.map((a) => accountOf(workspace, a)),
    sourceRegion: 'us-east-1',
  };
}
