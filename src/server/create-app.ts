import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AppEnv } from './app-env.js';
import { errorBody } from './http-error.js';
import type { ServerDeps } from './server-deps.js';
import { ROUTES } from './routes.js';
import { authenticate } from './auth/authenticate.js';
import { setupGate } from './setup-gate.js';

/**
 * The team server as a Hono app: every route of the API under /api, health at /healthz and /readyz. It never
 * listens: `crossbar serve` hands it to @hono/node-server, tests call `app.request()` in-process or serve it on a
 * free port. Every error goes through one mapping (http-error.ts); an unknown route is a JSON 404.
 */
export function createApp(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('address', callerAddress(c));
    c.set('principal', undefined);
    await next();
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
  });
  app.use('/api/*', setupGate());
  app.use('/api/*', authenticate);
  for (const register of ROUTES) register(app);
  app.notFound((c) =>
    c.json({ error: { code: 'NOT_FOUND', message: `no such route: ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((err, c) => {
    const { status, body } = errorBody(err);
    if (status >= 500) deps.log?.(`${c.req.method} ${c.req.path} failed: ${describeCause(err)}`);
    return c.json(body, status);
  });
  return app;
}

/** The socket's address; in-process requests (`app.request`, no socket) are `local`. */
function callerAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

/** What the server's log says of an unexpected failure: the message and where, never the request's body. */
function describeCause(err: unknown): string {
  return err instanceof Error
    ? `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 4).join('\n')}` : ''}`
    : String(err);
}
