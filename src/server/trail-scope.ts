import { z } from 'zod';
import { CrossbarError } from '../core/errors.js';
import { listMemberships, roleMay, SERVER_CHAIN } from '../core/team/index.js';
import type { AppContext } from './app-env.js';
import { requireUser } from './auth/authenticate.js';
import { forbidden } from './http-error.js';
import { recordTrail } from './record-trail.js';
import { workspaceFor } from './workspace-access.js';

/** The chains a trail request reads, with the workspace name of each (null for the server's chain). */
export type TrailScope = Map<string, string | null>;

export const TrailScopeQuerySchema = z.object({
  workspace: z.string().min(1).max(128).optional(),
  chain: z.literal(SERVER_CHAIN, { error: "chain takes 'server' (the server's own chain)" }).optional(),
});

/**
 * Which chains the caller may read, for the trail routes: `workspace=NAME` is that workspace's chain (its admins
 * and owners: `trail.read`; anyone else gets the workspace routes' 404 or 403), `chain=server` the server's chain
 * (server owners), and neither every chain the caller may read (possibly none).
 */
export async function trailScope(c: AppContext, query: z.infer<typeof TrailScopeQuerySchema>): Promise<TrailScope> {
  const principal = requireUser(c);
  if (query.workspace !== undefined && query.chain !== undefined)
    throw new CrossbarError('USAGE', 'ask for a workspace or for chain=server, not both', {
      hint: 'leave both out for every chain you may read',
    });
  if (query.workspace !== undefined) {
    const { workspace } = await workspaceFor(c, query.workspace, 'trail.read');
    return new Map([[workspace.id, workspace.name]]);
  }
  const owner = principal.serverRole === 'owner';
  if (query.chain === SERVER_CHAIN) {
    if (owner) return new Map([[SERVER_CHAIN, null]]);
    await recordTrail(c, { actor: principal.username, action: 'trail.read', target: SERVER_CHAIN, outcome: 'denied' });
    throw forbidden(
      `the server's trail is for its owners; ${principal.username} is not one`,
      'ask an owner of the server',
    );
  }
  const scope: TrailScope = new Map(owner ? [[SERVER_CHAIN, null]] : []);
  for (const membership of await listMemberships(c.get('deps').store, principal.userId))
    if (roleMay(membership.role, 'trail.read')) scope.set(membership.workspace.id, membership.workspace.name);
  return scope;
}

/** Reads and validates the query string with a schema: a wrong parameter is a 400 naming it. */
export function readQuery<T extends z.ZodType>(c: AppContext, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CrossbarError(
    'INVALID',
    `bad query parameter ${issue?.path.join('.') || ''}: ${issue?.message ?? 'invalid'}`.replace(
      'parameter :',
      'parameter:',
    ),
    { hint: 'see docs/SERVER.md for the parameters of this route' },
  );
}
