import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { describeSandbox } from '../../src/cli/sandbox-info.js';
import { writeSandboxConfig, type SandboxConfigPaths } from '../../src/cli/write-files.js';
import { runCli } from '../cli/run-cli.js';

/**
 * One sandbox per test file, the files `crossbar sandbox start --write-config` writes for it, and a private
 * HOME, CROSSBAR_HOME and AWS files, so nothing of the developer's own AWS setup leaks in. Variants of the
 * config (bob as the source, client-acme without its ExternalId) are written beside it.
 */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** crossbar from source in a real process: absolute paths, since the AWS CLI runs it from anywhere. */
export const CROSSBAR = ['node', '--import', import.meta.resolve('tsx'), join(REPO, 'src/cli/run.ts')] as const;

export type CliEnv = Record<string, string | undefined>;

export interface HopWorld {
  sb: Sandbox;
  dir: string;
  paths: SandboxConfigPaths;
  /** The environment the CLI runs with; each call gets its own CROSSBAR_HOME unless one is passed. */
  env(extra?: CliEnv): CliEnv;
  cli(argv: string[], extra?: CliEnv): ReturnType<typeof runCli>;
  /** A crossbar.yaml derived from the sandbox's by a text edit, e.g. bob as the source. */
  variant(name: string, edit: (yaml: string) => string): string;
  mfaCode(): string;
  stop(): Promise<void>;
}

let homes = 0;

/** `org` is `demo` or `generated:N`, as `sandbox start --org` takes it. */
export async function startHopWorld(org = 'demo'): Promise<HopWorld> {
  const sb = await startTestSandbox({ org });
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-hop-'));
  const paths = writeSandboxConfig(join(dir, 'sandbox'), describeSandbox(sb, org));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const env = (extra: CliEnv = {}): CliEnv => ({
    PATH: process.env['PATH'],
    HOME: home,
    CROSSBAR_HOME: join(dir, `crossbar-home-${(homes += 1)}`),
    // The cache key in a 0600 file under CROSSBAR_HOME: tests never touch the developer's keyring.
    CROSSBAR_KEY_STORE: 'file',
    CROSSBAR_CONFIG: paths.crossbarYaml,
    AWS_CONFIG_FILE: paths.awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: paths.awsCredentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  });
  return {
    sb,
    dir,
    paths,
    env,
    cli: (argv, extra) => runCli(argv, env(extra), dir),
    variant(name, edit) {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(path, edit(readFileSync(paths.crossbarYaml, 'utf8')));
      return path;
    },
    mfaCode: () => sb.mfaCode('alice'),
    async stop() {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** bob as the source: no MFA device, and no policy that allows the administrator roles. */
export function asBob(yaml: string): string {
  return yaml.replace(/^source: .*$/m, 'source: { profile: bob }');
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with the given environment (nothing else of this process's), optionally feeding stdin. */
export function runProcess(
  argv: readonly string[],
  env: CliEnv,
  options: { input?: string; cwd?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const [program = '', ...args] = argv;
    const child = spawn(program, args, {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
      cwd: options.cwd ?? REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** AssumeRole calls into an account, as its trail (us-east-1) recorded them. */
export function assumeRoleCount(sb: Sandbox, accountId: string): number {
  return (sb.world.accounts[accountId]?.trail['us-east-1'] ?? []).filter((e) => e.eventName === 'AssumeRole').length;
}
