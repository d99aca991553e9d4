import type { RegistryAccount } from '../core/config/index.js';
import { collectAccounts, type AuditRoot, type CollectedAccount, type NotCovered } from '../core/audit/index.js';
import type { FanoutAccount } from '../core/fanout/index.js';
import type { AppContext } from './app-env.js';
import { memberRoot } from './member-root.js';
import type { ServerDeps } from './server-deps.js';
import { memberMayUse, serverRegistry, workspaceAccounts, type WorkspaceAccess } from './workspace-access.js';

/**
 * The audit of one workspace as one member sees it (issue 11 item 8): each account the workspace reaches is read
 * with its default (read) role, vended for the member through the workspace's connection (SourceIdentity = the
 * member: CloudTrail names who looked), and only those accounts: another workspace's accounts are never read. An
 * account whose read role the member's limits exclude is "not covered", with that reason. What was read is kept
 * for a minute per member and workspace, so the findings, who-can and a reload do not read IAM three times.
 */
export const AUDIT_CACHE_MS = 60_000;

export interface WorkspaceAudit {
  root: AuditRoot;
  accounts: RegistryAccount[];
  targets: FanoutAccount[];
  /** Accounts left out before any call: the member may not use their read role. */
  skipped: NotCovered[];
}

export interface WorkspaceCollection {
  collected: CollectedAccount[];
  notCovered: NotCovered[];
  interrupted: boolean;
  /** Epoch ms of the read. */
  at: number;
}

const caches = new WeakMap<ServerDeps, Map<string, { at: number; value: Promise<WorkspaceCollection> }>>();

export function workspaceAudit(c: AppContext, access: WorkspaceAccess): WorkspaceAudit {
  const registry = serverRegistry(c);
  const accounts = workspaceAccounts(c, access);
  const targets: FanoutAccount[] = [];
  const skipped: NotCovered[] = [];
  for (const account of accounts) {
    const role = memberMayUse(c, access, account, account.defaultRole.key);
    if (role) targets.push({ account, role });
    else
      skipped.push({
        accountId: account.id,
        accountName: account.name,
        code: 'FORBIDDEN',
        reason: 'limits',
        message: `${access.member.username} may not use ${account.defaultRole.name} in ${account.name} in ${access.workspace.name}`,
      });
  }
  // The whole registry names principals (a trust in another registry account is not "foreign"); only the
  // workspace's accounts are read.
  const root: AuditRoot = { ...memberRoot(c, access), registry: { accounts: registry.accounts } };
  return { root, accounts, targets, skipped };
}

/** The IAM of the workspace's accounts as the member reads it, from the minute's cache when there. */
export function collectWorkspace(c: AppContext, access: WorkspaceAccess, audit: WorkspaceAudit) {
  const deps = c.get('deps');
  let cache = caches.get(deps);
  if (!cache) caches.set(deps, (cache = new Map()));
  const key = `${access.workspace.id}|${access.member.userId}|${audit.targets.map((t) => `${t.account.id}:${t.role.key}`).join(',')}`;
  const now = deps.now();
  for (const [k, v] of cache) if (now - v.at >= AUDIT_CACHE_MS) cache.delete(k);
  const hit = cache.get(key);
  if (hit) return hit.value;
  const value = collectAccounts(audit.root, { accounts: audit.targets, concurrency: 8, timeoutMs: 60_000 }).then(
    (read) => ({
      ...read,
      notCovered: [...read.notCovered, ...audit.skipped],
      at: now,
    }),
  );
  cache.set(key, { at: now, value });
  // A failed read is not kept.
  value.catch(() => cache.delete(key));
  return value;
}
