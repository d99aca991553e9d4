import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fakeOidc, fakePortal, type PollAnswer } from '../../../test/helpers/fake-sso.js';
import { CrossbarError } from '../errors.js';
import type { DeviceFlowEvent } from './device-flow.js';
import { getSsoRoleCredentials, listAssignments } from './portal.js';
import type { OidcApi } from './sso-apis.js';
import { SsoSession } from './sso-session.js';
import { ssoDir } from './token-cache.js';

const settings = {
  name: 'acme-sso',
  startUrl: 'https://d-90679a1b2c.awsapps.com/start',
  region: 'eu-west-1',
  session: 'acme',
};

function world(script: PollAnswer[] = ['ok'], accessTtl?: number) {
  const home = mkdtempSync(join(tmpdir(), 'crossbar-sso-'));
  const key = randomBytes(32);
  let clock = Date.parse('2026-12-06T03:00:00Z');
  const slept: number[] = [];
  // the fake registers clients on the test's clock, not the real one
  const oidc = fakeOidc(script, { now: () => clock, ...(accessTtl === undefined ? {} : { accessTtl }) });
  const events: DeviceFlowEvent[] = [];
  const make = (api: OidcApi = oidc.api, portal = fakePortal({ '111111111111': ['Admin', 'ReadOnly'] }).api) =>
    new SsoSession({ settings, home, cacheKey: () => Promise.resolve(key), oidc: api, portal, now: () => clock });
  const flow = {
    sleep: (ms: number) => {
      slept.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    onEvent: (e: DeviceFlowEvent) => events.push(e),
  };
  return {
    home,
    key,
    oidc,
    make,
    flow,
    slept,
    events,
    advance: (ms: number) => (clock += ms),
  };
}

async function failure(p: Promise<unknown>): Promise<CrossbarError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CrossbarError);
  return err as CrossbarError;
}

describe('the device flow', () => {
  it('shows the code, polls at the interval through pending answers, and caches the token encrypted (0600)', async () => {
    const w = world(['pending', 'pending', 'ok']);
    const token = await w.make().login(w.flow);
    expect(token.accessToken).toBe('access-1');
    expect(w.slept).toEqual([5000, 5000, 5000]);
    const code = w.events.find((e) => e.kind === 'code');
    expect(code).toMatchObject({ code: { userCode: 'ABCD-EFGH', verificationUri: 'https://device.sso.example/' } });
    const files = readdirSync(ssoDir(w.home));
    expect(files.filter((f) => f.endsWith('.token'))).toHaveLength(1);
    for (const f of files.filter((f) => !f.endsWith('.lock'))) {
      const path = join(ssoDir(w.home), f);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const bytes = readFileSync(path);
      for (const secret of ['access-1', 'refresh-1', 'client-secret-value'])
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    expect(statSync(ssoDir(w.home)).mode & 0o777).toBe(0o700);
    expect(JSON.stringify(token)).not.toContain('access-1');
    expect(inspect(token)).not.toContain('refresh-1');
    // a second session object (another process) reads the same token back
    expect((await w.make().token()).accessToken).toBe('access-1');
  });

  it('adds 5 seconds to the interval on every SlowDown', async () => {
    const w = world(['slow', 'pending', 'slow', 'ok']);
    await w.make().login(w.flow);
    expect(w.slept).toEqual([5000, 10000, 10000, 15000]);
    expect(w.events.filter((e) => e.kind === 'slow-down')).toHaveLength(2);
  });

  it('stops with one clear error when the code expires, is denied, or outlives its lifetime', async () => {
    const expired = await failure(world(['pending', 'expired']).make().login(world().flow));
    expect(expired.code).toBe('CREDENTIALS_EXPIRED');
    expect(expired.message).toMatch(/code ABCD-EFGH for SSO acme-sso expired before it was approved/);
    expect(expired.hint).toContain('crossbar login acme-sso');

    const w = world(['denied']);
    const denied = await failure(w.make().login(w.flow));
    expect(denied.code).toBe('DENIED');
    expect(denied.message).toMatch(/sign-in to SSO acme-sso with code ABCD-EFGH was denied/);

    const forever = world(Array<PollAnswer>(500).fill('pending'));
    const late = await failure(forever.make().login(forever.flow));
    expect(late.code).toBe('CREDENTIALS_EXPIRED');
    expect(forever.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(605_000);
    expect(readdirSync(ssoDir(w.home)).some((f) => f.endsWith('.token'))).toBe(false);
  });

  it('registers the client once and reuses it until it is about to expire', async () => {
    const w = world(['ok', 'ok']);
    await w.make().login(w.flow);
    await w.make().login(w.flow);
    expect(w.oidc.calls.filter((c) => c === 'RegisterClient')).toHaveLength(1);
    w.advance(90 * 86_400_000);
    await w.make().login(w.flow);
    expect(w.oidc.calls.filter((c) => c === 'RegisterClient')).toHaveLength(2);
  });

  it('names the start URL and the endpoint when SSO OIDC does not answer', async () => {
    const w = world();
    const dead: OidcApi = {
      ...w.oidc.api,
      registerClient: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    };
    const err = await failure(w.make(dead).login(w.flow));
    expect(err.code).toBe('ENDPOINT_UNREACHABLE');
    expect(err.message).toContain('https://oidc.eu-west-1.amazonaws.com');
    expect(err.message).toContain(settings.startUrl);
  });
});

describe('the cached token', () => {
  it('without a sign-in: the one line to run crossbar login', async () => {
    const err = await failure(world().make().token());
    expect(err.code).toBe('CREDENTIALS_MISSING');
    expect(err.message).toMatch(/run `crossbar login acme-sso`/);
  });

  it('is refreshed with the refresh token before it expires, once for concurrent callers', async () => {
    const w = world(['ok']);
    const session = w.make();
    await session.login(w.flow);
    w.advance(50 * 60_000);
    expect((await session.token()).accessToken).toBe('access-1'); // 10 minutes left: not yet
    w.advance(6 * 60_000);
    const tokens = await Promise.all([session.token(), session.token(), w.make().token()]);
    expect(tokens.map((t) => t.accessToken)).toEqual(['access-2', 'access-2', 'access-2']);
    expect(w.oidc.calls.filter((c) => c === 'CreateToken(refresh)')).toHaveLength(1);
    expect((await w.make().token()).accessToken).toBe('access-2');
  });

  it('a revoked refresh token after expiry: the session expired line', async () => {
    const w = world(['ok']);
    await w.make().login(w.flow);
    w.oidc.revokeRefresh();
    w.advance(58 * 60_000);
    expect((await w.make().token()).accessToken).toBe('access-1'); // still good for 2 minutes: used as is
    w.advance(3 * 60_000);
    const err = await failure(w.make().token());
    expect(err.code).toBe('CREDENTIALS_EXPIRED');
    expect(err.message).toBe('SSO session of acme-sso expired — run `crossbar login acme-sso`');
  });

  it('takes over a newer token the AWS tools refreshed (their refresh spent the one crossbar had)', async () => {
    const w = world(['ok']);
    await w.make().login(w.flow);
    const rotated = w.oidc.api;
    // the AWS tools refresh with the same refresh token: access-2, and refresh-1 is spent
    const theirs = await rotated.createToken(
      { clientId: 'c', clientSecret: 's', expiresAt: new Date() },
      { refreshToken: w.oidc.refreshToken },
    );
    w.advance(56 * 60_000);
    const external = {
      startUrl: settings.startUrl,
      accessToken: theirs.accessToken,
      expiresAt: new Date(Date.parse('2026-12-06T03:56:00Z') + 3_600_000),
      refreshToken: theirs.refreshToken ?? '',
    };
    const session = new SsoSession({
      settings,
      home: w.home,
      cacheKey: () => Promise.resolve(w.key),
      oidc: rotated,
      now: () => Date.parse('2026-12-06T03:56:00Z'),
      external: () => external,
    });
    expect((await session.token()).accessToken).toBe('access-2');
    expect(w.oidc.calls.filter((c) => c === 'CreateToken(refresh)')).toHaveLength(1);
  });

  it('the default source says plain `crossbar login`', async () => {
    const w = world();
    const session = new SsoSession({
      settings: { ...settings, name: 'default' },
      home: w.home,
      cacheKey: () => Promise.resolve(w.key),
      oidc: w.oidc.api,
    });
    expect((await failure(session.token())).message).toMatch(/run `crossbar login`$/);
  });

  it('logout revokes the token on the portal and forgets it; using it then says to sign in', async () => {
    const w = world(['ok']);
    const portal = fakePortal({ '111111111111': ['Admin'] });
    const session = w.make(w.oidc.api, portal.api);
    await session.login(w.flow);
    expect(await session.logout()).toEqual({ hadToken: true, revoked: true });
    expect(portal.calls).toContain('Logout');
    expect(readdirSync(ssoDir(w.home)).some((f) => f.endsWith('.token'))).toBe(false);
    expect((await failure(session.token())).message).toMatch(/run `crossbar login acme-sso`/);
    expect(await session.logout()).toEqual({ hadToken: false, revoked: false });
  });
});

describe('the portal', () => {
  it('lists every account and permission set across pages', async () => {
    const w = world(['ok']);
    const portal = fakePortal({
      '111111111111': ['Admin', 'ReadOnly'],
      '222222222222': ['ReadOnly'],
      '333333333333': [],
    });
    const session = w.make(w.oidc.api, portal.api);
    await session.login(w.flow);
    const got = await listAssignments(session);
    expect(got.map((a) => [a.accountId, a.permissionSets])).toEqual([
      ['111111111111', ['Admin', 'ReadOnly']],
      ['222222222222', ['ReadOnly']],
      ['333333333333', []],
    ]);
    expect(portal.calls).toContain('ListAccounts 2');
    expect(portal.calls).toContain('ListAccountRoles 111111111111 1');
  });

  it('GetRoleCredentials for an assignment; DENIED naming the account and permission set for one not assigned', async () => {
    const w = world(['ok']);
    const session = w.make(w.oidc.api, fakePortal({ '111111111111': ['Admin'] }).api);
    await session.login(w.flow);
    const creds = await getSsoRoleCredentials(session, '111111111111', 'Admin');
    expect(creds.accessKeyId).toBe('ASIA111111111111');
    expect(creds.expiration).toBeInstanceOf(Date);
    expect(JSON.stringify(creds)).not.toContain('role-secret');
    const err = await failure(getSsoRoleCredentials(session, '111111111111', 'PowerUser'));
    expect(err.code).toBe('DENIED');
    expect(err.message).toContain('permission set PowerUser in account 111111111111');
    expect(err.message).toContain('you have no assignment of it (never made, or removed)');
    const other = await failure(getSsoRoleCredentials(session, '999999999999', 'Admin'));
    expect(other.code).toBe('DENIED');
  });

  it('a token the portal refuses is refreshed once; refused again, the session is over', async () => {
    const w = world(['ok']);
    let accepted = new Set(['access-2']);
    const portal = fakePortal({ '111111111111': ['Admin'] }, (t) => accepted.has(t));
    const session = w.make(w.oidc.api, portal.api);
    await session.login(w.flow);
    expect((await getSsoRoleCredentials(session, '111111111111', 'Admin')).accessKeyId).toBe('ASIA111111111111');
    expect(w.oidc.calls.filter((c) => c === 'CreateToken(refresh)')).toHaveLength(1);
    accepted = new Set();
    const err = await failure(getSsoRoleCredentials(session, '111111111111', 'Admin'));
    expect(err.message).toBe('SSO session of acme-sso expired — run `crossbar login acme-sso`');
  });

  it('a portal that does not answer is named with the start URL', async () => {
    const w = world(['ok']);
    const portal = fakePortal({});
    portal.api.getRoleCredentials = () => Promise.reject(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
    const session = w.make(w.oidc.api, portal.api);
    await session.login(w.flow);
    const err = await failure(getSsoRoleCredentials(session, '111111111111', 'Admin'));
    expect(err.code).toBe('ENDPOINT_UNREACHABLE');
    expect(err.message).toContain('https://portal.sso.eu-west-1.amazonaws.com');
    expect(err.message).toContain(settings.startUrl);
  });
});
