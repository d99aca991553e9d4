import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describeSandbox } from '../../src/cli/sandbox-info.js';
import { writeSandboxConfig, type SandboxConfigPaths } from '../../src/cli/write-files.js';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import { buildRegistry, type Registry } from '../../src/core/config/registry.js';
import { createCrossbar, type Crossbar, type CrossbarOptions } from '../../src/core/crossbar.js';
import type { Faults } from '../../src/sandbox/faults.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { runCli } from '../cli/run-cli.js';
import { startTestSandbox } from './sandbox.js';
import { user } from './sandbox-clients.js';

/**
 * The one test world: a strict sandbox in-process on a free port, the files `crossbar sandbox start --write-config`
 * writes for it in a temp dir, and a private HOME and CROSSBAR_HOME, so that nothing of the developer's own AWS
 * setup leaks in. Tests run the CLI in-process (`cli`), build the library root (`crossbar`), or read the files.
 */
export type CliEnv = Record<string, string | undefined>;

export interface WorldOptions {
  /** `demo` (default) or `generated:N`, as `sandbox start --org` takes it. */
  org?: string;
  /** The sandbox's faults from the start (latency, errors); tests can change them with `sb.faults.set`. */
  faults?: Faults;
  /**
   * The AWS files: what `sandbox start --write-config` writes (`sandbox`, the default: profiles with region,
   * endpoint and MFA device), or only the users' keys as profiles `alice` and `bob` beside an empty config
   * (`keys`), as a hand-written credentials file would be.
   */
  awsFiles?: 'sandbox' | 'keys';
  /** `per-call` (default): each CLI call starts with an empty CROSSBAR_HOME; `shared`: every call uses `home`'s. */
  crossbarHome?: 'per-call' | 'shared';
  /** Added to every CLI call's environment, e.g. `{ NO_COLOR: '1' }`. */
  env?: CliEnv;
}

export interface World {
  sb: Sandbox;
  dir: string;
  /** crossbar.yaml (the sandbox's registry) and the AWS config and credentials files. */
  paths: SandboxConfigPaths;
  /** The private HOME. */
  home: string;
  /** AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE of the world's AWS files. */
  awsEnv: Record<string, string>;
  /** The environment the CLI runs with: the world's files, HOME and a CROSSBAR_HOME (see `crossbarHome`). */
  env(extra?: CliEnv): CliEnv;
  cli(argv: string[], extra?: CliEnv): ReturnType<typeof runCli>;
  /** A crossbar.yaml derived from the sandbox's by a text edit (e.g. `asBob`); returns its path. */
  variant(name: string, edit: (yaml: string) => string): string;
  /** Writes `<name>.yaml`: a value (the sandbox endpoint is added) or a ready text. Returns its path. */
  config(name: string, value: Record<string, unknown> | string): string;
  /** The registry of a crossbar.yaml (default: the sandbox's). */
  registry(configPath?: string): Registry;
  /** The library root for a crossbar.yaml (default: the sandbox's), with the world's AWS files and a fresh home. */
  crossbar(configPath?: string, options?: Partial<CrossbarOptions>): Crossbar;
  /** A new, empty CROSSBAR_HOME inside the world. */
  newHome(): string;
  /** alice's current MFA code. */
  mfaCode(): string;
  stop(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const org = options.org ?? 'demo';
  const sb = await startTestSandbox({ org, ...(options.faults ? { faults: options.faults } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-world-'));
  const paths = writeSandboxConfig(join(dir, 'sandbox'), describeSandbox(sb, org));
  if (options.awsFiles === 'keys') writeKeysOnly(sb, paths);
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  let homes = 0;
  const newHome = () => join(dir, `crossbar-home-${(homes += 1)}`);
  const sharedHome = join(dir, 'crossbar-home');
  const awsEnv = { AWS_CONFIG_FILE: paths.awsConfig, AWS_SHARED_CREDENTIALS_FILE: paths.awsCredentials };
  const env = (extra: CliEnv = {}): CliEnv => ({
    PATH: process.env['PATH'],
    HOME: home,
    CROSSBAR_HOME: options.crossbarHome === 'shared' ? sharedHome : newHome(),
    // The cache key in a 0600 file under CROSSBAR_HOME: tests never touch the developer's keyring.
    CROSSBAR_KEY_STORE: 'file',
    // Never ask on the controlling terminal of whoever runs the tests; the terminal tests run under script(1).
    CROSSBAR_NO_TTY: '1',
    CROSSBAR_CONFIG: paths.crossbarYaml,
    ...awsEnv,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
    ...extra,
  });
  const config = (path: string) => {
    const parsed = parseConfig(readFileSync(path, 'utf8'), path);
    if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    return parsed.config;
  };
  const write = (name: string, text: string) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  return {
    sb,
    dir,
    paths,
    home,
    awsEnv,
    env,
    cli: (argv, extra) => runCli(argv, env(extra), dir),
    variant: (name, edit) => write(name, edit(readFileSync(paths.crossbarYaml, 'utf8'))),
    config: (name, value) =>
      write(name, typeof value === 'string' ? value : stringify({ ...value, endpoint: sb.endpoint })),
    registry: (configPath = paths.crossbarYaml) => buildRegistry(config(configPath)),
    crossbar: (configPath = paths.crossbarYaml, crossbarOptions = {}) =>
      createCrossbar({
        config: config(configPath),
        env: awsEnv,
        home: newHome(),
        keyStore: 'file',
        ...crossbarOptions,
      }),
    newHome,
    mfaCode: () => sb.mfaCode('alice'),
    async stop() {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The users' long-term keys as profiles named after them, and an empty config. */
function writeKeysOnly(sb: Sandbox, paths: SandboxConfigPaths): void {
  const credentials = (['alice', 'bob'] as const)
    .map((name) => {
      const u = user(sb, name);
      return `[${name}]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`;
    })
    .join('\n');
  writeFileSync(paths.awsCredentials, credentials, { mode: 0o600 });
  writeFileSync(paths.awsConfig, '');
}

/** bob as the source: no MFA device, and no policy that allows the administrator roles. */
export function asBob(yaml: string): string {
  return yaml.replace(/^source: .*$/m, 'source: { profile: bob }');
}
