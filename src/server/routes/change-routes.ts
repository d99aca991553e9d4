import type { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { findMembership, isoAt } from '../../core/team/index.js';
import type { AppContext, AppEnv, Principal } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import { workspaceChangesOf, type WorkspaceChange } from '../changes/workspace-changes.js';
import { workspaceFor } from '../workspace-access.js';

/** A quiet stream sends a comment this often, so that proxies keep it open. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /api/workspaces/:ws/changes` (viewer+): Server-Sent Events telling an open page that the workspace changed,
 * so that it re-reads what it shows without a reload. A `ready` event first, then one `change` event
 * (`{ action, target, at }`, as in the trail: `member.changed carol`) per member, shortcut or workspace change.
 * After each change the stream checks that the caller is still a member and still signed in; when not, it sends
 * `closed` (`{ reason }`) and ends, and a reconnect gets the workspace's 404. No resume: a page that reconnects
 * re-reads everything. A stopping server ends every stream (`workspaceChangesOf(deps).endAll()`).
 */
export function registerChangeRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces/:ws/changes', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'workspace.read');
    const principal = requireUser(c);
    const changes = workspaceChangesOf(c.get('deps'));
    return streamSSE(c, async (stream) => {
      const pending: WorkspaceChange[] = [];
      let wake: (() => void) | undefined;
      const stop = changes.subscribe(access.workspace.id, (change) => {
        pending.push(change);
        wake?.();
      });
      let open = true;
      const end = () => {
        open = false;
        wake?.();
      };
      stream.onAbort(end);
      const stopEnding = changes.onEnd(end);
      try {
        await send(stream, 'ready', { workspace: access.workspace.name, role: access.member.role });
        while (open) {
          if (pending.length === 0) {
            const woke = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), KEEPALIVE_MS);
              wake = () => {
                clearTimeout(timer);
                resolve(true);
              };
            });
            wake = undefined;
            if (!woke && open) await stream.write(': keep-alive\n\n');
            continue;
          }
          for (const change of pending.splice(0)) await send(stream, 'change', { ...change });
          const gone = await whyGone(c, access.workspace.name, principal);
          if (gone) {
            await send(stream, 'closed', { reason: gone });
            return;
          }
        }
      } finally {
        stop();
        stopEnding();
      }
    });
  });
}

/** Why the caller may no longer follow the workspace (removed, workspace deleted, signed out), else undefined. */
async function whyGone(c: AppContext, workspace: string, principal: Principal): Promise<string | undefined> {
  const { store, now } = c.get('deps');
  if (!(await findMembership(store, workspace, principal.userId)))
    return `${principal.username} is no longer a member of ${workspace}`;
  const at = isoAt(now());
  const alive =
    principal.via === 'session'
      ? await store.db
          .selectFrom('sessions')
          .select('expires_at')
          .where('id_hash', '=', principal.credentialId)
          .where('expires_at', '>', at)
          .executeTakeFirst()
      : await store.db
          .selectFrom('api_tokens')
          .select('expires_at')
          .where('id', '=', principal.credentialId)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst();
  return alive ? undefined : 'the sign-in has ended';
}

function send(stream: SSEStreamingApi, event: string, data: Record<string, unknown>): Promise<void> {
  return stream.writeSSE({ event, data: JSON.stringify(data) });
}
