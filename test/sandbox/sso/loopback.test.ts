import { describe, expect, it } from 'vitest';
import { handleAdmin } from '../../../src/sandbox/admin.js';
import { FaultInjector } from '../../../src/sandbox/faults.js';
import { handleDevicePage } from '../../../src/sandbox/sso/device-page.js';
import { buildWorld } from '../../../src/sandbox/world/seed-orgs.js';

/** Signing in as anyone is for this machine only: the approval endpoint and page refuse other addresses. */
const world = buildWorld({ kind: 'demo' }, Date.now());
const request = (method: string, path: string, body = '') => ({
  method,
  path,
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.from(body),
});
const admin = (remoteAddress: string) =>
  handleAdmin(request('POST', '/_sandbox/sso/approve', JSON.stringify({ user: 'alice', code: 'BCDF-GHJK' })), {
    world,
    faults: new FaultInjector({}),
    mfaCode: () => '000000',
    advanceClock: () => {},
    now: Date.now,
    markDirty: () => {},
    remoteAddress,
  });

describe('loopback only', () => {
  it('the approval endpoint answers loopback (here: the unknown code) and refuses another address', () => {
    expect(admin('127.0.0.1')?.status).toBe(409);
    expect(admin('::ffff:127.0.0.1')?.status).toBe(409);
    const remote = admin('10.1.2.3');
    expect(remote?.status).toBe(403);
    expect(remote?.body).toContain('loopback only');
  });

  it('the verification page answers loopback and refuses another address', () => {
    const page = (remoteAddress: string) =>
      handleDevicePage(request('GET', '/device'), { world, now: Date.now, markDirty: () => {}, remoteAddress });
    expect(page('127.0.0.1')?.status).toBe(200);
    expect(page('192.168.1.20')?.status).toBe(403);
  });
});
