import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real PostgreSQL for tests: Debian's `postgresql` binaries (CI installs the package), a fresh cluster in a temp
 * directory, listening on 127.0.0.1 on a free port, stopped and deleted by `stop()`. PostgreSQL refuses to run as
 * root, so as root the cluster belongs to the `postgres` user the package created.
 */
export interface TestPostgres {
  url: string;
  /** A fresh database on the same cluster, for a test that needs an empty one. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export function findPostgresBin(): string | undefined {
  const roots = ['/usr/lib/postgresql'];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function postgresUid(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: g } = await run('id', ['-g', 'postgres']);
  return { uid: Number(stdout.trim()), gid: Number(g.trim()) };
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      "PostgreSQL is not installed: the team server's tests need Debian's postgresql (apt-get install -y postgresql)",
    );
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-pg-'));
  const data = join(dir, 'data');
  const owner = await postgresUid();
  if (owner) {
    chmodSync(dir, 0o755);
    chownSync(dir, owner.uid, owner.gid);
  }
  const as = (cmd: string, args: string[]): [string, string[]] =>
    owner ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const [initCmd, initArgs] = as(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'crossbar',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  await run(initCmd, initArgs);
  const port = await freePort();
  const [pgCmd, pgArgs] = as(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=200',
  ]);
  const child: ChildProcess = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start in 20 s:\n${log}`)), 20_000);
    const check = (): void => {
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited with ${child.exitCode}:\n${log}`));
      } else setTimeout(check, 50);
    };
    check();
  });
  const base = `postgres://crossbar@127.0.0.1:${port}`;
  const createDatabase = async (name: string): Promise<string> => {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: `${base}/postgres` });
    await client.connect();
    await client.query(`create database "${name.replace(/"/g, '')}"`);
    await client.end();
    return `${base}/${name}`;
  };
  const url = await createDatabase('crossbar');
  return {
    url,
    createDatabase,
    async stop() {
      if (child.exitCode === null) {
        // runuser does not pass signals on: pg_ctl stops the postmaster itself (fast: ends open sessions).
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const [stopCmd, stopArgs] = as(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w']);
        await run(stopCmd, stopArgs).catch(() => child.kill('SIGKILL'));
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
