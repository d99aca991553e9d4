/**
 * bench/hop: wall time of whole `crossbar` processes (`node bin/crossbar.js …`: Node's start-up, module loading,
 * crossbar.yaml and the work), against `node -e 0` timed in the same run. Medians over N runs (default 25) of each
 * case, interleaved round by round so that a noisy machine slows every case alike:
 * - `crossbar --version`: start-up alone;
 * - `crossbar credential-process production`, warm cache and cold cache (the cache entry deleted before), with the
 *   sandbox's 5-account crossbar.yaml and with a 5,000-account one;
 * - a one-target `crossbar run production -- ec2 DescribeInstances`, with both configs, the 5,000-account one also
 *   with crossbar.yaml's parsed registry dropped before (registry-cache.ts);
 * - `crossbar exec production -- true`;
 * - `crossbar credential-process production` with a current workspace of a team server (`crossbar serve` as a child
 *   process over the sandbox): warm (the local cache answers; the server is not asked) and cold (a vend);
 * - `aws sts get-caller-identity` through the generated credential-process profile, and through a native
 *   role-arn profile of the same role with the AWS CLI's own assume-role cache (~/.aws/cli/cache) warm;
 * - baselines: `node -e 0` and the AWS CLI with the source user's static keys.
 * Everything runs against a sandbox child process, with the built CLI (`npm run build` first; done here).
 * Targets: `--version` ≤ 1.5× node; warm credential-process ≤ 2× node and < 150 ms; the AWS CLI through crossbar's
 * profile at most 1.3× its own. The table is markdown, each time with its ratio to `node -e 0`.
 *
 * Run: npm run bench:hop [-- --runs 25] [-- --cli DIR]   (--cli: time another checkout's built CLI, e.g. an old
 * main, against the same sandbox; it is not built here)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { renderProfiles } from '../../src/core/aws-config/index.js';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import { buildRegistry } from '../../src/core/config/registry.js';
import { table } from '../lib/load.js';
import { startBenchTeamServer } from './team-server.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Number(flag('--runs') ?? '') || 25;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The checkout whose CLI is timed: this one (built here) unless --cli names another (built already). */
const CLI_DIR = resolve(flag('--cli') ?? REPO);
const BIN = join(CLI_DIR, 'bin/crossbar.js');
const TARGET = 'production';
/** Accounts in the large crossbar.yaml: the sandbox's five and generated ones that are never called. */
const LARGE = 5_000;

function build(): void {
  if (CLI_DIR !== resolve(REPO)) {
    if (!existsSync(join(CLI_DIR, 'dist/cli/main.js'))) throw new Error(`${CLI_DIR} has no dist/cli/main.js: build it`);
    return;
  }
  process.stderr.write('building dist/ (npm run build: tsc, then the fast paths bundled into dist/fast/)…\n');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // tsc emits even with type errors elsewhere in the tree; what matters here is the CLI it emitted.
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

async function startSandbox(dir: string): Promise<{ endpoint: string; stop: () => void }> {
  const proc = spawn(
    process.execPath,
    [join(REPO, 'bin/crossbar.js'), 'sandbox', 'start', '--port', '0', '--write-config', dir, '--json'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
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

/**
 * The sandbox's crossbar.yaml with LARGE - 5 more accounts (ids that exist nowhere: only the sandbox's five are
 * called), each with a stage, OU and tags as an organization's would have, and profile names by account name.
 */
function largeConfig(configPath: string): string {
  const text = readFileSync(configPath, 'utf8').replace(
    /profile_pattern: .*/,
    'profile_pattern: "{namespace}-{name}-{role}"',
  );
  const stages = ['dev', 'staging', 'prod', 'sandbox'];
  const extra = Array.from({ length: LARGE - 5 }, (_, n) =>
    [
      `  - id: "${String(900_000_000_000 + n)}"`,
      `    name: generated-${String(n).padStart(5, '0')}`,
      `    stage: ${stages[n % stages.length] ?? 'dev'}`,
      `    ou: /Generated/unit-${n % 40}`,
      `    tags: { team: team-${n % 17}, cost-center: cc-${n % 23} }`,
      '',
    ].join('\n'),
  ).join('');
  const at = text.indexOf('accounts:\n') + 'accounts:\n'.length;
  return text.slice(0, at) + extra + text.slice(at);
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
  /** The case's own environment (the team server's member), else the bench's. */
  env?: NodeJS.ProcessEnv;
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
  let stopTeam = (): void => {};
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
    const largePath = join(dir, 'crossbar-large.yaml');
    writeFileSync(largePath, largeConfig(configPath));
    const dropRegistry = () => {
      for (const f of readdirSync(join(crossbarHome, 'cache')))
        if (f.startsWith('registry-')) rmSync(join(crossbarHome, 'cache', f));
    };
    const cli = (...argv: string[]) => [process.execPath, BIN, ...argv];
    const large = (...argv: string[]) => cli('--config', largePath, ...argv);
    const runArgv = ['run', TARGET, '--regions', 'us-east-1', '-o', 'json', '--', 'ec2', 'DescribeInstances'];
    const PROD = '"AccountId":"444444444444"';
    const NODE = 'node -e 0 (baseline: node start-up)';
    const WARM = 'crossbar credential-process, warm cache';
    const VERSION = 'crossbar --version';
    const VIA_CROSSBAR = 'aws …, crossbar credential-process profile';
    const WARM_WS = 'crossbar credential-process, warm cache, current workspace (team server)';
    const COLD_WS = 'crossbar credential-process, cold cache, current workspace (vended by the server)';
    const NATIVE = 'aws …, native role-arn profile, CLI cache warm';
    const cases: Case[] = [
      { name: NODE, argv: [process.execPath, '-e', '0'], expect: '' },
      { name: VERSION, argv: cli('--version'), expect: '.' },
      { name: WARM, argv: cli('credential-process', TARGET), expect: PROD },
      {
        name: 'crossbar credential-process, cold cache',
        argv: cli('credential-process', TARGET),
        before: dropCache,
        expect: PROD,
      },
      { name: `${WARM}, ${LARGE} accounts`, argv: large('credential-process', TARGET), expect: PROD },
      { name: 'crossbar run, 1 target', argv: cli(...runArgv), expect: '"status": "ok"' },
      { name: `crossbar run, 1 target, ${LARGE} accounts`, argv: large(...runArgv), expect: '"status": "ok"' },
      {
        name: `crossbar run, 1 target, ${LARGE} accounts, yaml parsed`,
        argv: large(...runArgv),
        before: dropRegistry,
        expect: '"status": "ok"',
      },
      { name: 'crossbar exec production -- true', argv: cli('exec', TARGET, '--', 'true'), expect: '' },
      { name: 'aws sts get-caller-identity, static keys (baseline)', argv: aws('alice'), expect: '111111111111' },
      { name: NATIVE, argv: aws('demo-prod-CrossbarReadOnly-native'), expect: '444444444444' },
      { name: VIA_CROSSBAR, argv: aws('demo-prod-CrossbarReadOnly'), expect: '444444444444' },
    ];
    // An older CLI (--cli) may predate the team server: its cases are left out.
    const team = existsSync(join(CLI_DIR, 'dist/cli/commands/login.js'))
      ? await startBenchTeamServer(BIN, dir, env)
      : undefined;
    if (team) {
      const memberHome = team.env['CROSSBAR_HOME'] ?? '';
      const dropMemberCache = () => {
        for (const f of readdirSync(join(memberHome, 'cache')))
          if (f.endsWith('.cache')) rmSync(join(memberHome, 'cache', f));
      };
      cases.push(
        { name: WARM_WS, argv: cli('credential-process', TARGET), env: team.env, expect: PROD },
        {
          name: COLD_WS,
          argv: cli('credential-process', TARGET),
          env: team.env,
          before: dropMemberCache,
          expect: PROD,
        },
      );
    }
    stopTeam = () => team?.stop();
    // Warm both caches (crossbar's and the AWS CLI's ~/.aws/cli/cache) and check every case works before timing.
    for (const c of cases) {
      const r = await timeRun(c.argv, c.env ?? env);
      if (r.code !== 0 || !r.stdout.includes(c.expect))
        throw new Error(`${c.name} failed (exit ${r.code}): ${r.stderr || r.stdout}`);
    }
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round < RUNS; round += 1) {
      for (const c of cases) {
        c.before?.();
        const r = await timeRun(c.argv, c.env ?? env);
        if (r.code !== 0 || !r.stdout.includes(c.expect))
          throw new Error(`${c.name} failed in round ${round} (exit ${r.code}): ${r.stderr}`);
        times.get(c.name)?.push(r.ms);
      }
      process.stderr.write(`\rround ${round + 1}/${RUNS}`);
    }
    process.stderr.write('\n');
    const med = (name: string) => median(times.get(name) ?? []);
    const node = med(NODE);
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const notes = new Map<string, string>([
      [VERSION, `target ≤ 1.5× node: ${verdict(med(VERSION) <= 1.5 * node)}`],
      [WARM, `target ≤ 2× node and < 150 ms: ${verdict(med(WARM) <= 2 * node && med(WARM) < 150)}`],
      [`${WARM}, ${LARGE} accounts`, `${(med(`${WARM}, ${LARGE} accounts`) / med(WARM)).toFixed(2)}× 5 accounts`],
      [WARM_WS, `${(med(WARM_WS) / med(WARM)).toFixed(2)}× warm without a server`],
      [COLD_WS, `${(med(COLD_WS) - med(WARM_WS)).toFixed(0)} ms more than warm (a vend)`],
      [
        'crossbar credential-process, cold cache',
        `${(med('crossbar credential-process, cold cache') / med(WARM)).toFixed(1)}× warm`,
      ],
      [
        VIA_CROSSBAR,
        `${(med(VIA_CROSSBAR) / med(NATIVE)).toFixed(2)}× native; target ≤ 1.30×: ${verdict(med(VIA_CROSSBAR) / med(NATIVE) <= 1.3)}`,
      ],
    ]);
    const rows = cases.map((c) => {
      const ms = times.get(c.name) ?? [];
      return [
        c.name,
        median(ms).toFixed(0),
        p90(ms).toFixed(0),
        `${(median(ms) / node).toFixed(2)}×`,
        notes.get(c.name) ?? '-',
      ];
    });
    console.log(
      `bench/hop: ${RUNS} runs per case, interleaved; CLI ${BIN}; sandbox child process at ${sandbox.endpoint}; node ${process.version}; ${spawnSync('aws', ['--version']).stdout.toString().trim() || 'aws CLI'}`,
    );
    console.log(table(['case', 'median ms', 'p90 ms', '× node', 'note'], rows));
    writeFileSync(
      join(REPO, 'bench/hop', `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
      JSON.stringify(Object.fromEntries(times), null, 2),
    );
  } finally {
    stopTeam();
    sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
