/**
 * bench/hop: wall time of getting into an account, medians over N runs (default 25) of each case, interleaved
 * round by round so that a noisy machine slows every case alike:
 * - `crossbar credential-process production`, warm cache and cold cache (the cache entry deleted before);
 * - `crossbar exec production -- true`;
 * - `aws sts get-caller-identity` through the generated credential-process profile, and through a native
 *   role-arn profile of the same role with the AWS CLI's own assume-role cache (~/.aws/cli/cache) warm;
 * - baselines: `node -e 0` and the AWS CLI with the source user's static keys.
 * Everything runs against a sandbox child process, with the built CLI (`npm run build` first; done here).
 * Targets: warm credential-process under 150 ms; the AWS CLI through crossbar's profile at most 1.3× its own.
 *
 * Run: npm run bench:hop [-- --runs 25]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { renderProfiles } from '../../src/core/aws-config/index.js';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import { buildRegistry } from '../../src/core/config/registry.js';
import { table } from '../lib/load.js';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] ?? '') || 25;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/crossbar.js');
const TARGET = 'production';

function build(): void {
  process.stderr.write('building dist/ (npm run build)…\n');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // tsc emits even with type errors elsewhere in the tree; what matters here is the CLI it emitted.
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('the build produced no dist/cli/main.js');
  if (r.status !== 0) process.stderr.write('warning: tsc reported errors (see above); benchmarking what it emitted\n');
}

async function startSandbox(dir: string): Promise<{ endpoint: string; stop: () => void }> {
  const proc = spawn(process.execPath, [BIN, 'sandbox', 'start', '--port', '0', '--write-config', dir, '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    if (!proc.stdout) return reject(new Error('no stdout'));
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  const info = JSON.parse(line) as { endpoint: string };
  return { endpoint: info.endpoint, stop: () => proc.kill('SIGTERM') };
}

/** The generated profiles: credential-process mode as crossbar writes them, and native role-arn ones (`-native`). */
function awsConfig(configPath: string, sandboxAwsConfig: string): string {
  const parsed = parseConfig(readFileSync(configPath, 'utf8'), configPath);
  if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  const viaCrossbar = renderProfiles(buildRegistry(parsed.config), {
    mode: 'credential-process',
    crossbarCommand: [process.execPath, BIN],
    configPath,
  });
  const nativeConfig = {
    ...parsed.config,
    defaults: { ...parsed.config.defaults, profile_pattern: `${parsed.config.defaults.profile_pattern}-native` },
  };
  const native = renderProfiles(buildRegistry(nativeConfig), { mode: 'role-arn' });
  return `${readFileSync(sandboxAwsConfig, 'utf8')}\n${viaCrossbar}\n${native}`;
}

function timeRun(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
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

interface Case {
  name: string;
  argv: readonly string[];
  before?: () => void;
  /** What stdout must contain: a case that fails is not a measurement. */
  expect: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? 0;

async function main(): Promise<void> {
  build();
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-bench-hop-'));
  const sandbox = await startSandbox(join(dir, 'sandbox'));
  try {
    const configPath = join(dir, 'sandbox', 'crossbar.yaml');
    const awsConfigPath = join(dir, 'aws-config');
    writeFileSync(awsConfigPath, awsConfig(configPath, join(dir, 'sandbox', 'aws', 'config')));
    const crossbarHome = join(dir, 'crossbar-home');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: dir,
      CROSSBAR_HOME: crossbarHome,
      CROSSBAR_KEY_STORE: 'file',
      CROSSBAR_CONFIG: configPath,
      AWS_CONFIG_FILE: awsConfigPath,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'sandbox', 'aws', 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const dropCache = () => {
      for (const f of readdirSync(join(crossbarHome, 'cache')))
        if (f.endsWith('.cache')) rmSync(join(crossbarHome, 'cache', f));
    };
    const aws = (profile: string) => [
      'aws',
      '--profile',
      profile,
      'sts',
      'get-caller-identity',
      '--query',
      'Account',
      '--output',
      'text',
    ];
    const cases: Case[] = [
      { name: 'node -e 0 (baseline: node startup)', argv: [process.execPath, '-e', '0'], expect: '' },
      {
        name: 'crossbar credential-process, cold cache',
        argv: [process.execPath, BIN, 'credential-process', TARGET],
        before: dropCache,
        expect: '"AccountId":"444444444444"',
      },
      {
        name: 'crossbar credential-process, warm cache',
        argv: [process.execPath, BIN, 'credential-process', TARGET],
        expect: '"AccountId":"444444444444"',
      },
      {
        name: 'crossbar exec production -- true',
        argv: [process.execPath, BIN, 'exec', TARGET, '--', 'true'],
        expect: '',
      },
      { name: 'aws sts get-caller-identity, static keys (baseline)', argv: aws('alice'), expect: '111111111111' },
      {
        name: 'aws …, native role-arn profile, CLI cache warm',
        argv: aws('demo-prod-CrossbarReadOnly-native'),
        expect: '444444444444',
      },
      {
        name: 'aws …, crossbar credential-process profile',
        argv: aws('demo-prod-CrossbarReadOnly'),
        expect: '444444444444',
      },
    ];
    // Warm both caches (crossbar's and the AWS CLI's ~/.aws/cli/cache) and check every case works before timing.
    for (const c of cases) {
      const r = await timeRun(c.argv, env);
      if (r.code !== 0 || !r.stdout.includes(c.expect))
        throw new Error(`${c.name} failed (exit ${r.code}): ${r.stderr || r.stdout}`);
    }
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round < RUNS; round += 1) {
      for (const c of cases) {
        c.before?.();
        const r = await timeRun(c.argv, env);
        if (r.code !== 0 || !r.stdout.includes(c.expect))
          throw new Error(`${c.name} failed in round ${round} (exit ${r.code}): ${r.stderr}`);
        times.get(c.name)?.push(r.ms);
      }
      process.stderr.write(`\rround ${round + 1}/${RUNS}`);
    }
    process.stderr.write('\n');
    const med = (name: string) => median(times.get(name) ?? []);
    const warm = med('crossbar credential-process, warm cache');
    const viaCrossbar = med('aws …, crossbar credential-process profile');
    const native = med('aws …, native role-arn profile, CLI cache warm');
    const ratio = viaCrossbar / native;
    const rows = cases.map((c) => {
      const ms = times.get(c.name) ?? [];
      let note = '-';
      if (c.name === 'crossbar credential-process, warm cache')
        note = `target < 150 ms: ${warm < 150 ? 'met' : 'MISSED'}`;
      if (c.name === 'aws …, crossbar credential-process profile')
        note = `${ratio.toFixed(2)}× native; target ≤ 1.30×: ${ratio <= 1.3 ? 'met' : 'MISSED'}`;
      if (c.name === 'crossbar credential-process, cold cache') note = `${(med(c.name) / warm).toFixed(1)}× warm`;
      return [c.name, median(ms).toFixed(0), p90(ms).toFixed(0), note];
    });
    console.log(
      `bench/hop: ${RUNS} runs per case, interleaved; sandbox child process at ${sandbox.endpoint}; node ${process.version}; ${spawnSync('aws', ['--version']).stdout.toString().trim() || 'aws CLI'}`,
    );
    console.log(table(['case', 'median ms', 'p90 ms', 'note'], rows));
    writeFileSync(
      join(REPO, 'bench/hop', `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      JSON.stringify(Object.fromEntries(times), null, 2),
    );
  } finally {
    sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
