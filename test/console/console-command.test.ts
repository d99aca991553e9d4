import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../cli/run-cli.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar console` through `main()`: the federated sign-in URL from the engine's credentials, followed to the
 * sandbox's console page; the switch-role link; the guardrail; and the denied twin.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
});
afterAll(async () => {
  await w.stop();
});

const testId = (html: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];

/** Follows a login URL as a browser would: the 302 of login, then the console page. */
async function follow(loginUrl: string): Promise<string> {
  const login = await fetch(loginUrl, { redirect: 'manual' });
  expect(login.status).toBe(302);
  const location = login.headers.get('location');
  if (!location) throw new Error('login gave no Location');
  const page = await fetch(location);
  expect(page.status).toBe(200);
  return page.text();
}

describe('crossbar console --print', () => {
  it('prints a sign-in URL that opens the production console, red, as CrossbarReadOnly', async () => {
    const run = await w.cli(['console', 'production', '--print', '--service', 'ec2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const url = run.stdout.trim();
    expect(url.startsWith(`${w.sb.endpoint}/federation?Action=login&Issuer=crossbar&Destination=`)).toBe(true);
    const html = await follow(url);
    expect(testId(html, 'account-id')).toBe('444444444444');
    expect(testId(html, 'role')).toBe('CrossbarReadOnly');
    expect(testId(html, 'color')).toBe('red');
    expect(testId(html, 'session')).toBe('alice');
    expect(testId(html, 'destination')).toBe('https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1');
  });

  it('takes a shortcut and asks for the longest console session: 12 hours', async () => {
    const run = await w.cli(['console', '/switch-to-staging', '--print']);
    expect(run.code).toBe(0);
    const html = await follow(run.stdout.trim());
    expect(testId(html, 'account-id')).toBe('333333333333');
    expect(testId(html, 'color')).toBe('yellow');
    expect(Math.round((Date.parse(testId(html, 'expires') ?? '') - w.sb.now()) / 3_600_000)).toBe(12);
  });

  it('the confirm: true admin role of production is refused without a terminal, and goes ahead with --yes and MFA', async () => {
    const refused = await w.cli(['console', 'production:admin', '--print']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "crossbar: production:admin needs confirmation (confirm: true) and there is no terminal to type 'production' on\nhint: run `crossbar unlock production:admin` on a terminal first (it lasts an hour), or pass --yes\n",
    );
    expect(refused.stdout).toBe('');
    const run = await w.cli(['console', 'production:admin', '--print', '--yes', '--mfa-code', w.sb.mfaCode('alice')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = await follow(run.stdout.trim());
    expect(testId(html, 'role')).toBe('administrator');
    expect(testId(html, 'account-id')).toBe('444444444444');
  });
});

describe('crossbar console with a chained role', () => {
  it('alice -> CrossbarHub -> production: signs in without a SessionDuration, which AWS refuses for chained sessions', async () => {
    const chained = join(w.dir, 'chained.yaml');
    writeFileSync(
      chained,
      [
        'organization: { name: acme, namespace: acme }',
        'source: { profile: alice }',
        'accounts:',
        '  - { id: "111111111111", name: management, roles: { hub: CrossbarHub } }',
        '  - { id: "444444444444", name: production, stage: prod, roles: { chained: { name: CrossbarReadOnly, via: "management:hub" } } }',
        `endpoint: ${w.sb.endpoint}`,
        '',
      ].join('\n'),
    );
    const run = await w.cli(['console', 'production:chained', '--print'], { CROSSBAR_CONFIG: chained });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = await follow(run.stdout.trim());
    expect(testId(html, 'account-id')).toBe('444444444444');
    expect(testId(html, 'color')).toBe('red');
    // A chained console session lasts as long as its credentials: at most the one-hour chaining cap.
    expect(Date.parse(testId(html, 'expires') ?? '') - w.sb.now()).toBeLessThanOrEqual(3_600_000);
    const link = await w.cli(['console', 'production:chained', '--switch-role'], { CROSSBAR_CONFIG: chained });
    expect(link.code).toBe(2);
    expect(link.stderr.split('\n')[0]).toBe(
      'crossbar: production:chained is reached through management:hub: the console cannot switch to a chained role',
    );
  });
});

describe('crossbar console opens a browser', () => {
  it('hands the URL to $BROWSER and says so on stderr, printing nothing on stdout', async () => {
    const opened = join(w.dir, 'opened.txt');
    const browser = join(w.dir, 'fake-browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${opened}.tmp' && mv '${opened}.tmp' '${opened}'\n`);
    chmodSync(browser, 0o755);
    const run = await w.cli(['console', 'development'], { BROWSER: browser });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('opened the console of development:CrossbarReadOnly (222222222222) in your browser\n');
    const url = await waitFor(() => (existsSync(opened) ? readFileSync(opened, 'utf8') : undefined));
    expect(testId(await follow(url), 'color')).toBe('green');
  });

  it('without a browser to start, prints the URL and says why', async () => {
    const run = await w.cli(['console', 'development'], { BROWSER: join(w.dir, 'no-such-browser') });
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`${w.sb.endpoint}/federation?Action=login`)).toBe(true);
    expect(run.stderr).toMatch(
      /^could not start a browser \(.*no-such-browser\): .*ENOENT.*; open the URL above, or set BROWSER\n$/,
    );
  });
});

describe('crossbar console --switch-role', () => {
  it("prints seed 004's link with account, roleName, displayName and colour, without credentials", async () => {
    // No source credentials at all: the link needs none.
    const run = await w.cli(['console', 'production:admin', '--switch-role'], {
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    });
    expect(run.code).toBe(0);
    const url = new URL(run.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe('https://signin.aws.amazon.com/switchrole');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      account: '444444444444',
      roleName: 'administrator',
      displayName: 'production:admin',
      color: 'f2b0a9',
    });
    const dev = new URL((await w.cli(['console', 'development', '--switch-role'])).stdout.trim());
    expect(Object.fromEntries(dev.searchParams)).toEqual({
      account: '222222222222',
      roleName: 'CrossbarReadOnly',
      displayName: 'development',
      color: 'b7ca9d',
    });
  });
});

describe('crossbar console refuses', () => {
  it("denied twin: bob into production's administrator gets one line naming the role, exit 1", async () => {
    const bobYaml = join(w.dir, 'bob.yaml');
    writeFileSync(
      bobYaml,
      readFileSync(w.paths.crossbarYaml, 'utf8').replace(/source: \{[^}]*\}/, 'source: { profile: bob }'),
    );
    const run = await w.cli(['console', 'production:admin', '--print', '--yes'], { CROSSBAR_CONFIG: bobYaml });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^crossbar: .*arn:aws:iam::444444444444:role\/administrator/);
    expect(lines[0]).toContain('arn:aws:iam::111111111111:user/bob');
    expect(lines.length).toBeLessThanOrEqual(2);
  });

  it('an unknown account is a usage error with a suggestion', async () => {
    const run = await w.cli(['console', 'prodution', '--print']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "crossbar: Unknown account 'prodution': no name, id, alias, stage or prefix matches\nhint: Did you mean 'production'? Accounts: development, staging, production, client-acme, management; stages: dev, staging, prod, client (see `crossbar accounts list`)\n",
    );
  });
});
