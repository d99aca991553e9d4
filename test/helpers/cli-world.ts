import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from './sandbox.js';
import { describeSandbox } from '../../src/cli/sandbox-info.js';
import { writeSandboxConfig, type SandboxConfigPaths } from '../../src/cli/write-files.js';
import { runCli } from '../cli/run-cli.js';

/**
 * One sandbox per test file and the files `crossbar sandbox start --write-config` writes for it, with a
 * private HOME, CROSSBAR_HOME and AWS files, so that nothing of the developer's own AWS setup leaks in.
 */
export interface HopWorld {
  sb: Sandbox;
  dir: string;
  paths: SandboxConfigPaths;
  home: string;
  /** The environment the CLI runs with: the sandbox's files, the temp HOME and CROSSBAR_HOME. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  cli(argv: string[], extra?: Record<string, string | undefined>): ReturnType<typeof runCli>;
  stop(): Promise<void>;
}

export async function startHopWorld(): Promise<HopWorld> {
  const sb = await startTestSandbox();
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-cli-world-'));
  const paths = writeSandboxConfig(join(dir, 'sandbox'), describeSandbox(sb, 'demo'));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const env = (extra: Record<string, string | undefined> = {}) => ({
    HOME: home,
    CROSSBAR_HOME: join(dir, 'crossbar-home'),
    // The cache key in a 0600 file under CROSSBAR_HOME: tests never touch the developer's keyring.
    CROSSBAR_KEY_STORE: 'file',
    CROSSBAR_CONFIG: paths.crossbarYaml,
    AWS_CONFIG_FILE: paths.awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: paths.awsCredentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...extra,
  });
  return {
    sb,
    dir,
    paths,
    home,
    env,
    cli: (argv, extra) => runCli(argv, env(extra), dir),
    async stop() {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
