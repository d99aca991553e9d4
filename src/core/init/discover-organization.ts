import type { Account, OrganizationsClient } from '@aws-sdk/client-organizations';
import { colorFromTags, detectStage } from './detect-stage.js';
import { mapBounded } from '../map-bounded.js';
import { organizationError, type OrganizationErrorContext } from './organization-errors.js';
import { createParentWalker, walkOrganizationTree, type Call } from './organization-tree.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const { DescribeOrganizationCommand, paginateListAccounts, paginateListRoots, paginateListTagsForResource } =
  requireSdk('@aws-sdk/client-organizations');

/** One ACTIVE account of the organization, as AWS describes it; names are AWS's, not yet crossbar.yaml's. */
export interface DiscoveredAccount {
  id: string;
  name: string;
  email?: string;
  /** OU path of names: `/Workloads/dev`, or `/` directly under the root. */
  ou: string;
  tags: Record<string, string>;
  stage?: string;
  color?: string;
  /** The management account: no cross-account role of the template exists in it, and its tags are not read. */
  management: boolean;
}

/** An account left out because it is not ACTIVE (SUSPENDED, PENDING_CLOSURE…). */
export interface SkippedAccount {
  id: string;
  name: string;
  status: string;
}

export interface DiscoveredOrganization {
  id: string;
  managementAccountId: string;
  /** The role-name template every member account is reached through (`--role`). */
  roleName: string;
  accounts: DiscoveredAccount[];
  skipped: SkippedAccount[];
}

export type DiscoveryProgress =
  | { phase: 'accounts'; listed: number }
  | { phase: 'skipped'; account: SkippedAccount }
  | { phase: 'tree'; ous: number; placed: number }
  | { phase: 'tags'; done: number; total: number };

export interface DiscoverOrganizationOptions {
  /** Default OrganizationAccountAccessRole, the role AWS creates in accounts made by the organization. */
  roleName?: string;
  /** Calls in flight at once; default 8. */
  concurrency?: number;
  onProgress?: (event: DiscoveryProgress) => void;
  /** The caller's ARN or account id, when known, so that a denial names it. */
  caller?: string;
  /** The endpoint the client was given, so that an unreachable one is named. */
  endpoint?: string;
}

/**
 * Lists the organization's ACTIVE accounts with OU path, tags and stage, from the management account (or a
 * delegated administrator). Calls go through `client`, built by the caller (see createOrganizationsClient for
 * adaptive retries against throttling).
 */
export async function discoverOrganization(
  client: OrganizationsClient,
  options: DiscoverOrganizationOptions = {},
): Promise<DiscoveredOrganization> {
  const roleName = options.roleName ?? 'OrganizationAccountAccessRole';
  const concurrency = options.concurrency ?? 8;
  const progress = options.onProgress ?? (() => undefined);
  const ctx: OrganizationErrorContext = {
    ...(options.caller ? { caller: options.caller } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
  const call: Call = async (operation, fn) => {
    try {
      return await fn();
    } catch (err) {
      throw organizationError(operation, err, ctx);
    }
  };

  const org = (await call('DescribeOrganization', () => client.send(new DescribeOrganizationCommand({})))).Organization;
  const managementAccountId = org?.MasterAccountId ?? '';
  ctx.managementAccountId = managementAccountId;
  if (org?.Id) ctx.organizationId = org.Id;

  const listed = await listAccounts(client, call, progress);
  // `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED…) replaces the deprecated `Status` where AWS sends it.
  const stateOf = (a: Account): string => a.State ?? a.Status ?? 'UNKNOWN';
  const active = listed.filter((a) => stateOf(a) === 'ACTIVE');
  const skipped = listed
    .filter((a) => stateOf(a) !== 'ACTIVE')
    .map((a): SkippedAccount => ({ id: a.Id ?? '', name: a.Name ?? '', status: stateOf(a) }));
  for (const account of skipped) progress({ phase: 'skipped', account });

  const rootId = await call('ListRoots', async () => {
    for await (const page of paginateListRoots({ client }, {})) {
      const id = page.Roots?.[0]?.Id;
      if (id) return id;
    }
    return '';
  });
  const tree = await walkOrganizationTree(client, rootId, concurrency, call);
  progress({ phase: 'tree', ous: tree.ouPaths.size - 1, placed: tree.accountPaths.size });
  const parentPath = createParentWalker(client, tree, call);

  let done = 0;
  const accounts = await mapBounded(active, concurrency, async (a): Promise<DiscoveredAccount> => {
    const id = a.Id ?? '';
    const management = id === managementAccountId;
    const [ou, tags] = await Promise.all([
      tree.accountPaths.get(id) ?? parentPath(id),
      management ? {} : listTags(client, id, call),
    ]);
    done += 1;
    progress({ phase: 'tags', done, total: active.length });
    const name = a.Name ?? id;
    const stage = management ? undefined : detectStage(name, tags);
    const color = management ? undefined : colorFromTags(tags);
    return {
      id,
      name,
      ...(a.Email ? { email: a.Email } : {}),
      ou,
      tags,
      ...(stage ? { stage } : {}),
      ...(color ? { color } : {}),
      management,
    };
  });
  return { id: org?.Id ?? '', managementAccountId, roleName, accounts: sortAccounts(accounts), skipped };
}

async function listAccounts(
  client: OrganizationsClient,
  call: Call,
  progress: (e: DiscoveryProgress) => void,
): Promise<Account[]> {
  return call('ListAccounts', async () => {
    const all: Account[] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {})) {
      all.push(...(page.Accounts ?? []).filter((a) => a.Id));
      progress({ phase: 'accounts', listed: all.length });
    }
    return all;
  });
}

async function listTags(client: OrganizationsClient, id: string, call: Call): Promise<Record<string, string>> {
  return call('ListTagsForResource', async () => {
    const tags: Record<string, string> = {};
    for await (const page of paginateListTagsForResource({ client }, { ResourceId: id })) {
      for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
    }
    return tags;
  });
}

/** The management account first, then by name: a stable order, so re-running init gives a small diff. */
function sortAccounts(accounts: DiscoveredAccount[]): DiscoveredAccount[] {
  return [...accounts].sort(
    (a, b) => Number(b.management) - Number(a.management) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
}
