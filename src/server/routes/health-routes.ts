import { sql } from 'kysely';
import type { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';

/**
 * `/healthz`: the process answers (liveness). `/readyz`: the database answers too, and the server is not shutting
 * down (readiness: a load balancer stops sending requests before the process stops).
 */
export function registerHealthRoutes(app: Hono<AppEnv>): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const { store } = c.get('deps');
    try {
      await sql`select 1`.execute(store.db);
      return c.json({ ok: true, database: store.kind });
    } catch {
      return c.json(
        {
          ok: false,
          database: store.kind,
          error: { code: 'ENDPOINT_UNREACHABLE', message: 'the database does not answer' },
        },
        503,
      );
    }
  });
}
