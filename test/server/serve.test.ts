import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/server/index.js';
import { startTeamWorld, type TeamWorld } from '../helpers/team-server.js';
import { CROSSBAR } from '../helpers/crossbar-bin.js';

const [node = 'node', ...cli] = CROSSBAR;

let world: TeamWorld | undefined;
afterAll(async () => world?.close());

describe('the team server on a real socket', () => {
  it('answers health and readiness, and finishes a request in flight when it stops', async () => {
    world = await startTeamWorld();
    let release: () => void = () => undefined;
    // POST: every GET outside /api is the web UI's page (registered before a test's own routes).
    world.app.post('/slow', async (c) => {
      await new Promise<void>((resolve) => (release = resolve));
      return c.json({ finished: true });
    });
    const server = await listen(world.app, { port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ ok: true, database: 'sqlite' });
    const inFlight = fetch(`${server.url}/slow`, { method: 'POST' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = server.close(5000);
    release();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ finished: true });
    await closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('answers an unknown route and an unexpected failure with JSON and no stack', async () => {
    const fresh = await startTeamWorld();
    fresh.app.post('/boom', () => {
      throw new Error('internal detail /srv/secret/path');
    });
    const boom = await fresh.app.request('/boom', { method: 'POST' });
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).not.toContain('internal detail');
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'ERROR' } });
    const missing = await fresh.app.request('/nothing-here', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    await fresh.close();
  });
});

describe('crossbar serve', () => {
  it('prints the one-time setup link, serves, and stops on SIGTERM with exit 0', async () => {
    const home = mkdtempSync(join(tmpdir(), 'crossbar-serve-'));
    const child = execFile(node, [...cli, 'serve', '--port', '0'], {
      env: { ...process.env, CROSSBAR_HOME: home, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toMatch(/\/setup#xbsetup_[A-Za-z0-9_-]{40,}/);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    rmSync(home, { recursive: true, force: true });
  });

  it('refuses a port in use with one line and exit 2', async () => {
    world ??= await startTeamWorld();
    const taken = await listen(world.app, { port: 0 });
    const home = mkdtempSync(join(tmpdir(), 'crossbar-serve-'));
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        node,
        [...cli, 'serve', '--port', String(taken.port)],
        { env: { ...process.env, CROSSBAR_HOME: home, NO_COLOR: '1' } },
        (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    await taken.close();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
    rmSync(home, { recursive: true, force: true });
  });
});
