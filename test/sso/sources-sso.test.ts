import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSO_ACCOUNTS, startSsoWorld, type SsoWorld } from './sso-world.js';

/**
 * An SSO source beside an IAM source (alice's keys), against the sandbox's IAM Identity Center: whoami tells them
 * apart (not signed in, read from the token cache without a call; then the SSO session), and accounts check goes
 * through each account's own source.
 */
let s: SsoWorld;
let config: string;

beforeAll(async () => {
  s = await startSsoWorld();
  config = s.w.config(
    'sso-and-keys',
    stringify({
      source: { profile: 'alice' },
      sources: { 'acme-sso': { sso: { start_url: s.startUrl, region: s.region } } },
      accounts: [
        ...SSO_ACCOUNTS.filter((a) => a.name !== 'development'),
        { id: '222222222222', name: 'development', stage: 'dev', roles: { CrossbarReadOnly: 'CrossbarReadOnly' } },
      ],
      endpoint: s.w.sb.endpoint,
    }),
  );
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

interface SourceRow {
  source: string;
  kind: string;
  state: string;
  arn: string | null;
  accountId: string | null;
  message: string | null;
  from: string;
  accounts: number;
}

const portalCalls = () =>
  Object.values(s.w.sb.world.accounts).reduce(
    (n, a) =>
      n +
      Object.values(a.trail)
        .flat()
        .filter((e) => e.eventSource === 'sso.amazonaws.com').length,
    0,
  );

describe('an SSO source beside an IAM source', () => {
  it('whoami before sign-in: the IAM source is alice, the SSO source says to run crossbar login, asking nothing', async () => {
    const before = portalCalls();
    const r = await s.cli(['whoami', '-o', 'json'], { CROSSBAR_CONFIG: config });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as SourceRow[];
    expect(rows.map((x) => [x.source, x.kind, x.state, x.accounts])).toEqual([
      ['default', 'iam', 'ok', 1],
      ['acme-sso', 'sso', 'signed-out', 3],
    ]);
    expect(rows[0]?.arn).toBe('arn:aws:iam::111111111111:user/alice');
    expect(rows[1]?.message).toBe('not signed in — run `crossbar login acme-sso`');
    expect(rows[1]?.from).toBe(`SSO acme-sso (${s.startUrl})`);
    expect(portalCalls()).toBe(before);
  });

  it('denied twin: accounts check with the SSO source signed out fails its rows only, and says so once', async () => {
    const r = await s.cli(['accounts', 'check', '-o', 'json', '--role', 'readonly'], { CROSSBAR_CONFIG: config });
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as { account: string; source: string; status: string }[];
    expect(new Set(rows.map((x) => `${x.source} ${x.status}`))).toEqual(new Set(['acme-sso denied']));
    expect(r.stderr).toMatch(/^source acme-sso: .*run `crossbar login acme-sso`.* — its 3 accounts will fail$/m);
  });

  it('after crossbar login: whoami shows the SSO session, and accounts check goes through each source', async () => {
    const login = await s.login('alice', ['login', 'acme-sso'], { extra: { CROSSBAR_CONFIG: config } });
    expect(login.code).toBe(0);
    const who = await s.cli(['whoami', '-o', 'json'], { CROSSBAR_CONFIG: config });
    expect(who.code).toBe(0);
    const rows = JSON.parse(who.stdout) as SourceRow[];
    expect(rows[1]).toMatchObject({ source: 'acme-sso', state: 'ok', accountId: '111111111111' });
    expect(rows[1]?.arn).toMatch(
      /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\//,
    );
    const check = await s.cli(['accounts', 'check', '-o', 'json', 'management,development,production'], {
      CROSSBAR_CONFIG: config,
    });
    const checked = JSON.parse(check.stdout) as { account: string; role: string; source: string; status: string }[];
    const ok = checked.filter((x) => x.status === 'ok').map((x) => [x.account, x.role, x.source]);
    expect(ok).toEqual(
      expect.arrayContaining([
        ['management', 'readonly', 'acme-sso'],
        ['production', 'crossbar', 'acme-sso'],
        ['development', 'CrossbarReadOnly', 'default'],
      ]),
    );
    // The untrusted chain is denied from the SSO session, as in its own world.
    expect(checked.find((x) => x.role === 'untrusted')?.status).toBe('denied');
  });
});
