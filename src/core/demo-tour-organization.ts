import { sendOptions } from './aws-clients/send-options.js';
import { mapBounded } from './map-bounded.js';
import type { OrganizationsClient, Tag } from '@aws-sdk/client-organizations';
import { requireSdk } from './aws-clients/require-sdk.js';

const { DescribeOrganizationalUnitCommand, ListParentsCommand, ListTagsForResourceCommand, paginateListAccounts } =
  requireSdk('@aws-sdk/client-organizations');

/**
 * The organization as AWS Organizations reports it: every account with its OU path and tags. Read through
 * the real SDK (ListAccounts, ListParents, DescribeOrganizationalUnit, ListTagsForResource), never from the
 * sandbox's memory, so that the demo proves the wire works.
 */
export interface OrgAccountRow {
  id: string;
  name: string;
  email: string;
  status: string;
  /** `/Workloads`, or `/` for accounts directly under the root. */
  ou: string;
  /** From the `stage` tag (seed 003: a stage per account). */
  stage: string | undefined;
  /** From the `color` tag, as the console switch-role menu shows it (seed 004). */
  color: string | undefined;
  tags: Record<string, string>;
}

function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? '']] : [])));
}

/** OU paths, walked upwards with ListParents; each OU is looked up once however many accounts sit in it. */
class OuPaths {
  private readonly paths = new Map<string, Promise<string>>();

  constructor(
    private readonly client: OrganizationsClient,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async parentOf(childId: string): Promise<{ id: string; type: string } | undefined> {
    const out = await this.client.send(new ListParentsCommand({ ChildId: childId }), sendOptions(this.signal));
    const parent = out.Parents?.[0];
    return parent?.Id && parent.Type ? { id: parent.Id, type: parent.Type } : undefined;
  }

  pathOf(ouId: string): Promise<string> {
    let path = this.paths.get(ouId);
    if (!path) {
      path = this.resolve(ouId);
      this.paths.set(ouId, path);
    }
    return path;
  }

  private async resolve(ouId: string): Promise<string> {
    const [ou, parent] = await Promise.all([
      this.client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId }), sendOptions(this.signal)),
      this.parentOf(ouId),
    ]);
    const name = ou.OrganizationalUnit?.Name ?? ouId;
    const above = parent?.type === 'ORGANIZATIONAL_UNIT' ? await this.pathOf(parent.id) : '';
    return `${above}/${name}`;
  }
}

export async function tourOrganization(
  client: OrganizationsClient,
  options: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<OrgAccountRow[]> {
  const accounts = [];
  for await (const page of paginateListAccounts({ client }, {})) accounts.push(...(page.Accounts ?? []));
  const ous = new OuPaths(client, options.signal);
  return mapBounded(accounts, options.concurrency ?? 8, async (account): Promise<OrgAccountRow> => {
    const id = account.Id ?? '';
    const [parent, tags] = await Promise.all([
      ous.parentOf(id),
      client.send(new ListTagsForResourceCommand({ ResourceId: id }), sendOptions(options.signal)),
    ]);
    const tagsById = tagMap(tags.Tags);
    return {
      id,
      name: account.Name ?? '',
      email: account.Email ?? '',
      status: account.State ?? account.Status ?? '',
      ou: parent?.type === 'ORGANIZATIONAL_UNIT' ? await ous.pathOf(parent.id) : '/',
      stage: tagsById.stage,
      color: tagsById.color,
      tags: tagsById,
    };
  });
}
