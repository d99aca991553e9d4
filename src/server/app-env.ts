import type { Context } from 'hono';
import type { ServerDeps } from './server-deps.js';

/** Who is calling: set by the auth middleware from a session cookie or an API token. */
export interface Principal {
  userId: string;
  username: string;
  serverRole: 'owner' | 'member';
  via: 'session' | 'token';
  /** The session's hash id (via session) or the token's id (via token): what sign-out or revocation ends. */
  credentialId: string;
  /** When this session or token last proved the member's TOTP; admin roles need it fresh. */
  secondFactorAt: string | null;
}

export interface AppEnv {
  Variables: {
    deps: ServerDeps;
    /** The caller's address (the socket's, never a header's): for rate limits and the trail. */
    address: string;
    principal: Principal | undefined;
  };
}

export type AppContext = Context<AppEnv>;
