import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { listen, type Listening, type ServerDeps } from '../../src/server/index.js';
import { CROSSBAR, REPO, runProcess, type ProcessResult } from './crossbar-bin.js';
import { setupOwner, signIn, startTeamWorld, tokenClient, type ApiClient, type TeamWorld } from './team-server.js';
import type { CliEnv, World } from './world.js';

/**
 * A team server served on a free port (the real app over a real socket, as `crossbar serve` serves it), for tests
 * that run the real CLI in child processes against it. With a sandbox world, the server's registry, source and
 * endpoint are the sandbox's (`crossbar serve --config` of the sandbox's crossbar.yaml). The CLI users have no AWS
 * files or keys of their own: what they reach, the server vends.
 */
export interface ServedTeam {
  team: TeamWorld;
  url: string;
  server: Listening;
  /** The owner alice, signed in through the API. */
  alice: ApiClient;
  /** A user signed in through the API (created by alice first). */
  member(username: string): Promise<ApiClient>;
  /** A CROSSBAR_HOME for a CLI user, and the environment their processes run with. */
  cliEnv(extra?: CliEnv): CliEnv;
  /** An API token of a user, as `crossbar login --token` takes it. */
  tokenOf(client: ApiClient): Promise<string>;
  close(): Promise<void>;
}

export async function startServedTeam(
  world?: World,
  options: { extend?: (deps: ServerDeps) => ServerDeps } = {},
): Promise<ServedTeam> {
  const team = await startTeamWorld({
    ...(world ? { crossbar: world.crossbar() } : {}),
    ...(options.extend ? { extend: options.extend } : {}),
  });
  const server = await listen(team.app, { port: 0 });
  team.deps.publicUrl = server.url;
  const alice = await setupOwner(team);
  const homes = mkdtempSync(join(tmpdir(), 'crossbar-cli-homes-'));
  let n = 0;
  return {
    team,
    url: server.url,
    server,
    alice,
    member: (username) => signIn(team, username, alice),
    cliEnv: (extra = {}) => {
      n += 1;
      return {
        PATH: process.env['PATH'],
        HOME: join(homes, `home-${n}`),
        CROSSBAR_HOME: join(homes, `crossbar-${n}`),
        CROSSBAR_KEY_STORE: 'file',
        CROSSBAR_NO_TTY: '1',
        NO_COLOR: '1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...extra,
      };
    },
    tokenOf: async (client) => (await tokenClient(team, client)).token ?? '',
    async close() {
      await server.close(1_000);
      await team.close();
      rmSync(homes, { recursive: true, force: true });
    },
  };
}

/** crossbar in a real process (async: the server and the sandbox live in this one). */
export function crossbarCli(argv: readonly string[], env: CliEnv, input?: string): Promise<ProcessResult> {
  return runProcess([...CROSSBAR, ...argv], env, input === undefined ? {} : { input });
}

/** A crossbar process whose stderr can be read while it runs (the device login prints its code, then waits). */
export function startCrossbar(
  argv: readonly string[],
  env: CliEnv,
): { stderr(): string; done: Promise<ProcessResult>; kill(): void } {
  const [program = 'node', ...args] = [...CROSSBAR, ...argv];
  const child = spawn(program, args, {
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { stderr: () => stderr, done, kill: () => child.kill('SIGINT') };
}

/** The non-empty lines of a process's stderr. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** The URL of a port nothing listens on (it was free a moment ago). */
export async function closedPortUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}
