import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * A team server for bench/hop: `crossbar serve` as a child process over the sandbox's crossbar.yaml (the sandbox
 * user alice's keys as its source), its first owner created with `crossbar login --setup`, a workspace of every
 * account made current, so that `crossbar credential-process TARGET` gets its credentials from the server.
 */
export interface BenchTeamServer {
  url: string;
  /** The environment of the CLI signed in to the server with `bench` as the current workspace. */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

function run(argv: readonly string[], env: NodeJS.ProcessEnv, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const [program = '', ...rest] = argv;
    const child = spawn(program, rest, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')}: ${out}`))));
    child.stdin.end(input);
  });
}

/** Lines of the server's stdout until `found` returns a value. */
function readUntil<T>(proc: ChildProcess, found: (lines: string[]) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    if (!proc.stdout) return reject(new Error('no stdout'));
    const lines: string[] = [];
    const reader = createInterface({ input: proc.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      const value = found(lines);
      if (value !== undefined) {
        reader.removeAllListeners('line');
        resolve(value);
      }
    });
    proc.once('exit', (code) => reject(new Error(`crossbar serve exited with ${code}: ${lines.join('\n')}`)));
  });
}

export async function startBenchTeamServer(
  bin: string,
  dir: string,
  serverEnv: NodeJS.ProcessEnv,
): Promise<BenchTeamServer> {
  const serverHome = join(dir, 'team-server-home');
  const proc = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
    env: { ...serverEnv, CROSSBAR_HOME: serverHome },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { url, token } = await readUntil(proc, (lines) => {
    const setup = lines.map((l) => /--server (\S+) --setup (\S+)/.exec(l)).find(Boolean);
    return setup?.[1] && setup[2] ? { url: setup[1], token: setup[2] } : undefined;
  });
  const env: NodeJS.ProcessEnv = {
    PATH: serverEnv['PATH'],
    HOME: join(dir, 'member-home'),
    CROSSBAR_HOME: join(dir, 'member-crossbar-home'),
    CROSSBAR_KEY_STORE: 'file',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const cli = (...argv: string[]) => [process.execPath, bin, ...argv];
  await run(
    cli('login', '--server', url, '--setup', token, '--username', 'alice', '--password-stdin'),
    env,
    'bench-correct-horse-battery\n',
  );
  await run(cli('workspace', 'create', 'bench', '--accounts', 'all'), env);
  await run(cli('workspace', 'use', 'bench'), env);
  return { url, env, stop: () => proc.kill('SIGTERM') };
}
