/**
 * bench/server: the team server under load, as `crossbar serve` runs it (the built CLI in its own process, a
 * sandbox in another), on SQLite and on a real PostgreSQL. 50 members, each with their own API token, each a
 * closed-loop client over keep-alive connections:
 * - a vended credential, warm (POST /api/workspaces/platform/credentials: the member's permission checked, the
 *   member's own cached AssumeRole answered);
 * - a permission-checked read (GET /api/workspaces/platform: membership, role, the workspace's accounts);
 * - baselines in the same run: GET /healthz (the HTTP stack alone, no database, no auth), and the CLI's own warm
 *   cache (`crossbar credential-process development`, whole processes, and the same through the server).
 * - the same vend in an open loop: the members together at a fixed rate (--open-rates=250,500 by default), latency
 *   counted from when each request was due — what a team sees at that load, beside the closed loop's most.
 * Requests per second, p50 / p99 latency as the load generator sees it and as the server does (its own time from
 * the parsed request to the response handed to the socket: bench/server/request-timing.mjs, preloaded), and the
 * server's RSS (VmRSS after the load, VmHWM peak).
 * Targets: warm vend p99 < 20 ms on SQLite; the server adds < 5 ms p50 to a hop compared with the CLI's own
 * warm cache.
 *
 * The load comes from wrk (Debian's `wrk`, a C load generator, when on PATH) so that the two cores go to the server;
 * `--node-load` uses a Node http.request loop in this process instead (as before; it costs the server a core).
 *
 * Run: npm run bench:server [-- --seconds 10] [-- --clients 50] [-- --node-load] [-- --dbs=sqlite] [-- --no-build]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { numberFlag, table } from '../lib/load.js';
import { startTestPostgres, type TestPostgres } from '../../test/helpers/postgres.js';
import { hasWrk, wrkLoad } from './wrk-load.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/crossbar.js');
const SECONDS = numberFlag('seconds', 10);
const CLIENTS = numberFlag('clients', 50);
/** Offered rates (requests per second, all members together) of the open-loop vend cases. */
const OPEN_RATES = (process.argv.find((a) => a.startsWith('--open-rates='))?.slice(13) ?? '250,500')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const WORKSPACE = 'platform';
const ACCOUNT = 'development';
const ROLE = 'CrossbarReadOnly';
/** `wrk` (default when on PATH: Debian's wrk, a load generator in C) or `node` (this process, http.request). */
const LOADER = process.argv.includes('--node-load') ? 'node' : 'wrk';
/** `--dbs=sqlite` (or `postgres`): only those databases; both by default. */
const DBS = (process.argv.find((a) => a.startsWith('--dbs='))?.slice(6) ?? 'sqlite,postgres').split(',');

function build(): void {
  // --no-build: benchmark dist/ as it is (a build you made, or patched to measure something).
  if (process.argv.includes('--no-build')) return;
  process.stderr.write('building dist/ (npm run build)…\n');
  spawnSync('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('the build produced no dist/cli/main.js');
}

async function firstLine(proc: ChildProcess, match: RegExp, what: string): Promise<string[]> {
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    if (!proc.stdout) return reject(new Error('no stdout'));
    createInterface({ input: proc.stdout }).on('line', (line) => {
      lines.push(line);
      if (match.test(line)) resolve(lines);
    });
    proc.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${lines.join('\n')}`)));
  });
}

interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

async function startSandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-bench-server-'));
  const proc = spawn(process.execPath, [BIN, 'sandbox', 'start', '--port', '0', '--write-config', dir, '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await firstLine(proc, /^\{/, 'the sandbox');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_CONFIG_FILE: join(dir, 'aws/config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws/credentials'),
    CROSSBAR_CONFIG: join(dir, 'crossbar.yaml'),
    NO_COLOR: '1',
  };
  return { dir, env, stop: () => proc.kill('SIGTERM') };
}

interface Server {
  url: string;
  setupToken: string;
  pid: number;
  /** The server's own time per request since the last call (request-timing.mjs). */
  timing(): Promise<ServerTiming>;
  stop(): Promise<void>;
}

interface ServerTiming {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Asks the server's preloaded request-timing.mjs for its percentiles since the last ask (SIGUSR2, then a file). */
async function requestTiming(pid: number, file: string): Promise<ServerTiming> {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100; i += 1) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as ServerTiming;
      } catch {
        // written a moment ago and not yet whole: read again
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the server wrote no request timing (bench/server/request-timing.mjs not preloaded?)');
}

async function startServer(sandbox: Sandbox, dbUrl: string | undefined): Promise<Server> {
  const home = mkdtempSync(join(tmpdir(), 'crossbar-bench-home-'));
  // BENCH_SERVER_NODE_ARGS: flags for the server's node (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof), to see where it spends.
  const nodeArgs = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const timingFile = join(home, 'request-timing.json');
  const args = [
    ...nodeArgs,
    '--import',
    pathToFileURL(join(REPO, 'bench/server/request-timing.mjs')).href,
    BIN,
    'serve',
    '--port',
    '0',
    '--config',
    join(sandbox.dir, 'crossbar.yaml'),
  ];
  if (dbUrl) args.push('--db', dbUrl);
  const proc = spawn(process.execPath, args, {
    env: { ...sandbox.env, CROSSBAR_HOME: home, BENCH_TIMING_FILE: timingFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = await firstLine(proc, /Ctrl-C/, 'crossbar serve');
  const url = /listening on (http:\/\/\S+)/.exec(lines.join('\n'))?.[1];
  const setupToken = /setup#(xbsetup_\S+)/.exec(lines.join('\n'))?.[1];
  if (!url || !setupToken || proc.pid === undefined) throw new Error(`unexpected serve output:\n${lines.join('\n')}`);
  return {
    url,
    setupToken,
    pid: proc.pid,
    timing: () => requestTiming(proc.pid as number, timingFile),
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => {
          rmSync(home, { recursive: true, force: true });
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

async function api<T>(
  url: string,
  method: string,
  path: string,
  auth: { token?: string; cookie?: string; csrf?: string },
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth.token) headers['authorization'] = `Bearer ${auth.token}`;
  if (auth.cookie) headers['cookie'] = auth.cookie;
  if (auth.csrf) headers['x-csrf-token'] = auth.csrf;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  const parsed = JSON.parse(text) as T & { cookie?: string };
  if (cookie) parsed.cookie = cookie;
  return parsed;
}

/** The owner, CLIENTS operators of `platform` with their own API tokens. */
async function populate(server: Server): Promise<string[]> {
  const owner = await api<{ csrf_token: string; cookie: string }>(
    server.url,
    'POST',
    '/api/setup',
    {},
    {
      token: server.setupToken,
      username: 'alice',
      password: 'alice-bench-password-1',
    },
  );
  const auth = { cookie: owner.cookie, csrf: owner.csrf_token };
  await api(server.url, 'POST', '/api/workspaces', auth, { name: WORKSPACE, accounts: ['stage!=prod'] });
  const tokens: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const username = `member${String(i).padStart(2, '0')}`;
    await api(server.url, 'POST', '/api/users', auth, { username, password: `${username}-bench-password` });
    await api(server.url, 'PUT', `/api/workspaces/${WORKSPACE}/members/${username}`, auth, { role: 'operator' });
    const session = await api<{ cookie: string; csrf_token: string }>(
      server.url,
      'POST',
      '/api/session',
      {},
      {
        username,
        password: `${username}-bench-password`,
      },
    );
    const made = await api<{ token: string }>(
      server.url,
      'POST',
      '/api/tokens',
      { cookie: session.cookie, csrf: session.csrf_token },
      { name: 'bench' },
    );
    tokens.push(made.token);
  }
  return tokens;
}

interface LoadStats {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  firstError?: string;
}

/**
 * The requests of one load case: `send` sends one as `token` and records its latency from `since` (a
 * performance.now() time: when it left, or when it was due) and whether it failed (status >= 400 or no answer).
 */
function requester(url: string, path: string, method: string, body: unknown, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const target = new URL(`${url}${path}`);
  const payload = body === undefined ? '' : JSON.stringify(body);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const send = (token: string, since: number) =>
    new Promise<void>((resolve) => {
      const req = request(
        {
          hostname: target.hostname,
          port: target.port,
          path: target.pathname,
          method,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => {
            latencies.push(performance.now() - since);
            if ((res.statusCode ?? 500) >= 400) {
              errors += 1;
              firstError ??= `${res.statusCode}: ${text.slice(0, 200)}`;
            }
            resolve();
          });
        },
      );
      req.on('error', (err) => {
        errors += 1;
        firstError ??= err.message;
        resolve();
      });
      req.end(payload);
    });
  /** Ends the case: what it measured over `seconds`. */
  const finish = (seconds: number): LoadStats => {
    agent.destroy();
    latencies.sort((x, y) => x - y);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    const stats: LoadStats = {
      requests: latencies.length,
      errors,
      rps: latencies.length / seconds,
      p50: at(0.5),
      p99: at(0.99),
    };
    if (firstError) stats.firstError = firstError;
    return stats;
  };
  return { send, finish };
}

/** Closed loop: one worker per token, each sending its next request when the last answered, for `seconds`. */
async function load(
  url: string,
  tokens: readonly string[],
  method: string,
  path: string,
  body: unknown,
  seconds: number,
): Promise<LoadStats> {
  const { send, finish } = requester(url, path, method, body, tokens.length);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    tokens.map(async (token) => {
      while (performance.now() < deadline) await send(token, performance.now());
    }),
  );
  return finish((performance.now() - started) / 1000);
}

/**
 * Open loop: the members together send `rate` requests per second on a fixed schedule (each member every
 * clients / rate seconds, staggered), whether or not the last one answered, for `seconds`. Latency is counted from
 * when a request was due, not when it left, so a server that falls behind is charged for the queue (no coordinated
 * omission). This is the latency a team sees at a given load; the closed loop above is the most the server does.
 */
async function openLoad(
  url: string,
  tokens: readonly string[],
  method: string,
  path: string,
  body: unknown,
  seconds: number,
  rate: number,
): Promise<LoadStats> {
  const { send, finish } = requester(url, path, method, body, tokens.length * 4);
  const period = (tokens.length / rate) * 1000;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  await Promise.all(
    tokens.map(async (token, i) => {
      for (let due = started + (i * period) / tokens.length; due < started + seconds * 1000; due += period) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inFlight.push(send(token, due));
      }
    }),
  );
  await Promise.all(inFlight);
  return finish(seconds);
}

function rssMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');

async function benchDatabase(
  sandbox: Sandbox,
  kind: string,
  dbUrl: string | undefined,
  loader: 'wrk' | 'node',
): Promise<(string | number)[][]> {
  const server = await startServer(sandbox, dbUrl);
  try {
    process.stderr.write(`${kind}: ${CLIENTS} members…\n`);
    const tokens = await populate(server);
    const vendBody = { account: ACCOUNT, role: ROLE, purpose: 'credentials' };
    // Warm every member's own credentials once: the load measures the warm path.
    await Promise.all(
      tokens.map((token) => api(server.url, 'POST', `/api/workspaces/${WORKSPACE}/credentials`, { token }, vendBody)),
    );
    const cases: [string, string, string, unknown][] = [
      ['GET /healthz (HTTP alone)', 'GET', '/healthz', undefined],
      ['permission-checked read', 'GET', `/api/workspaces/${WORKSPACE}`, undefined],
      ['vended credential, warm', 'POST', `/api/workspaces/${WORKSPACE}/credentials`, vendBody],
    ];
    const rows: (string | number)[][] = [];
    for (const [name, method, path, body] of cases) {
      process.stderr.write(`${kind}: ${name} for ${SECONDS} s…\n`);
      await server.timing();
      const stats =
        loader === 'wrk'
          ? await wrkLoad(server.url, tokens, method, path, body, SECONDS, CLIENTS)
          : await load(server.url, tokens, method, path, body, SECONDS);
      const mem = rssMb(server.pid);
      const inServer = await server.timing();
      if (stats.firstError) process.stderr.write(`  first error: ${stats.firstError}\n`);
      rows.push([
        kind,
        name,
        CLIENTS,
        Math.round(stats.rps),
        ms(stats.p50),
        ms(stats.p99),
        ms(inServer.p50),
        ms(inServer.p99),
        stats.errors,
        mem.rss.toFixed(0),
        mem.hwm.toFixed(0),
      ]);
    }
    // Open loop: the 50 members at a fixed total rate, latency from when each request was due.
    for (const rate of OPEN_RATES) {
      process.stderr.write(`${kind}: vended credential, warm, ${rate}/s offered for ${SECONDS} s…\n`);
      await server.timing();
      const open = await openLoad(
        server.url,
        tokens,
        'POST',
        `/api/workspaces/${WORKSPACE}/credentials`,
        vendBody,
        SECONDS,
        rate,
      );
      if (open.firstError) process.stderr.write(`  first error: ${open.firstError}\n`);
      const mem = rssMb(server.pid);
      const inServer = await server.timing();
      rows.push([
        kind,
        `vended credential, warm, open loop ${rate}/s`,
        CLIENTS,
        Math.round(open.rps),
        ms(open.p50),
        ms(open.p99),
        ms(inServer.p50),
        ms(inServer.p99),
        open.errors,
        mem.rss.toFixed(0),
        mem.hwm.toFixed(0),
      ]);
    }
    // One client alone: what one hop through the server costs, next to the CLI's own warm cache (below).
    await server.timing();
    const single = await load(
      server.url,
      tokens.slice(0, 1),
      'POST',
      `/api/workspaces/${WORKSPACE}/credentials`,
      vendBody,
      3,
    );
    const singleInServer = await server.timing();
    rows.push([
      kind,
      'vended credential, warm, 1 client',
      1,
      Math.round(single.rps),
      ms(single.p50),
      ms(single.p99),
      ms(singleInServer.p50),
      ms(singleInServer.p99),
      single.errors,
      '-',
      '-',
    ]);
    return rows;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  build();
  const loader = LOADER === 'wrk' && (await hasWrk()) ? 'wrk' : 'node';
  if (loader === 'node' && LOADER === 'wrk')
    process.stderr.write('wrk is not on PATH (apt-get install -y wrk): the load comes from this Node process\n');
  const sandbox = await startSandbox();
  let pg: TestPostgres | undefined;
  try {
    const rows = DBS.includes('sqlite') ? await benchDatabase(sandbox, 'sqlite', undefined, loader) : [];
    if (DBS.includes('postgres')) {
      pg = await startTestPostgres();
      rows.push(...(await benchDatabase(sandbox, 'postgres', pg.url, loader)));
    }
    process.stdout.write(
      `\nbench/server: ${CLIENTS} members, closed loop from ${loader === 'wrk' ? 'wrk' : 'Node'}, ${SECONDS} s per case (load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})\n\n`,
    );
    process.stdout.write(
      `${table(
        [
          'db',
          'case',
          'clients',
          'req/s',
          'p50 ms',
          'p99 ms',
          'in server p50 ms',
          'in server p99 ms',
          'errors',
          'RSS MB',
          'peak RSS MB',
        ],
        rows,
      )}\n`,
    );
  } finally {
    await pg?.stop();
    sandbox.stop();
    rmSync(sandbox.dir, { recursive: true, force: true });
  }
}

await main();
