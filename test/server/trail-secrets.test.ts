import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Crossbar } from '../../src/core/crossbar.js';
import { verifyTrail, verifyTrailExport, type TrailRecord } from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { addMember, makeWorkspace, PASSWORDS, setupOwner, signIn, tokenClient } from '../helpers/team-server.js';
import { enrolTotp, nextCode, startVendWorld, type VendedBody } from '../helpers/vend-world.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * The trail after a working session (sign-ins right and wrong, tokens made, revoked and collected by a device
 * login, a TOTP enrolled, credentials and a console link vended, an admin role with a second factor) holds what
 * happened and none of the secrets that went by: passwords, tokens, AWS secret keys and session tokens, the
 * console's sign-in token, the TOTP secret, an ExternalId. And it verifies. On SQLite and PostgreSQL.
 */
let pg: TestPostgres;
let sandbox: World;
let crossbar: Crossbar;
beforeAll(async () => {
  [pg, sandbox] = await Promise.all([startTestPostgres(), startWorld()]);
  crossbar = sandbox.crossbar();
}, 60_000);
afterAll(async () => Promise.all([pg?.stop(), sandbox?.stop()]));

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`trails_${Math.random().toString(36).slice(2, 8)}`)],
];

describe.each(databases)('no secret in the trail on %s', (_kind, dbUrl) => {
  it('after a session of sign-ins, tokens, TOTP and vended credentials, and it verifies', async () => {
    const world = await startVendWorld(sandbox, crossbar, await dbUrl());
    const secrets: string[] = [world.setupToken, ...Object.values(PASSWORDS)];
    const alice = await setupOwner(world);
    const carol = await signIn(world, 'carol', alice);
    await world.anonymous().post('/api/session', { username: 'carol', password: 'carol-wrong-password-9' });
    secrets.push('carol-wrong-password-9');
    await makeWorkspace(alice, { name: 'platform', accounts: ['stage!=prod'] });
    const externalId = 'ext-id-do-not-trail-4711';
    const withRole = await alice.post('/api/workspaces', {
      name: 'assumed',
      accounts: ['development'],
      connection: { kind: 'role', role_arn: 'arn:aws:iam::123456789012:role/CrossbarHub', external_id: externalId },
    });
    expect(withRole.status).toBe(201);
    secrets.push(externalId);
    await addMember(alice, 'platform', 'carol', 'operator', [
      { accounts: 'all', roles: ['CrossbarReadOnly'] },
      { accounts: 'stage=dev', roles: ['admin'] },
    ]);

    const cli = await tokenClient(world, carol, 'laptop');
    secrets.push(cli.token ?? 'missing');
    const tokens = await carol.get<{ tokens: { id: string; name: string }[] }>('/api/tokens');
    await carol.delete(`/api/tokens/${tokens.body.tokens.find((t) => t.name === 'laptop')?.id ?? ''}`);
    const device = await world.anonymous().post<{ device_code: string; user_code: string }>('/api/device', {});
    await carol.post('/api/device/approve', { user_code: device.body.user_code });
    const collected = await world
      .anonymous()
      .post<{ token: string }>('/api/device/token', { device_code: device.body.device_code });
    secrets.push(device.body.device_code, collected.body.token, carol.csrf ?? 'missing');

    const vended = await carol.post<VendedBody>('/api/workspaces/platform/credentials', {
      account: 'development',
      purpose: 'credentials',
    });
    expect(vended.status).toBe(200);
    secrets.push(vended.body.credentials.SecretAccessKey, vended.body.credentials.SessionToken);
    const consoleLink = await carol.post<{ url: string }>('/api/workspaces/platform/credentials', {
      account: 'development',
      purpose: 'console',
    });
    expect(consoleLink.status).toBe(200);
    secrets.push(new URL(consoleLink.body.url).searchParams.get('SigninToken') ?? 'missing');
    const totpSecret = await enrolTotp(world, carol);
    secrets.push(totpSecret);
    const admin = await carol.post<VendedBody>('/api/workspaces/platform/credentials', {
      account: 'development',
      role: 'admin',
      totp_code: nextCode(world, totpSecret),
    });
    expect(admin.status).toBe(200);
    secrets.push(admin.body.credentials.SecretAccessKey, admin.body.credentials.SessionToken);

    const rows = await world.store.db.selectFrom('trail').selectAll().execute();
    const exported = await alice.request('GET', '/api/trail/export?format=jsonl');
    for (const text of [JSON.stringify(rows), exported.body as unknown as string]) {
      for (const secret of secrets) {
        expect(secret.length).toBeGreaterThan(8);
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/);
    }
    // what happened is there, though
    const actions = new Set(rows.map((r) => `${r.action}:${r.outcome}`));
    for (const expected of [
      'auth.sign_in:ok',
      'auth.sign_in:denied',
      'token.created:ok',
      'token.revoked:ok',
      'credentials.vend:ok',
    ])
      expect(actions).toContain(expected);
    const vends = (await alice.get<{ entries: TrailRecord[] }>('/api/trail?workspace=platform&action=credentials.vend'))
      .body.entries;
    expect(vends.map((e) => [e.actor, e.outcome])).toEqual([
      ['carol', 'ok'],
      ['carol', 'ok'],
      ['carol', 'ok'],
    ]);
    expect((await verifyTrail(world.store)).ok).toBe(true);
    expect((await verifyTrailExport((exported.body as unknown as string).split('\n'))).ok).toBe(true);
    await world.close();
  }, 60_000);
});
