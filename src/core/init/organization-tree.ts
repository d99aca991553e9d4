import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { mapBounded } from '../map-bounded.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const {
  DescribeOrganizationalUnitCommand,
  ListParentsCommand,
  paginateListChildren,
  paginateListOrganizationalUnitsForParent,
} = requireSdk('@aws-sdk/client-organizations');

/**
 * Where each account sits in the OU tree, as a path of OU names (`/Workloads/dev`; `/` directly under the root).
 *
 * The tree is walked top-down, one level at a time: per parent, its child OUs (with their names) and its
 * account children, 20 to a page. For 5,000 accounts in 30 OUs that is a few hundred calls, where asking
 * ListParents for every account would be 5,000 more on an API that throttles at a few per second.
 * An account the walk did not see (created or moved meanwhile) is placed by walking ListParents up to the
 * root, with the OU paths already known as a cache.
 */
export interface OrganizationTree {
  /** OU id → path; the root maps to `/`. */
  ouPaths: Map<string, string>;
  /** Account id → path of its parent. */
  accountPaths: Map<string, string>;
}

/** Wraps each call so that errors carry the operation's name. */
export type Call = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export async function walkOrganizationTree(
  client: OrganizationsClient,
  rootId: string,
  concurrency: number,
  call: Call,
): Promise<OrganizationTree> {
  const ouPaths = new Map<string, string>([[rootId, '/']]);
  const accountPaths = new Map<string, string>();
  let level = [rootId];
  while (level.length > 0) {
    const children = await mapBounded(level, concurrency, async (parentId) => {
      const parentPath = ouPaths.get(parentId) ?? '/';
      const ous: string[] = [];
      await call('ListOrganizationalUnitsForParent', async () => {
        for await (const page of paginateListOrganizationalUnitsForParent(
          { client, pageSize: 20 },
          { ParentId: parentId },
        )) {
          for (const ou of page.OrganizationalUnits ?? []) {
            if (!ou.Id) continue;
            ouPaths.set(ou.Id, childPath(parentPath, ou.Name ?? ou.Id));
            ous.push(ou.Id);
          }
        }
      });
      await call('ListChildren', async () => {
        for await (const page of paginateListChildren(
          { client, pageSize: 20 },
          { ParentId: parentId, ChildType: 'ACCOUNT' },
        )) {
          for (const child of page.Children ?? []) if (child.Id) accountPaths.set(child.Id, parentPath);
        }
      });
      return ous;
    });
    level = children.flat();
  }
  return { ouPaths, accountPaths };
}

/**
 * The path of one account found by walking ListParents up to the root. Lookups of the same OU share one
 * promise, so concurrent accounts under a new OU describe it once.
 */
export function createParentWalker(
  client: OrganizationsClient,
  tree: OrganizationTree,
  call: Call,
): (accountId: string) => Promise<string> {
  const pending = new Map<string, Promise<string>>();
  const parentOf = async (childId: string): Promise<{ id: string; root: boolean }> => {
    const out = await call('ListParents', () => client.send(new ListParentsCommand({ ChildId: childId })));
    const parent = out.Parents?.[0];
    return { id: parent?.Id ?? '', root: parent?.Type !== 'ORGANIZATIONAL_UNIT' };
  };
  const ouPath = (ouId: string): Promise<string> => {
    const known = tree.ouPaths.get(ouId);
    if (known !== undefined) return Promise.resolve(known);
    let promise = pending.get(ouId);
    if (!promise) {
      promise = (async () => {
        const [described, parent] = await Promise.all([
          call('DescribeOrganizationalUnit', () =>
            client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId })),
          ),
          parentOf(ouId),
        ]);
        const path = childPath(parent.root ? '/' : await ouPath(parent.id), described.OrganizationalUnit?.Name ?? ouId);
        tree.ouPaths.set(ouId, path);
        return path;
      })();
      pending.set(ouId, promise);
    }
    return promise;
  };
  return async (accountId) => {
    const parent = await parentOf(accountId);
    return parent.root ? '/' : ouPath(parent.id);
  };
}
