import { CrossbarError } from '../errors.js';
import type { TeamStore } from './open-team-db.js';
import { byChain } from './chain-order.js';

/** The workspaces' names by chain (a workspace's chain is its id); a deleted workspace's chain has none. */
export async function trailChainNames(store: TeamStore): Promise<Map<string, string>> {
  const rows = await store.db.selectFrom('workspaces').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The chain of a workspace a person names: its name, or a chain id (a deleted workspace's chain keeps its entries
 * and its id). For a database read directly (`--db`); the server finds workspaces through membership. The
 * server's own chain is asked for apart (`--server-chain`), so a workspace may be called `server`.
 */
export async function resolveTrailChain(store: TeamStore, name: string): Promise<string> {
  const workspace = await store.db.selectFrom('workspaces').select('id').where('name', '=', name).executeTakeFirst();
  if (workspace) return workspace.id;
  const chain = await store.db.selectFrom('trail_heads').select('chain').where('chain', '=', name).executeTakeFirst();
  if (chain) return chain.chain;
  throw new CrossbarError('NOT_FOUND', `no workspace or trail chain named ${name}`, {
    hint: '`crossbar trail verify --db …` lists every chain',
  });
}

/** Every chain of the database: those with a head and those with entries (a chain whose head row was deleted). */
export async function trailChains(store: TeamStore): Promise<string[]> {
  const [heads, entries] = await Promise.all([
    store.db.selectFrom('trail_heads').select('chain').execute(),
    store.db.selectFrom('trail').select('chain').distinct().execute(),
  ]);
  return [...new Set([...heads, ...entries].map((r) => r.chain))].sort(byChain);
}
