/**
 * bench/inventory: `crossbar inventory sync` of 1,000 accounts × 4 regions × every resource type, against a
 * sandbox (`generated:1000`, 20 ms latency per request) in a child process of its own. The sync is the real
 * CLI in another child process, so that its peak RSS is its own: read from /proc/<pid>/status (VmHWM, the
 * kernel's high-water mark of resident memory), polled until it exits.
 *
 * Reports wall time, API calls per second, peak RSS (target < 500 MB), and lost targets (target 0): every
 * (account, region, type) slice must have its sync_status row. It also reports the CPU each process used
 * per second of wall time, so that a sandbox pinned at one core shows up as the bottleneck it is.
 *
 * Run: npx tsx bench/inventory/run.ts [--accounts 1000] [--latency 20] [--concurrency 32]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RESOURCE_TYPES } from '../../src/core/inventory/resource-types.js';
import { table, numberFlag } from '../lib/load.js';
import { CLI, procStats, startSandboxChild, type ProcStats } from '../lib/child.js';

const ACCOUNTS = numberFlag('accounts', 1000);
const LATENCY = numberFlag('latency', 20);
const CONCURRENCY = numberFlag('concurrency', 32);
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'];
const RSS_TARGET_MB = 500;

interface SyncRun {
  code: number | null;
  wallMs: number;
  report: {
    summary: {
      total: number;
      ok: number;
      failed: number;
      resources: number;
      calls: number;
      elapsedMs: number;
      text: string;
    };
  };
  peakRssMb: number | undefined;
  syncCpu: number | undefined;
  sandboxCpu: number | undefined;
  stderr: string;
}

/** `crossbar inventory sync` as a user runs it, with its peak RSS and both processes' CPU time. */
async function runSync(dir: string, db: string, sandbox: ChildProcess): Promise<SyncRun> {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    HOME: home,
    CROSSBAR_HOME: join(dir, 'crossbar-home'),
    CROSSBAR_KEY_STORE: 'file',
    CROSSBAR_CONFIG: join(dir, 'crossbar.yaml'),
    AWS_CONFIG_FILE: join(dir, 'aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const sandboxBefore = procStats(sandbox.pid).cpuSeconds;
  const started = performance.now();
  const child = spawn(
    CLI[0] ?? 'node',
    [
      ...CLI.slice(1),
      'inventory',
      'sync',
      'all',
      '--regions',
      REGIONS.join(','),
      '--db',
      db,
      '--concurrency',
      String(CONCURRENCY),
      '-o',
      'json',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let last: ProcStats = { peakRssMb: undefined, cpuSeconds: undefined };
  // VmHWM only grows: the last reading before exit is the peak, give or take the last 50 ms.
  const poll = setInterval(() => {
    const s = procStats(child.pid);
    if (s.peakRssMb !== undefined) last = s;
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearInterval(poll);
  const wallMs = performance.now() - started;
  const sandboxAfter = procStats(sandbox.pid).cpuSeconds;
  const report = JSON.parse(stdout || '{}') as SyncRun['report'];
  return {
    code,
    wallMs,
    report,
    stderr,
    peakRssMb: last.peakRssMb,
    syncCpu: last.cpuSeconds,
    sandboxCpu: sandboxBefore !== undefined && sandboxAfter !== undefined ? sandboxAfter - sandboxBefore : undefined,
  };
}

/** Slices that have no sync_status row: the lost targets. */
function lostSlices(
  db: string,
  expected: number,
): { rows: number; lost: number; failedRows: number; resources: number } {
  const sqlite = new Database(db, { readonly: true });
  try {
    const one = (sql: string) => Number(sqlite.prepare(sql).pluck().get());
    const rows = one('SELECT count(*) FROM (SELECT DISTINCT account_id, region, type FROM sync_status)');
    return {
      rows,
      lost: expected - rows,
      failedRows: one("SELECT count(*) FROM sync_status WHERE status = 'failed'"),
      resources: one('SELECT count(*) FROM resources'),
    };
  } finally {
    sqlite.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-bench-inventory-'));
  const sandbox = await startSandboxChild(ACCOUNTS, LATENCY, dir);
  try {
    const regional = RESOURCE_TYPES.filter((t) => t.scope === 'regional').length;
    const global = RESOURCE_TYPES.length - regional;
    const expectedSlices = ACCOUNTS * (REGIONS.length * regional + global);
    const db = join(dir, 'inventory.db');
    const run = await runSync(dir, db, sandbox);
    if (!run.report.summary)
      throw new Error(`inventory sync printed no report (exit ${run.code}): ${run.stderr.slice(-800)}`);
    const check = lostSlices(db, expectedSlices);
    const s = run.report.summary;
    const syncSeconds = s.elapsedMs / 1000;
    const mb = (v: number | undefined) => (v === undefined ? 'n/a (no /proc)' : `${v.toFixed(0)} MB`);
    const perWall = (cpu: number | undefined) =>
      cpu === undefined ? 'n/a' : `${cpu.toFixed(1)} s (${(cpu / (run.wallMs / 1000)).toFixed(2)} cores)`;
    console.log(
      `bench/inventory: inventory sync of ${ACCOUNTS} accounts × ${REGIONS.length} regions × ${RESOURCE_TYPES.length} types (${regional} regional, ${global} global) = ${expectedSlices} slices, sandbox latency ${LATENCY} ms per request (child process), concurrency ${CONCURRENCY} targets`,
    );
    console.log(
      table(
        ['measure', 'value', 'target'],
        [
          ['wall time (process start to exit)', `${(run.wallMs / 1000).toFixed(1)} s`, '-'],
          ['sync time (as the sync reports it)', `${syncSeconds.toFixed(1)} s`, '-'],
          ['API calls (pages + per-item calls; not AssumeRole)', String(s.calls), '-'],
          ['API calls per second (of sync time)', (s.calls / syncSeconds).toFixed(0), '-'],
          ['slices ok / failed', `${s.ok} / ${s.failed}`, `${expectedSlices} / 0`],
          ['resources written', String(check.resources), '-'],
          [
            'peak RSS of the syncing process (VmHWM)',
            mb(run.peakRssMb),
            `< ${RSS_TARGET_MB} MB: ${run.peakRssMb === undefined ? 'n/a' : run.peakRssMb < RSS_TARGET_MB ? 'met' : 'MISSED'}`,
          ],
          [
            'lost targets (slices without a sync_status row)',
            String(check.lost),
            `0: ${check.lost === 0 ? 'met' : 'MISSED'}`,
          ],
          ['CPU of the syncing process', perWall(run.syncCpu), '-'],
          ['CPU of the sandbox process', perWall(run.sandboxCpu), '≈ 1 core = the sandbox is the bottleneck'],
        ],
      ),
    );
    const wallSeconds = run.wallMs / 1000;
    if (run.sandboxCpu !== undefined && run.sandboxCpu / wallSeconds > 0.85) {
      console.log(
        `The sandbox child is the bottleneck: it used ${(run.sandboxCpu / wallSeconds).toFixed(2)} of its one core (node is single-threaded) answering ${(s.calls / syncSeconds).toFixed(0)} calls/s plus the AssumeRoles.`,
      );
    }
    if (run.syncCpu !== undefined && run.syncCpu / wallSeconds > 0.85) {
      console.log(
        `The syncing process is CPU-bound, not the sandbox: ${((run.syncCpu * 1000) / s.calls).toFixed(2)} ms of CPU per API call (SDK serialization, signing and parsing, the credential engine, SQLite), on ${cpus().length} cores shared with the sandbox.`,
      );
    }
    // Each target needs about three round trips in a row (list, then per-item calls, then DynamoDB's tags).
    const bound = (ACCOUNTS * REGIONS.length * 3 * LATENCY) / CONCURRENCY / 1000;
    console.log(
      `Latency bound (targets × ~3 round trips × latency ÷ concurrency): ${bound.toFixed(1)} s; the sync took ${(syncSeconds / bound).toFixed(1)}× that.`,
    );
    if (run.code !== 0 && run.code !== 1) console.log(`inventory sync exited ${run.code}: ${run.stderr.slice(-400)}`);
    if (check.lost !== 0 || s.failed > 0 || (run.peakRssMb ?? 0) >= RSS_TARGET_MB) process.exitCode = 1;
  } finally {
    sandbox.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
