import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { Crossbar } from '../../src/core/crossbar.js';
import { openTeamDb, type TeamStore } from '../../src/core/team/index.js';
import {
  createApp,
  findWebRoot,
  issueSetupToken,
  runHubOf,
  type AppEnv,
  type ServerDeps,
} from '../../src/server/index.js';

/**
 * A team server for tests, in-process: its own CROSSBAR_HOME, SQLite there or a PostgreSQL database, a clock the
 * test moves, and clients that keep their cookie and CSRF token like a browser (or carry a bearer token like the
 * CLI). `request` goes through `app.request` (no socket) unless the world is served on a port.
 */
export interface TeamWorld {
  app: Hono<AppEnv>;
  deps: ServerDeps;
  store: TeamStore;
  home: string;
  setupToken: string;
  clock: { now: number; advance(ms: number): void };
  /** A client with nothing: no cookie, no token. */
  anonymous(): ApiClient;
  close(): Promise<void>;
}

export const PASSWORDS: Readonly<Record<string, string>> = {
  alice: 'alice-correct-horse-1',
  bob: 'bob-correct-horse-22',
  carol: 'carol-correct-horse-333',
  dave: 'dave-correct-horse-4444',
};

export async function startTeamWorld(
  options: {
    dbUrl?: string | undefined;
    /** The server's crossbar root (its registry, source and endpoint), e.g. `world.crossbar()` over a sandbox. */
    crossbar?: Crossbar | undefined;
    extend?: (deps: ServerDeps) => ServerDeps;
  } = {},
): Promise<TeamWorld> {
  const home = mkdtempSync(join(tmpdir(), 'crossbar-team-'));
  const store = await openTeamDb({ url: options.dbUrl, home });
  const clock = {
    now: Date.parse('2026-12-05T12:00:00Z'),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const base: ServerDeps = {
    store,
    now: () => clock.now,
    home,
    publicUrl: 'http://127.0.0.1:7300',
    ...(options.crossbar ? { crossbar: options.crossbar } : {}),
    // The server key in CROSSBAR_HOME/server.key: tests never touch the developer's keyring.
    keyStore: 'file',
    webRoot: findWebRoot(),
  };
  const deps = options.extend ? options.extend(base) : base;
  const app = createApp(deps);
  const setupToken = (await issueSetupToken(store)) ?? '';
  return {
    app,
    deps,
    store,
    home,
    setupToken,
    clock,
    anonymous: () => new ApiClient((input, init) => app.request(input, init)),
    async close() {
      // Runs still going end interrupted before their database closes.
      await runHubOf(deps).stopAll();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

type Fetcher = (input: string, init: RequestInit) => Response | Promise<Response>;

export class ApiClient {
  cookie: string | undefined;
  csrf: string | undefined;
  token: string | undefined;
  /** Whether to send the CSRF header on state-changing requests (a forged cross-site request would not). */
  sendCsrf = true;

  constructor(private readonly fetcher: Fetcher) {}

  /** A copy that shares nothing with this one from now on. */
  clone(): ApiClient {
    const copy = new ApiClient(this.fetcher);
    copy.cookie = this.cookie;
    copy.csrf = this.csrf;
    copy.token = this.token;
    return copy;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (this.cookie) headers['cookie'] = this.cookie;
    if (this.csrf && this.sendCsrf && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] = this.csrf;
    const init: RequestInit = { method, headers };
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) init.body = JSON.stringify(body);
    const response = await this.fetcher(`http://127.0.0.1${path}`, init);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = /=$/.test(pair) || /Max-Age=0/i.test(setCookie) ? undefined : pair;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // not JSON (an SSE stream, a page): the text itself
    }
    const answer = { status: response.status, body: parsed as T, headers: response.headers };
    const csrf = (parsed as { csrf_token?: unknown } | null)?.csrf_token;
    if (typeof csrf === 'string') this.csrf = csrf;
    return answer;
  }

  get<T = Record<string, unknown>>(path: string): Promise<ApiAnswer<T>> {
    return this.request<T>('GET', path);
  }
  post<T = Record<string, unknown>>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T = Record<string, unknown>>(path: string, body?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>('PUT', path, body ?? {});
  }
  delete<T = Record<string, unknown>>(path: string): Promise<ApiAnswer<T>> {
    return this.request<T>('DELETE', path);
  }
}

/** Creates the owner with the setup token and returns their signed-in client. */
export async function setupOwner(world: TeamWorld, username = 'alice'): Promise<ApiClient> {
  const client = world.anonymous();
  const answer = await client.post('/api/setup', { token: world.setupToken, username, password: PASSWORDS[username] });
  if (answer.status !== 201) throw new Error(`setup failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return client;
}

/** Signs a user in (creating them first through the owner when `owner` is given). */
export async function signIn(world: TeamWorld, username: string, owner?: ApiClient): Promise<ApiClient> {
  const password = PASSWORDS[username] ?? `${username}-correct-horse-x`;
  if (owner) {
    const made = await owner.post('/api/users', { username, password });
    if (made.status !== 201 && made.status !== 409)
      throw new Error(`user ${username}: ${made.status} ${JSON.stringify(made.body)}`);
  }
  const client = world.anonymous();
  const answer = await client.post('/api/session', { username, password });
  if (answer.status !== 200)
    throw new Error(`sign-in of ${username} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return client;
}

/** A client that carries a fresh API token of `from`'s user (as the CLI does), and no cookie. */
export async function tokenClient(world: TeamWorld, from: ApiClient, name = 'test'): Promise<ApiClient> {
  const made = await from.post<{ token: string }>('/api/tokens', { name });
  if (made.status !== 201) throw new Error(`token: ${made.status}`);
  const client = world.anonymous();
  client.token = made.body.token;
  return client;
}

/** Creates a workspace through `owner` (a server owner); throws unless it is created. */
export async function makeWorkspace(
  owner: ApiClient,
  body: { name: string; accounts: string[]; roles?: string[]; description?: string; connection?: unknown },
): Promise<void> {
  const made = await owner.post('/api/workspaces', body);
  if (made.status !== 201) throw new Error(`workspace ${body.name}: ${made.status} ${JSON.stringify(made.body)}`);
}

/** Adds `username` to a workspace (or changes their role) through `admin`; throws unless it works. */
export async function addMember(
  admin: ApiClient,
  workspace: string,
  username: string,
  role: 'owner' | 'admin' | 'operator' | 'viewer',
  limits: { accounts: string; roles: string[] }[] = [],
): Promise<void> {
  const put = await admin.put(`/api/workspaces/${workspace}/members/${username}`, { role, limits });
  if (put.status !== 200 && put.status !== 201)
    throw new Error(`member ${username} of ${workspace}: ${put.status} ${JSON.stringify(put.body)}`);
}
