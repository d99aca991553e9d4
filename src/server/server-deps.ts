import type { Crossbar } from '../core/crossbar.js';
import type { Env, KeyStore, MfaCodeProvider } from '../core/credentials/index.js';
import type { TeamStore, Vending } from '../core/team/index.js';

/**
 * What the app is built from: the database, the clock, and the pieces each area adds (vending, runs). Tests build
 * their own (an in-memory clock, a sandbox); `crossbar serve` builds the real one. createApp never listens.
 */
export interface ServerDeps {
  store: TeamStore;
  now: () => number;
  /** CROSSBAR_HOME of the server: its key file and default database live there. */
  home: string;
  /** The URL people reach the server at, for links (setup, device login). */
  publicUrl: string;
  /** Session lifetime (default 12 h) and idle limit (default 2 h). */
  sessionTtlMs?: number;
  sessionIdleMs?: number;
  /** Where the server's own log lines go (unexpected failures); `crossbar serve` writes them to stderr. */
  log?: (line: string) => void;
  /**
   * The server's crossbar root (`crossbar serve --config FILE`): the registry workspaces select their accounts
   * and roles from, the source identity and the credential engine vending uses, the endpoint. Without one (no
   * crossbar.yaml) the workspace routes that need the registry answer 503 CONFIG_NOT_FOUND.
   */
  crossbar?: Crossbar | undefined;
  /** Where the server key (it seals the members' TOTP secrets) lives: `auto` (default), `file` or `keyring`. */
  keyStore?: KeyStore;
  /**
   * Credentials vended per member (core/team/vending.ts). Built from `crossbar`, `env` and `sourceMfaCode` on first
   * use when not given (tests give their own to count STS calls).
   */
  vending?: Vending;
  /** The server's environment, for workspace connections of kind `env` (its keys) and `profile` (its AWS files). */
  env?: Env;
  /**
   * The code of the server source's MFA device, for roles whose trust policy needs AWS MFA. Without it such a role
   * is reached only while an MFA session is open in the server's CROSSBAR_HOME cache; else MFA_REQUIRED.
   */
  sourceMfaCode?: MfaCodeProvider;
  /** The built web UI (dist/web, `findWebRoot()`); without it the pages say to run `npm run build`. */
  webRoot?: string | undefined;
}
