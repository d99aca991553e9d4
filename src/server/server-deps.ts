import type { Crossbar } from '../core/crossbar.js';
import type { KeyStore } from '../core/credentials/index.js';
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
  /** Credentials vended per member (core/team/vending.ts); without it the credentials route answers 503. */
  vending?: Vending;
}
