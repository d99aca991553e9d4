import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSBAR } from '../helpers/crossbar-bin.js';
import { ApiClient, PASSWORDS } from '../helpers/team-server.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar serve` as a process with runs going on (issue 10 item 5): stopped with SIGTERM it interrupts its runs
 * and records their unfinished targets before it exits; killed outright, its next start marks the run it left
 * interrupted. The server is a child process talking to an in-process sandbox (async execFile: no deadlock).
 */
const [node = 'node', ...cli] = CROSSBAR;

let sandbox: World;
let home: string;
beforeAll(async () => {
  sandbox = await startWorld();
  home = mkdtempSync(join(tmpdir(), 'crossbar-serve-runs-'));
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  rmSync(home, { recursive: true, force: true });
});

interface Served {
  child: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<number | null>;
}

async function serve(): Promise<Served> {
  const child = execFile(node, [...cli, 'serve', '--port', '0'], {
    env: { ...process.env, ...sandbox.env(), CROSSBAR_HOME: home, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 300 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`serve did not start:\n${out}`);
  return { child, url, out: () => out, exited };
}

function client(url: string): ApiClient {
  return new ApiClient((input, init) => fetch(input.replace('http://127.0.0.1', url), init));
}

const SLOW_RUN = {
  kind: 'run',
  selector: 'all',
  regions: ['us-east-1', 'eu-west-1'],
  service: 'ec2',
  operation: 'DescribeInstances',
};

describe('crossbar serve with runs going on', () => {
  let alice: ApiClient;

  it('on SIGTERM interrupts its runs, recording their unfinished targets, and exits 0', async () => {
    const first = await serve();
    const token = /--setup (xbsetup_\S+)/.exec(first.out())?.[1] ?? '';
    alice = client(first.url);
    expect((await alice.post('/api/setup', { token, username: 'alice', password: PASSWORDS['alice'] })).status).toBe(
      201,
    );
    const made = await alice.post('/api/workspaces', { name: 'platform', accounts: ['development', 'staging'] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    sandbox.sb.faults.set({ rules: [{ service: 'ec2', latencyMs: 10_000 }] });
    try {
      const started = await alice.post<{ id: string }>('/api/workspaces/platform/runs', SLOW_RUN);
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      await new Promise((r) => setTimeout(r, 500));
      const stopping = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      // the run was aborted, not waited for (its calls take 10 s each)
      expect(Date.now() - stopping).toBeLessThan(5000);
      const second = await serve();
      alice = client(second.url);
      expect((await alice.post('/api/session', { username: 'alice', password: PASSWORDS['alice'] })).status).toBe(200);
      const detail = await alice.get<{ run: { status: string; counts: { failed: number } }; results: unknown[] }>(
        `/api/workspaces/platform/runs/${started.body.id}`,
      );
      expect(detail.body.run).toMatchObject({ status: 'interrupted', counts: { failed: 4 } });
      expect(detail.body.results).toHaveLength(4);
      expect(second.out()).not.toMatch(/left running/);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      sandbox.sb.faults.set({});
    }
  }, 60_000);

  it('killed outright, its next start marks the run it left interrupted', async () => {
    const first = await serve();
    alice = client(first.url);
    expect((await alice.post('/api/session', { username: 'alice', password: PASSWORDS['alice'] })).status).toBe(200);
    sandbox.sb.faults.set({ rules: [{ service: 'ec2', latencyMs: 10_000 }] });
    try {
      const started = await alice.post<{ id: string }>('/api/workspaces/platform/runs', SLOW_RUN);
      expect(started.status).toBe(202);
      await new Promise((r) => setTimeout(r, 500));
      first.child.kill('SIGKILL');
      await first.exited;
      const second = await serve();
      expect(second.out()).toMatch(/runs\s+1 left running at the last stop, now marked interrupted/);
      alice = client(second.url);
      expect((await alice.post('/api/session', { username: 'alice', password: PASSWORDS['alice'] })).status).toBe(200);
      const detail = await alice.get<{ run: { status: string; summary: string } }>(
        `/api/workspaces/platform/runs/${started.body.id}`,
      );
      expect(detail.body.run).toMatchObject({
        status: 'interrupted',
        summary: 'interrupted: the server stopped while it ran',
      });
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      sandbox.sb.faults.set({});
    }
  }, 60_000);
});
