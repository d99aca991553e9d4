/**
 * bench/audit: `crossbar audit` of a generated 500-account organization, against a sandbox (`generated:500`,
 * 20 ms latency per request) in a child process of its own. The audit is the real CLI in another child
 * process, so its peak RSS is its own: VmHWM from /proc/<pid>/status, polled until it exits.
 *
 * Targets (issue 5): wall time < 60 s, peak RSS < 500 MB, and every account covered (none lost).
 *
 * Run: npx tsx bench/audit/run.ts [--accounts 500] [--latency 20] [--concurrency 32]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table, numberFlag } from '../lib/load.js';
import { CLI, procStats, startSandboxChild } from '../lib/child.js';

const ACCOUNTS = numberFlag('accounts', 500);
const LATENCY = numberFlag('latency', 20);
const CONCURRENCY = numberFlag('concurrency', 32);
const WALL_TARGET_S = 60;
const RSS_TARGET_MB = 500;

const peakRssMb = (pid: number | undefined) => procStats(pid).peakRssMb;

interface AuditJson {
  accounts: number;
  covered: unknown[];
  notCovered: { code: string }[];
  findings: { severity: string }[];
  summary: Record<string, number>;
  trustEdges: number;
}

async function runAuditChild(dir: string): Promise<{
  code: number | null;
  wallMs: number;
  peak: number | undefined;
  report: AuditJson | undefined;
  stderr: string;
}> {
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
  const started = performance.now();
  const child = spawn(
    CLI[0] ?? 'node',
    [...CLI.slice(1), 'audit', 'all', '--format', 'json', '--concurrency', String(CONCURRENCY)],
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
  let peak: number | undefined;
  // VmHWM only grows: the last reading before exit is the peak, give or take the last 50 ms.
  const poll = setInterval(() => {
    peak = peakRssMb(child.pid) ?? peak;
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearInterval(poll);
  const wallMs = performance.now() - started;
  let report: AuditJson | undefined;
  try {
    report = JSON.parse(stdout) as AuditJson;
  } catch {
    report = undefined;
  }
  return { code, wallMs, peak, report, stderr };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-bench-audit-'));
  const sandbox = await startSandboxChild(ACCOUNTS, LATENCY, dir);
  try {
    const run = await runAuditChild(dir);
    if (!run.report) throw new Error(`audit printed no report (exit ${run.code}): ${run.stderr.slice(-800)}`);
    const r = run.report;
    const wall = run.wallMs / 1000;
    const mb = run.peak;
    console.log(
      `bench/audit: crossbar audit of generated:${ACCOUNTS} (+ the source account), sandbox latency ${LATENCY} ms per request (child process), concurrency ${CONCURRENCY}`,
    );
    console.log(
      table(
        ['measure', 'value', 'target'],
        [
          [
            'wall time (process start to exit)',
            `${wall.toFixed(1)} s`,
            `< ${WALL_TARGET_S} s: ${wall < WALL_TARGET_S ? 'met' : 'MISSED'}`,
          ],
          [
            'peak RSS of the audit process (VmHWM)',
            mb === undefined ? 'n/a (no /proc)' : `${mb.toFixed(0)} MB`,
            `< ${RSS_TARGET_MB} MB: ${mb === undefined ? 'n/a' : mb < RSS_TARGET_MB ? 'met' : 'MISSED'}`,
          ],
          ['accounts covered / asked', `${r.covered.length} / ${r.accounts}`, `${r.accounts} / ${r.accounts}`],
          ['accounts not covered', String(r.notCovered.length), '0'],
          ['trust edges', String(r.trustEdges), '-'],
          [
            'findings (critical/high/medium/low)',
            `${r.findings.length} (${['critical', 'high', 'medium', 'low'].map((s) => r.summary[s] ?? 0).join('/')})`,
            '-',
          ],
          ['exit code', String(run.code), '0 (no --fail-on, all covered)'],
        ],
      ),
    );
    // Each account needs about three round trips in a row (AssumeRole, then GetAccountAuthorizationDetails and DescribeOrganization at once, per-user calls).
    const bound = (r.accounts * 3 * LATENCY) / CONCURRENCY / 1000;
    console.log(
      `Latency bound (accounts × ~3 round trips × latency ÷ concurrency): ${bound.toFixed(1)} s; the audit took ${(wall / bound).toFixed(1)}× that (including process start).`,
    );
    if (wall >= WALL_TARGET_S || (mb ?? 0) >= RSS_TARGET_MB || r.notCovered.length > 0) process.exitCode = 1;
  } finally {
    sandbox.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
