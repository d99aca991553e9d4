import type { MiddlewareHandler } from 'hono';
import { CrossbarError } from '../core/errors.js';
import { countUsers } from '../core/team/index.js';
import type { AppEnv } from './app-env.js';

const OPEN_BEFORE_SETUP = new Set(['/api/status', '/api/setup']);

/**
 * Before the first owner exists, nothing but setup is open: every other /api route answers 503 naming the setup
 * link. Once a user exists this is remembered for the life of the app (users are never all deleted).
 */
export function setupGate(): MiddlewareHandler<AppEnv> {
  let setupDone = false;
  return async (c, next) => {
    if (!setupDone && !OPEN_BEFORE_SETUP.has(c.req.path)) {
      setupDone = (await countUsers(c.get('deps').store)) > 0;
      if (!setupDone)
        throw new CrossbarError('FORBIDDEN', 'this server is not set up yet: no owner exists', {
          hint: 'open the setup link `crossbar serve` printed at its start, or POST /api/setup with its token',
        });
    }
    await next();
  };
}
