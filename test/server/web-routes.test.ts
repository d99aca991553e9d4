import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTeamWorld, type TeamWorld } from '../helpers/team-server.js';

describe('the web UI from the same origin (issue 11)', () => {
  let team: TeamWorld;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'crossbar-webroot-'));
    mkdirSync(join(root, 'web', 'assets'), { recursive: true });
    writeFileSync(join(root, 'web', 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'web', 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(root, 'secret.txt'), 'outside the bundle');
    team = await startTeamWorld({ extend: (deps) => ({ ...deps, webRoot: join(root, 'web') }) });
  });
  afterAll(async () => {
    await team.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the app for its routes and the hashed assets with a long cache, under a strict CSP', async () => {
    const page = await team.app.request('/w/platform/accounts');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(await page.text()).toContain('id="root"');
    const asset = await team.app.request('/assets/app-1234.js');
    expect(asset.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('never serves a file outside the bundle, and never answers for the API', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const answer = await team.app.request(path);
      expect(await answer.text()).not.toContain('outside the bundle');
    }
    const api = await team.app.request('/api/no-such-thing');
    // Before setup the gate refuses it; either way the API answers JSON, never the app's page.
    expect(api.status).toBe(403);
    expect(api.headers.get('content-type')).toMatch(/application\/json/);
    expect(await api.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('says how to build the UI when it is not built', async () => {
    const bare = await startTeamWorld({ extend: (deps) => ({ ...deps, webRoot: undefined }) });
    try {
      const answer = await bare.app.request('/');
      expect(answer.status).toBe(503);
      expect(await answer.text()).toContain('npm run build');
    } finally {
      await bare.close();
    }
  });
});
