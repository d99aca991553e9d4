import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ACME, DEVELOPMENT, MANAGEMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { asBob, startWorld, type World } from '../helpers/world.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

interface CheckRow {
  account: string;
  accountId: string;
  role: string;
  status: 'ok' | 'denied';
  reason: string | null;
  assumedArn: string | null;
  expiration: string | null;
  code: string | null;
  hint: string | null;
}

function rows(stdout: string): CheckRow[] {
  return JSON.parse(stdout) as CheckRow[];
}

const statusOf = (r: CheckRow[]) =>
  r.map((x) => `${x.account}:${x.role} ${x.status}${x.reason ? ` (${x.reason})` : ''}`);

describe('crossbar accounts list', () => {
  it('lists every account with id, stage, colour, OU, roles and profile names as JSON', async () => {
    const out = await w.cli(['accounts', '--output', 'json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const accounts = JSON.parse(out.stdout) as {
      name: string;
      id: string;
      stage: string;
      color: string;
      ou: string;
      roles: { key: string; arn: string; profile: string; mfa: string; confirm: boolean }[];
    }[];
    expect(accounts.map((a) => [a.name, a.id, a.stage, a.color, a.ou])).toEqual([
      ['development', DEVELOPMENT, 'dev', 'green', '/Workloads'],
      ['staging', '333333333333', 'staging', 'yellow', '/Workloads'],
      ['production', PRODUCTION, 'prod', 'red', '/Workloads'],
      ['client-acme', CLIENT_ACME, 'client', 'blue', '/Clients'],
    ]);
    expect(accounts[2]?.roles).toEqual([
      {
        key: 'CrossbarReadOnly',
        name: 'CrossbarReadOnly',
        arn: `arn:aws:iam::${PRODUCTION}:role/CrossbarReadOnly`,
        profile: 'demo-prod-CrossbarReadOnly',
        mfa: 'none',
        confirm: false,
      },
      {
        key: 'admin',
        name: 'administrator',
        arn: `arn:aws:iam::${PRODUCTION}:role/administrator`,
        profile: 'demo-prod-admin',
        mfa: 'required',
        confirm: true,
      },
    ]);
  });

  it('takes a selector and prints CSV', async () => {
    const out = await w.cli(['accounts', 'list', 'stage=prod', '--output', 'csv']);
    expect(out).toEqual({
      code: 0,
      stderr: '',
      stdout:
        'name,id,alias,stage,ou,roles,profiles\nproduction,444444444444,,prod,/Workloads,CrossbarReadOnly admin,demo-prod-CrossbarReadOnly demo-prod-admin\n',
    });
    const excluded = await w.cli(['accounts', '!stage=prod,!client-acme', '-o', 'csv']);
    expect(
      excluded.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
    ).toEqual(['development', 'staging']);
  });

  it('colours names and stages by stage in the table: dev green, staging yellow, prod red', async () => {
    const out = await w.cli(['accounts', '-o', 'table'], { FORCE_COLOR: '1' });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('\u001b[32mdevelopment\u001b[39m');
    expect(out.stdout).toContain('\u001b[33mstaging\u001b[39m');
    expect(out.stdout).toContain('\u001b[31mproduction\u001b[39m');
    const plain = await w.cli(['accounts', '-o', 'table'], { NO_COLOR: '1' });
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stdout.split('\n')[0]).toMatch(/^NAME +ID +ALIAS +STAGE +OU +ROLES +PROFILES$/);
  });

  it('a selector that matches nothing is one line with a suggestion, exit 2', async () => {
    const out = await w.cli(['accounts', 'producton']);
    expect(out).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "crossbar: No account matches 'producton'\nhint: Did you mean 'production'? See `crossbar accounts list`\n",
    });
  });
});

describe('crossbar shortcut list', () => {
  it('lists the shortcuts with account, role, region and stage colour', async () => {
    const out = await w.cli(['shortcut', 'list', '-o', 'json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([
      {
        name: '/switch-to-prod',
        account: 'production',
        accountId: PRODUCTION,
        role: 'CrossbarReadOnly',
        region: 'us-east-1',
        stage: 'prod',
        color: 'red',
      },
      {
        name: '/switch-to-staging',
        account: 'staging',
        accountId: '333333333333',
        role: 'CrossbarReadOnly',
        region: 'us-east-1',
        stage: 'staging',
        color: 'yellow',
      },
      {
        name: '/switch-to-dev',
        account: 'development',
        accountId: DEVELOPMENT,
        role: 'CrossbarReadOnly',
        region: 'us-east-1',
        stage: 'dev',
        color: 'green',
      },
    ]);
  });
});

describe('crossbar accounts check', () => {
  it('alice without an MFA code on a non-terminal: read-only roles ok, MFA roles denied with MFA_REQUIRED, exit 1', async () => {
    const out = await w.cli(['accounts', 'check', '-o', 'json']);
    expect(out.code).toBe(1);
    const r = rows(out.stdout);
    expect(statusOf(r)).toEqual([
      'development:CrossbarReadOnly ok',
      'development:admin denied (MFA)',
      'staging:CrossbarReadOnly ok',
      'staging:admin denied (MFA)',
      'production:CrossbarReadOnly ok',
      'production:admin denied (MFA)',
      'client-acme:CrossbarReadOnly ok',
      'client-acme:admin denied (MFA)',
    ]);
    expect(r[0]).toMatchObject({
      assumedArn: `arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/alice`,
      code: null,
    });
    expect(Date.parse(r[0]?.expiration ?? '') - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(r[1]).toMatchObject({
      code: 'MFA_REQUIRED',
      assumedArn: null,
      hint: expect.stringContaining('--mfa-code') as unknown,
    });
    expect(out.stderr).toContain('4 ok, 4 denied (MFA ×4)');
  });

  it('with the current MFA code the administrator roles alice may use are reached; the others say caller policy', async () => {
    const out = await w.cli(['accounts', 'check', '--role', 'admin', '--mfa-code', w.mfaCode(), '-o', 'json']);
    expect(out.code).toBe(1);
    const r = rows(out.stdout);
    expect(statusOf(r)).toEqual([
      'development:admin ok',
      'staging:admin denied (caller policy)',
      'production:admin ok',
      'client-acme:admin denied (caller policy)',
    ]);
    expect(r[2]?.assumedArn).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/administrator/alice`);
    expect(r[1]?.hint).toBe(
      `A policy of arn:aws:iam::${MANAGEMENT}:user/alice (user, group or role) must allow sts:AssumeRole on arn:aws:iam::333333333333:role/administrator`,
    );
  });

  it('a wrong MFA code: the MFA roles fail with MFA_INVALID', async () => {
    const wrong = w.mfaCode() === '000000' ? '111111' : '000000';
    const out = await w.cli(['accounts', 'check', 'production', '--mfa-code', wrong, '-o', 'json']);
    expect(out.code).toBe(1);
    const r = rows(out.stdout);
    expect(statusOf(r)).toEqual(['production:CrossbarReadOnly ok', 'production:admin denied (MFA)']);
    expect(r[1]?.code).toBe('MFA_INVALID');
  });

  it('all reachable is exit 0; the table names the status in words', async () => {
    const out = await w.cli(['accounts', 'check', 'stage=dev,stage=prod', '--role', 'CrossbarReadOnly', '-o', 'table']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^development +CrossbarReadOnly +ok +arn:aws:sts::222222222222:assumed-role\/CrossbarReadOnly\/alice +(59m|1h 0m)/m,
    );
    expect(out.stderr).toMatch(/2 ok\n$/);
  });

  it('bob into an administrator role: denied, caller policy; his read-only role: ok', async () => {
    const config = w.variant('bob', asBob);
    const out = await w.cli(['accounts', 'check', 'production', '-o', 'json'], { CROSSBAR_CONFIG: config });
    expect(out.code).toBe(1);
    const r = rows(out.stdout);
    expect(statusOf(r)).toEqual(['production:CrossbarReadOnly ok', 'production:admin denied (caller policy)']);
    expect(r[0]?.assumedArn).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/bob`);
    expect(r[1]).toMatchObject({
      code: 'ROLE_ASSUME_DENIED',
      hint: `A policy of arn:aws:iam::${MANAGEMENT}:user/bob (user, group or role) must allow sts:AssumeRole on arn:aws:iam::${PRODUCTION}:role/administrator`,
    });
    const readOnly = await w.cli(['accounts', 'check', '--role', 'CrossbarReadOnly', '-o', 'json'], {
      CROSSBAR_CONFIG: config,
    });
    expect(readOnly.code).toBe(0);
  });

  it('client-acme without its ExternalId: denied, ExternalId; with it: ok', async () => {
    const config = w.variant('no-external-id', (yaml) => yaml.replace(/^ +external_id: .*\n/m, ''));
    const without = await w.cli(['accounts', 'check', 'client-acme', '--role', 'CrossbarReadOnly', '-o', 'json'], {
      CROSSBAR_CONFIG: config,
    });
    expect(without.code).toBe(1);
    expect(rows(without.stdout)[0]).toMatchObject({
      status: 'denied',
      reason: 'ExternalId',
      hint: expect.stringContaining('set external_id for this account') as unknown,
    });
    const withId = await w.cli(['accounts', 'check', 'client-acme', '--role', 'CrossbarReadOnly', '-o', 'json']);
    expect(withId.code).toBe(0);
    expect(rows(withId.stdout)[0]?.assumedArn).toBe(`arn:aws:sts::${CLIENT_ACME}:assumed-role/CrossbarReadOnly/alice`);
  });

  it('an unknown role and a bad --concurrency are usage errors', async () => {
    const role = await w.cli(['accounts', 'check', '--role', 'nope']);
    expect(role).toMatchObject({ code: 2, stdout: '' });
    expect(role.stderr.split('\n')[0]).toBe("crossbar: No selected account has a role 'nope'");
    const concurrency = await w.cli(['accounts', 'check', '--concurrency', '0']);
    expect(concurrency.code).toBe(2);
  });
});

describe('crossbar whoami', () => {
  it('without a target: the source identity', async () => {
    const out = await w.cli(['whoami', '-o', 'json']);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      arn: `arn:aws:iam::${MANAGEMENT}:user/alice`,
      accountId: MANAGEMENT,
      identity: 'alice',
      source: 'profile alice',
      mfaSerial: `arn:aws:iam::${MANAGEMENT}:mfa/alice`,
    });
  });

  it('with a target or a shortcut: the assumed role in that account, its stage and expiry', async () => {
    const out = await w.cli(['whoami', 'production', '-o', 'json']);
    expect(out.code).toBe(0);
    const id = JSON.parse(out.stdout) as Record<string, string>;
    expect(id).toMatchObject({
      arn: `arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/alice`,
      accountId: PRODUCTION,
      account: 'production',
      stage: 'prod',
      role: 'CrossbarReadOnly',
      region: 'us-east-1',
    });
    expect(Date.parse(id['expiration'] ?? '')).toBeGreaterThan(Date.now());
    const shortcut = await w.cli(['whoami', '/switch-to-dev', '-o', 'table'], { NO_COLOR: '1' });
    expect(shortcut.stdout).toMatch(/^arn +arn:aws:sts::222222222222:assumed-role\/CrossbarReadOnly\/alice$/m);
    expect(shortcut.stdout).toMatch(/^expiration +\S+ \((59m \d+s|1h 0m) left\)$/m);
  });

  it('bob in production:admin is denied: two lines naming the role and what to change, exit 1', async () => {
    const out = await w.cli(['whoami', 'production:admin'], { CROSSBAR_CONFIG: w.variant('bob', asBob) });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(
      `crossbar: Could not assume arn:aws:iam::${PRODUCTION}:role/administrator from arn:aws:iam::${MANAGEMENT}:user/bob\nhint: A policy of arn:aws:iam::${MANAGEMENT}:user/bob (user, group or role) must allow sts:AssumeRole on arn:aws:iam::${PRODUCTION}:role/administrator\n`,
    );
  });
});
