import type { Config } from '../config/schema.js';
import type { Registry } from '../config/registry.js';
import { homeRegion } from '../config/registry.js';
import { isCrossbarError } from '../errors.js';
import { appendTrail } from './append-trail.js';
import { listMembers, putMember } from './members.js';
import type { TeamStore } from './open-team-db.js';
import { addShortcut, listShortcuts } from './shortcuts.js';
import type { WorkspaceRole } from './team-schema.js';
import { WORKSPACE_ROLES, WorkspaceInputSchema, type WorkspaceInput } from './workspace-model.js';
import { checkWorkspaceReach, shortcutTarget } from './workspace-reach.js';
import { createWorkspace, findWorkspace, type WorkspaceRecord } from './workspace-store.js';

/** The trail's actor for what `crossbar serve --import` does. */
export const IMPORT_ACTOR = 'crossbar serve --import';

/** One line of what an import did: `created`, `kept` (already there, left as it is) or `skipped` (and why). */
export interface ImportLine {
  outcome: 'created' | 'kept' | 'skipped';
  what: 'workspace' | 'shortcut' | 'member';
  name: string;
  workspace?: string;
  why?: string;
}

export interface ImportOptions {
  now: () => number;
}

/**
 * Seeds the server's workspaces from crossbar.yaml (`crossbar serve --import FILE`), idempotently: a workspace whose
 * name exists is kept as it is; a new one is created with `accounts` as selectors (checked against `registry`),
 * every role of them, and a connection from its `source` (a profile, else the server's source). Its owners are the
 * server's owners; with none yet, it waits without members and the first owner adopts it at setup.
 * `members: [bob, carol:operator]` adds existing users (viewer unless a role follows the colon); unknown users are
 * skipped. crossbar.yaml's shortcuts are global: each goes into every imported workspace whose accounts and roles
 * it fits (role: the account's default role when none is given; region: the account's first), unless the
 * workspace has a shortcut of that name. Everything created is in the workspace's trail chain.
 */
export async function importWorkspaces(
  store: TeamStore,
  registry: Registry,
  config: Pick<Config, 'workspaces' | 'shortcuts'>,
  options: ImportOptions,
): Promise<ImportLine[]> {
  const lines: ImportLine[] = [];
  const owners = await store.db
    .selectFrom('users')
    .select(['id', 'username'])
    .where('server_role', '=', 'owner')
    .execute();
  const imported: WorkspaceRecord[] = [];
  for (const entry of config.workspaces) {
    const input = WorkspaceInputSchema.safeParse({
      name: entry.name,
      accounts: entry.accounts,
      connection: entry.source?.profile ? { kind: 'profile', profile: entry.source.profile } : { kind: 'source' },
    });
    if (!input.success) {
      lines.push({
        outcome: 'skipped',
        what: 'workspace',
        name: entry.name,
        why: input.error.issues[0]?.message ?? 'invalid',
      });
      continue;
    }
    const existing = await findWorkspace(store, input.data.name);
    if (existing) {
      lines.push({ outcome: 'kept', what: 'workspace', name: existing.name, why: 'exists' });
      imported.push(existing);
      continue;
    }
    const created = await createOne(store, registry, input.data, owners, options);
    if ('why' in created) {
      lines.push({ outcome: 'skipped', what: 'workspace', name: entry.name, why: created.why });
      continue;
    }
    imported.push(created);
    lines.push({
      outcome: 'created',
      what: 'workspace',
      name: created.name,
      why:
        owners.length > 0
          ? `owners: ${owners.map((o) => o.username).join(', ')}`
          : 'no owner yet: the first owner adopts it at setup',
    });
    lines.push(...(await importMembers(store, created, entry.members ?? [], options)));
  }
  lines.push(...(await importShortcuts(store, registry, imported, config.shortcuts, options)));
  return lines;
}

async function createOne(
  store: TeamStore,
  registry: Registry,
  input: WorkspaceInput,
  owners: readonly { id: string; username: string }[],
  options: ImportOptions,
): Promise<WorkspaceRecord | { why: string }> {
  try {
    checkWorkspaceReach(registry, input.accounts, input.roles);
  } catch (err) {
    return { why: isCrossbarError(err) ? err.message : String(err) };
  }
  const workspace = await createWorkspace(
    store,
    input,
    { createdBy: IMPORT_ACTOR, owners: owners.map((o) => o.id) },
    options.now(),
  );
  await appendTrail(
    store,
    workspace.id,
    {
      actor: IMPORT_ACTOR,
      action: 'workspace.created',
      outcome: 'ok',
      workspace: workspace.name,
      target: workspace.name,
      details: {
        via: 'import',
        connection: { kind: workspace.connection.kind },
        accounts: workspace.accounts,
        owners: owners.map((o) => o.username),
      },
    },
    options.now,
  );
  return workspace;
}

async function importMembers(
  store: TeamStore,
  workspace: WorkspaceRecord,
  members: readonly string[],
  options: ImportOptions,
): Promise<ImportLine[]> {
  const lines: ImportLine[] = [];
  const current = new Set((await listMembers(store, workspace.id)).map((m) => m.userId));
  for (const text of members) {
    const [username = '', roleText] = text.split(':');
    const role = (roleText ?? 'viewer') as WorkspaceRole;
    const base = { what: 'member' as const, name: username, workspace: workspace.name };
    if (!(WORKSPACE_ROLES as readonly string[]).includes(role)) {
      lines.push({
        ...base,
        outcome: 'skipped',
        why: `'${roleText}' is not a workspace role (${WORKSPACE_ROLES.join(', ')})`,
      });
      continue;
    }
    const user = await store.db.selectFrom('users').select(['id']).where('username', '=', username).executeTakeFirst();
    if (!user) {
      lines.push({ ...base, outcome: 'skipped', why: 'no such user on the server yet' });
      continue;
    }
    if (current.has(user.id)) {
      lines.push({ ...base, outcome: 'kept', why: 'already a member' });
      continue;
    }
    await putMember(store, workspace.id, { userId: user.id, role, limits: [] }, IMPORT_ACTOR, options.now());
    current.add(user.id);
    await appendTrail(
      store,
      workspace.id,
      {
        actor: IMPORT_ACTOR,
        action: 'member.added',
        outcome: 'ok',
        workspace: workspace.name,
        target: username,
        details: { role, limits: [] },
      },
      options.now,
    );
    lines.push({ ...base, outcome: 'created', why: `as ${role}` });
  }
  return lines;
}

async function importShortcuts(
  store: TeamStore,
  registry: Registry,
  workspaces: readonly WorkspaceRecord[],
  shortcuts: Config['shortcuts'],
  options: ImportOptions,
): Promise<ImportLine[]> {
  const lines: ImportLine[] = [];
  for (const shortcut of shortcuts) {
    const account = registry.accounts.find(
      (a) => a.name === shortcut.account || a.id === shortcut.account || a.alias === shortcut.account,
    );
    const roleRef = shortcut.role ?? account?.defaultRole.key ?? '';
    let placed = false;
    for (const workspace of workspaces) {
      const target = shortcutTarget(registry, workspace, shortcut.account, roleRef);
      if ('problem' in target) continue;
      placed = true;
      const base = { what: 'shortcut' as const, name: shortcut.name, workspace: workspace.name };
      if ((await listShortcuts(store, workspace.id)).some((s) => s.name === shortcut.name)) {
        lines.push({ ...base, outcome: 'kept', why: 'exists' });
        continue;
      }
      const made = await addShortcut(
        store,
        workspace.id,
        {
          name: shortcut.name,
          account: target.account.name,
          role: target.role.key,
          region: shortcut.region ?? homeRegion(target.account),
        },
        IMPORT_ACTOR,
        options.now(),
      );
      await appendTrail(
        store,
        workspace.id,
        {
          actor: IMPORT_ACTOR,
          action: 'shortcut.added',
          outcome: 'ok',
          workspace: workspace.name,
          target: made.name,
          details: { account: made.account, role: made.role, region: made.region },
        },
        options.now,
      );
      lines.push({ ...base, outcome: 'created', why: `${made.account}:${made.role} ${made.region}` });
    }
    if (!placed)
      lines.push({
        outcome: 'skipped',
        what: 'shortcut',
        name: shortcut.name,
        why: `no imported workspace reaches ${shortcut.account}${roleRef ? ` with role ${roleRef}` : ''}`,
      });
  }
  return lines;
}
