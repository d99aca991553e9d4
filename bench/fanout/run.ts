/**
 * bench/fanout: `crossbar run all --regions R1,R2,R3,R4 -- ec2 DescribeInstances` over 200 accounts × 4 regions
 * (800 targets) of a sandbox with 50 ms latency per request, timed as whole CLI processes: `node bin/crossbar.js
 * run …` (start-up, config and the SDK's loading included) against a sandbox started by `node bin/crossbar.js
 * sandbox start` in a process of its own. Rows, from one run:
 * - `node -e 0`: node's own start-up, the floor of any CLI process on this machine at this moment;
 * - crossbar, cold cache (a new CROSSBAR_HOME: 200 AssumeRoles during the run), and warm (a second run's cache);
 * - crossbar, cold cache under faults (issue 9 item 1): 5% of requests fail with a 500, STS throttles the source
 *   account's AssumeRoles past `--sts-throttle` per second, and EC2 throttles each account in each region (AWS's
 *   scope: the sandbox's token buckets are per account, region and API) with a bucket of `--ec2-burst` request
 *   refilled at `--ec2-throttle` per second: an account whose EC2 is already busy with other callers. A target
 *   makes one DescribeInstances, so EC2 throttles the retry that follows a 500; the row reports how many
 *   throttles the sandbox answered and fails the bench when EC2 answered none. Every target must end ok; wall
 *   time at most 2× the fault-free cold run;
 * - the baseline: a sequential AWS CLI loop over generated role-arn profiles, one `aws ec2 describe-instances
 *   --profile P --region R` per target, timed on a sample (whole accounts) and extrapolated per call to 800;
 * - the latency bound: (targets + AssumeRoles) × latency ÷ concurrency.
 * Targets: at least 50× faster than the loop; faults at most 2× the fault-free run; the latency bound is shown
 * for the whole process (start-up included) and for the process less `node -e 0`.
 *
 * The machines here are small and shared (2 cores, other engineers' processes): each case runs `--runs` times,
 * interleaved round by round so that a noisy moment slows every case alike, and the best time counts; every
 * sample, the medians and the load average are printed. dist/ is built first (`bin/crossbar.js` runs it).
 *
 * Run: npm run bench:fanout [-- --accounts 200 --latency 50 --concurrency 32 --runs 3 --sample-accounts 3
 *      --error-rate 0.05 --sts-throttle 50 --ec2-throttle 3 --ec2-burst 1]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { renderProfiles } from '../../src/core/aws-config/index.js';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import { buildRegistry, type Registry } from '../../src/core/config/registry.js';
import type { Faults } from '../../src/sandbox/faults.js';
import { numberFlag, table } from '../lib/load.js';

const ACCOUNTS = numberFlag('accounts', 200);
const LATENCY = numberFlag('latency', 50);
const CONCURRENCY = numberFlag('concurrency', 32);
const SAMPLE_ACCOUNTS = numberFlag('sample-accounts', 3);
const RUNS = Math.max(1, numberFlag('runs', 3));
const ERROR_RATE = numberFlag('error-rate', 0.05);
const STS_THROTTLE = numberFlag('sts-throttle', 50);
const EC2_THROTTLE = numberFlag('ec2-throttle', 3);
const EC2_BURST = numberFlag('ec2-burst', 1);
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'];
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/crossbar.js');

const FAULTS: Faults = {
  errorRate: ERROR_RATE,
  rules: [
    { service: 'sts', operation: 'AssumeRole', throttleRps: STS_THROTTLE },
    { service: 'ec2', throttleRps: EC2_THROTTLE, throttleBurst: EC2_BURST },
  ],
};

function build(): void {
  process.stderr.write('building dist/ (npm run build: tsc, then the fast paths bundled into dist/fast/)…\n');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('the build produced no dist/cli/main.js');
  if (r.status !== 0) process.stderr.write('warning: tsc reported errors (see above); benchmarking what it emitted\n');
  // bin/crossbar.js runs --version and a warm credential-process from this bundle.
  const bundled = spawnSync(process.execPath, [join(REPO, 'scripts/bundle-fast-path.mjs')], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (bundled.status !== 0 || !existsSync(join(REPO, 'dist/fast/fast-path.js')))
    throw new Error('scripts/bundle-fast-path.mjs made no dist/fast/fast-path.js');
}

interface SandboxChild {
  endpoint: string;
  stop(): void;
}

/** `crossbar sandbox start` in its own process: the sandbox's CPU is not the CLI's. */
async function startSandbox(dir: string): Promise<SandboxChild> {
  const proc = spawn(
    process.execPath,
    [
      BIN,
      'sandbox',
      'start',
      '--port',
      '0',
      '--org',
      `generated:${ACCOUNTS}`,
      '--latency',
      String(LATENCY),
      '--write-config',
      dir,
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    if (!proc.stdout) return reject(new Error('no stdout'));
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const info: unknown = JSON.parse(line);
  const endpoint =
    typeof info === 'object' && info !== null && 'endpoint' in info && typeof info.endpoint === 'string'
      ? info.endpoint
      : undefined;
  if (!endpoint) throw new Error(`sandbox printed no endpoint: ${line}`);
  return { endpoint, stop: () => proc.kill('SIGTERM') };
}

type FaultCounts = Record<string, { requests: number; throttled: number; errors: number }>;

/** What the sandbox's faults did since they were set: proof that the faults row met throttling and errors. */
async function faultStats(endpoint: string): Promise<FaultCounts> {
  const res = await fetch(`${endpoint}/_sandbox/faults/stats`);
  if (!res.ok) throw new Error(`reading fault stats: HTTP ${res.status}`);
  return (await res.json()) as FaultCounts;
}

function sumCounts(counts: FaultCounts, pick: (key: string) => boolean, field: 'throttled' | 'errors'): number {
  return Object.entries(counts)
    .filter(([key]) => pick(key))
    .reduce((n, [, c]) => n + c[field], 0);
}

const isEc2 = (key: string) => key.startsWith('ec2:');

function describeCounts(counts: FaultCounts): string {
  const assume = counts['sts:AssumeRole'];
  return `answered: AssumeRole ${assume?.throttled ?? 0} throttled of ${assume?.requests ?? 0}, EC2 ${sumCounts(counts, isEc2, 'throttled')} throttled, ${sumCounts(counts, () => true, 'errors')} 500s`;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The sandbox's faults, set through its admin endpoint (the token buckets start full). */
async function setFaults(endpoint: string, faults: Faults): Promise<void> {
  const res = await fetch(`${endpoint}/_sandbox/faults`, { method: 'PUT', body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`setting faults: HTTP ${res.status} ${await res.text()}`);
}

interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One whole process, from spawn to exit. */
function timeRun(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const [program = '', ...rest] = argv;
    const start = process.hrtime.bigint();
    const child = spawn(program, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, stdout, stderr }));
  });
}

interface RunResult {
  ms: number;
  ok: number;
  failed: number;
  summary: string;
  /** The first failures, when there were any: a run with failures is not a measurement. */
  failures: string[];
}

/** `crossbar run all … -o ndjson` as a process: its wall time and what its NDJSON lines say. */
async function crossbarRun(env: NodeJS.ProcessEnv): Promise<RunResult> {
  const argv = [
    process.execPath,
    BIN,
    'run',
    'all',
    '--regions',
    REGIONS.join(','),
    '--concurrency',
    String(CONCURRENCY),
    '-o',
    'ndjson',
    '--',
    'ec2',
    'DescribeInstances',
  ];
  const r = await timeRun(argv, env);
  const lines = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { name: string; region: string; status: string; error?: { message: string } });
  const bad = lines.filter((l) => l.status !== 'ok');
  const summary = /(\d+ ok, \d+ failed.*?)(?: in [\d.]+ ?s)?$/m.exec(r.stderr)?.[1] ?? `exit ${r.code}`;
  return {
    ms: r.ms,
    ok: lines.length - bad.length,
    failed: bad.length + (r.code !== 0 && bad.length === 0 ? 1 : 0),
    summary,
    failures: bad.slice(0, 3).map((l) => `${l.name}/${l.region} ${l.status} ${l.error?.message ?? ''}`),
  };
}

function registryOf(configPath: string): Registry {
  const parsed = parseConfig(readFileSync(configPath, 'utf8'), configPath);
  if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  return buildRegistry(parsed.config);
}

/** The seeds' way: role-arn profiles (crossbar aws-config --mode role-arn) and one AWS CLI call per target. */
function timeCliLoop(dir: string, registry: Registry): { perCallMs: number; calls: number; failures: number } {
  const home = join(dir, 'cli-home');
  mkdirSync(home, { recursive: true });
  const configPath = join(dir, 'aws', 'loop-config');
  const profiles = renderProfiles(registry, { mode: 'role-arn', sourceProfile: 'alice' });
  writeFileSync(configPath, `${readFileSync(join(dir, 'aws', 'config'), 'utf8')}\n${profiles}`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    HOME: home,
    AWS_CONFIG_FILE: configPath,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  let calls = 0;
  let failures = 0;
  const started = performance.now();
  for (const account of registry.accounts.slice(0, SAMPLE_ACCOUNTS)) {
    for (const region of REGIONS) {
      const run = spawnSync(
        'aws',
        ['ec2', 'describe-instances', '--profile', account.defaultRole.profileName, '--region', region],
        { env, encoding: 'utf8' },
      );
      calls += 1;
      if (run.status !== 0) {
        failures += 1;
        if (failures === 1) console.error(`aws failed: ${run.stderr.slice(0, 400)}`);
      }
    }
  }
  return { perCallMs: (performance.now() - started) / calls, calls, failures };
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v aws']).status !== 0)
    throw new Error('the AWS CLI (aws) is not on PATH: the baseline needs it');
  build();
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-bench-fanout-'));
  const sandbox = await startSandbox(dir);
  try {
    const configPath = join(dir, 'crossbar.yaml');
    let homes = 0;
    const envWith = (home: string): NodeJS.ProcessEnv => ({
      PATH: process.env['PATH'],
      HOME: dir,
      CROSSBAR_HOME: home,
      CROSSBAR_KEY_STORE: 'file',
      CROSSBAR_CONFIG: configPath,
      AWS_CONFIG_FILE: join(dir, 'aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws', 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      NO_COLOR: '1',
    });
    const newHome = () => join(dir, `crossbar-home-${(homes += 1)}`);
    const load = loadavg()[0] ?? 0;
    const node: number[] = [];
    const cold: RunResult[] = [];
    const warm: RunResult[] = [];
    const faults: RunResult[] = [];
    const counts: FaultCounts[] = [];
    for (let round = 0; round < RUNS; round += 1) {
      for (let i = 0; i < 3; i += 1) node.push((await timeRun([process.execPath, '-e', '0'], process.env)).ms);
      await setFaults(sandbox.endpoint, {});
      const home = newHome();
      cold.push(await crossbarRun(envWith(home)));
      warm.push(await crossbarRun(envWith(home)));
      await setFaults(sandbox.endpoint, FAULTS);
      faults.push(await crossbarRun(envWith(newHome())));
      counts.push(await faultStats(sandbox.endpoint));
      process.stderr.write(`round ${round + 1}/${RUNS}\n`);
    }
    await setFaults(sandbox.endpoint, {});
    const loop = timeCliLoop(dir, registryOf(configPath));

    const targets = ACCOUNTS * REGIONS.length;
    const loopMs = loop.perCallMs * targets;
    const nodeMs = Math.min(...node);
    const best = (runs: RunResult[]) => runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const bestCold = best(cold);
    const bestWarm = best(warm);
    const bestFaults = best(faults);
    const coldBound = ((targets + ACCOUNTS) * LATENCY) / CONCURRENCY;
    const warmBound = (targets * LATENCY) / CONCURRENCY;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    const samples = (runs: RunResult[]) => runs.map((r) => s(r.ms)).join(', ');
    const result = (runs: RunResult[]) => {
      const failed = runs.filter((r) => r.failed > 0);
      return failed.length === 0
        ? `${best(runs).summary} (all ${runs.length} runs)`
        : `${failed.length}/${runs.length} runs had failures: ${failed[0]?.summary ?? ''}`;
    };
    const vsLoop = (ms: number) => `${(loopMs / ms).toFixed(0)}× ${loopMs / ms >= 50 ? 'met' : 'MISSED'}`;
    const vsBound = (ms: number, bound: number) =>
      `${x(ms, bound)} (less node: ${x(ms - nodeMs, bound)}) ${(ms - nodeMs) / bound <= 1.5 ? 'met' : 'MISSED'}`;
    const faultsRatio = bestFaults.ms / bestCold.ms;
    const medianOf = (runs: RunResult[]) => median(runs.map((r) => r.ms));
    const noEc2Throttling = counts.filter((c) => sumCounts(c, isEc2, 'throttled') === 0).length;
    const bestFaultsCounts = counts[faults.indexOf(bestFaults)] ?? {};

    console.log(
      `bench/fanout: \`crossbar run all --regions ${REGIONS.join(',')} -- ec2 DescribeInstances\` as a whole process (node bin/crossbar.js), ${ACCOUNTS} accounts × ${REGIONS.length} regions = ${targets} targets, concurrency ${CONCURRENCY}; sandbox in its own process, ${LATENCY} ms latency per request`,
    );
    console.log(
      `faults row: ${ERROR_RATE * 100}% of requests answer 500, STS throttles AssumeRole past ${STS_THROTTLE}/s (per calling account and region: all ${ACCOUNTS} come from the source), EC2 throttles each account in each region (AWS's scope) with a bucket of ${EC2_BURST} request${EC2_BURST === 1 ? '' : 's'} refilled at ${EC2_THROTTLE}/s, an EC2 already busy with other callers; one DescribeInstances per target, so EC2 throttles the retries that follow a 500`,
    );
    console.log(
      `best of ${RUNS} rounds, interleaved; samples: node -e 0 ${node.map((m) => `${m.toFixed(0)} ms`).join(', ')}; cold ${samples(cold)}; warm ${samples(warm)}; faults ${samples(faults)}; load average at start ${load.toFixed(2)} on ${availableParallelism()} cores`,
    );
    console.log(
      `medians of the ${RUNS} rounds: cold ${s(medianOf(cold))}, warm ${s(medianOf(warm))}, faults ${s(medianOf(faults))} (${x(medianOf(faults), medianOf(cold))} the cold median)`,
    );
    console.log(
      `the sandbox under faults, per run: ${counts.map((c, i) => `${s(faults[i]?.ms ?? 0)} run: ${describeCounts(c)}`).join('; ')}`,
    );
    console.log(
      `AWS CLI loop: a sample of ${loop.calls} calls (${SAMPLE_ACCOUNTS} whole accounts × ${REGIONS.length} regions; ${loop.failures} failed) at ${loop.perCallMs.toFixed(0)} ms per call, extrapolated to ${targets}`,
    );
    console.log('');
    console.log(
      table(
        [
          'run',
          'wall time',
          'result',
          'vs fault-free cold (faults ≤ 2×)',
          'vs AWS CLI loop (≥ 50×)',
          'latency bound',
          'vs bound (≤ 1.5×)',
        ],
        [
          ['node -e 0 (baseline: node start-up)', `${nodeMs.toFixed(0)} ms`, '-', '-', '-', '-', '-'],
          [
            'AWS CLI loop, sequential (extrapolated)',
            s(loopMs),
            `${loop.calls - loop.failures}/${loop.calls} ok in sample`,
            '-',
            '1×',
            '-',
            '-',
          ],
          [
            `crossbar, cold cache (+${ACCOUNTS} AssumeRole)`,
            s(bestCold.ms),
            result(cold),
            '1×',
            vsLoop(bestCold.ms),
            `${s(coldBound)} = (${targets}+${ACCOUNTS})×${LATENCY}÷${CONCURRENCY}`,
            vsBound(bestCold.ms, coldBound),
          ],
          [
            'crossbar, warm cache',
            s(bestWarm.ms),
            result(warm),
            '-',
            vsLoop(bestWarm.ms),
            `${s(warmBound)} = ${targets}×${LATENCY}÷${CONCURRENCY}`,
            vsBound(bestWarm.ms, warmBound),
          ],
          [
            `crossbar, cold cache, faults (${ERROR_RATE * 100}% 500s, STS ${STS_THROTTLE}/s, EC2 bucket of ${EC2_BURST} refilled ${EC2_THROTTLE}/s per account×region)`,
            s(bestFaults.ms),
            `${result(faults)}; ${describeCounts(bestFaultsCounts)}`,
            `${faultsRatio.toFixed(2)}× ${faultsRatio <= 2 ? 'met' : 'MISSED'}`,
            vsLoop(bestFaults.ms),
            '-',
            '-',
          ],
        ],
      ),
    );
    const failed = [...cold, ...warm, ...faults].filter((r) => r.failed > 0);
    for (const r of failed.slice(0, 3)) console.error(`failures: ${r.summary}\n  ${r.failures.join('\n  ')}`);
    if (noEc2Throttling > 0)
      console.error(
        `${noEc2Throttling} of ${RUNS} faults runs met no EC2 throttling: the faults row did not measure it`,
      );
    if (failed.length > 0 || faultsRatio > 2 || noEc2Throttling > 0) process.exitCode = 1;
  } finally {
    sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
