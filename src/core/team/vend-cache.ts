import { REFRESH_MARGIN_MS } from '../credentials/credentials.js';

/** Whose session it is: a cache entry is one member's, never shared with another member. */
export interface VendKey {
  /** The member's user id. */
  member: string;
  /** The workspace's id: the same account and role in two workspaces may come through two connections. */
  workspace: string;
  account: string;
  role: string;
  /** The DurationSeconds asked for (undefined: the role's own). */
  durationSeconds?: number | undefined;
}

export interface Vended<T> {
  value: T;
  /** When the session ends (ms since the epoch). */
  expiresAt: number;
}

export interface VendCacheOptions {
  now?: () => number;
  /** An entry is refreshed this long before it expires (default 5 minutes, as the CLI's cache). */
  refreshMarginMs?: number;
  /** Past this many entries, expired ones are dropped on the next store (default 10,000). */
  sweepAbove?: number;
}

/**
 * The server's sessions per member, in memory: one entry per (member, workspace, account, role), single-flight
 * (50 concurrent asks by one member make one AssumeRole; 50 members make 50, one each), served until
 * `refreshMarginMs` before expiry and then fetched again. A failure is not cached: the next ask tries again.
 * Whether the member may have the session is decided before the cache is asked, on every request.
 */
export class VendCache<T> {
  readonly #entries = new Map<string, Vended<T>>();
  readonly #inflight = new Map<string, Promise<Vended<T>>>();
  readonly #now: () => number;
  readonly #margin: number;
  readonly #sweepAbove: number;

  constructor(options: VendCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#margin = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
    this.#sweepAbove = options.sweepAbove ?? 10_000;
  }

  /** The member's fresh session, else one fetch shared by every concurrent ask with the same key. */
  async get(key: VendKey, fetch: () => Promise<Vended<T>>): Promise<Vended<T> & { cached: boolean }> {
    const name = keyOf(key);
    const hit = this.#entries.get(name);
    if (hit && this.#fresh(hit)) return { ...hit, cached: true };
    let running = this.#inflight.get(name);
    if (!running) {
      running = fetch()
        .then((fresh) => {
          this.#store(name, fresh);
          return fresh;
        })
        .finally(() => this.#inflight.delete(name));
      this.#inflight.set(name, running);
      return { ...(await running), cached: false };
    }
    return { ...(await running), cached: true };
  }

  /** Drops a member's sessions (removed from a workspace, signed out everywhere): the next ask assumes anew. */
  forgetMember(member: string, workspace?: string): void {
    for (const name of this.#entries.keys()) {
      const [m, w] = JSON.parse(name) as [string, string];
      if (m === member && (workspace === undefined || w === workspace)) this.#entries.delete(name);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  #fresh(entry: Vended<T>): boolean {
    return entry.expiresAt - this.#now() > this.#margin;
  }

  #store(name: string, entry: Vended<T>): void {
    if (this.#entries.size >= this.#sweepAbove)
      for (const [n, e] of this.#entries) if (e.expiresAt <= this.#now()) this.#entries.delete(n);
    this.#entries.set(name, entry);
  }
}

function keyOf(key: VendKey): string {
  return JSON.stringify([key.member, key.workspace, key.account, key.role, key.durationSeconds ?? null]);
}
