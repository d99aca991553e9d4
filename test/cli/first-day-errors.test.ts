import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Issue 9 item 16: errors that name the real problem. Each case is the command a new user ran, with one clear
 * line, a hint, the right exit code and no "bug in crossbar"; each has its working twin.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { NO_COLOR: '1' } });
});
afterAll(() => w.stop());

const NOT_A_BUG = 'looks like a bug';

describe('crossbar.yaml', () => {
  it('an empty file says so and how to start (exit 2), instead of "No account matches \'all\'"', async () => {
    const empty = w.config('empty', '# nothing yet\n\n');
    const out = await w.cli(['accounts', 'list'], { CROSSBAR_CONFIG: empty });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`crossbar: ${empty} is empty: it lists no accounts`);
    expect(out.stderr).toContain('hint: Start with `crossbar init`');
    expect(out.stderr).not.toContain('No account matches');
    const none = w.config('no-accounts', 'accounts: []\n');
    const run = await w.cli(['run', 'all', '--', 'sts', 'GetCallerIdentity'], { CROSSBAR_CONFIG: none });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('crossbar.yaml lists no accounts');
  });

  it('an alias bomb is a config error at its line (exit 2), not a crossbar bug', async () => {
    const bomb = w.config(
      'bomb',
      [
        'a: &a [x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
        'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
        '',
      ].join('\n'),
    );
    const out = await w.cli(['accounts', 'list'], { CROSSBAR_CONFIG: bomb });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${bomb}:2:8 (root): YAML: aliases (*name) expand past 100 nodes`);
    expect(out.stderr).not.toContain(NOT_A_BUG);
  });

  it('two accounts with the same id (a copied block): exit 2 naming both lines', async () => {
    const dup = w.variant('dup-id', (yaml) =>
      yaml.replace('id: "333333333333"', 'id: "222222222222"').replace('stage: staging', 'stage: dev'),
    );
    const out = await w.cli(['accounts', 'list'], { CROSSBAR_CONFIG: dup });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /:\d+:\d+ accounts\[1\]\.id: account id "222222222222" of 'staging' is also the id of 'development' \(accounts\[0\]\).*; the other is at line \d+/,
    );
  });

  it('a workspace naming an unknown account: exit 2 naming it', async () => {
    const ws = w.variant('ws', (yaml) => yaml.replace('accounts: [ production ]', 'accounts: [ prodution ]'));
    const out = await w.cli(['accounts', 'list', 'workspace=production'], { CROSSBAR_CONFIG: ws });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      "workspace 'production' names unknown account 'prodution' (did you mean 'production'?)",
    );
    const fine = await w.cli(['accounts', 'list', 'workspace=production', '-o', 'json']);
    expect(fine.code).toBe(0);
  });
});

describe('CROSSBAR_HOME', () => {
  it('a file in its place is one line naming it (exit 2), not a raw ENOTDIR', async () => {
    const file = join(w.dir, 'home-is-a-file');
    writeFileSync(file, 'oops');
    for (const home of [file, join(file, 'nested')]) {
      const out = await w.cli(['exec', 'development', '--', 'true'], { CROSSBAR_HOME: home });
      expect(out.code).toBe(2);
      expect(out.stderr.split('\n')[0]).toMatch(new RegExp(`^crossbar: CROSSBAR_HOME ${home} (is a file|cannot be)`));
      expect(out.stderr).not.toContain('ENOTDIR');
    }
    const ok = await w.cli(['exec', 'development', '--', 'true'], { CROSSBAR_HOME: join(w.dir, 'fresh-home') });
    expect(ok.code).toBe(0);
  });
});

describe('sandbox mfa-code', () => {
  it('an unknown user is exit 2, naming the user and the users with an MFA device', async () => {
    const out = await w.cli(['sandbox', 'mfa-code', 'nosuch', '--endpoint', w.sb.endpoint]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      "crossbar: the sandbox has no user 'nosuch' with an MFA device in 111111111111\nhint: users with an MFA device there: alice\n",
    );
  });

  it('without --endpoint it asks the endpoint of crossbar.yaml (CROSSBAR_CONFIG), not the default port', async () => {
    const out = await w.cli(['sandbox', 'mfa-code', 'alice']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^\d{6}\n$/);
    const elsewhere = await w.cli(['sandbox', 'mfa-code', 'alice'], { CROSSBAR_CONFIG: undefined });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('no sandbox answers at http://127.0.0.1:4566');
  });
});

describe('shortcut add and remove', () => {
  it('`shortcut frob` names the subcommands instead of "too many arguments for \'list\'"', async () => {
    const out = await w.cli(['shortcut', 'frob', 'x']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("crossbar: unknown shortcut command 'frob'");
    expect(out.stderr).not.toContain('too many arguments');
  });

  it('add writes crossbar.yaml (comments kept, the stage resolved to its account), remove takes it out', async () => {
    const path = w.variant('shortcuts', (yaml) => yaml);
    const env = { CROSSBAR_CONFIG: path };
    const added = await w.cli(['shortcut', 'add', '/prod-admin', 'prod:admin', '--region', 'eu-west-1'], env);
    expect(added.stderr).toBe(`added /prod-admin → production:admin eu-west-1 to ${path}\n`);
    expect(added.code).toBe(0);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# crossbar configuration for the local sandbox');
    expect(text).toContain('- { name: /prod-admin, account: production, role: admin, region: eu-west-1 }');
    const listed = await w.cli(['shortcut', 'list', '-o', 'json'], env);
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ name: '/prod-admin', account: 'production', role: 'admin', region: 'eu-west-1' }),
    );
    // The denied twins: a duplicate, an unknown account and an unknown role change nothing.
    for (const [argv, message] of [
      [['/prod-admin', 'production'], 'shortcut /prod-admin already exists'],
      [['/x', 'nowhere'], "Unknown account 'nowhere'"],
      [['/y', 'production:root'], "Account 'production' has no role 'root'"],
    ] as const) {
      const refused = await w.cli(['shortcut', 'add', ...argv], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(message);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
    const removed = await w.cli(['shortcut', 'remove', '/prod-admin'], env);
    expect(removed.code).toBe(0);
    expect(readFileSync(path, 'utf8')).not.toContain('/prod-admin');
    const again = await w.cli(['shortcut', 'remove', '/prod-admin'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no shortcut /prod-admin in');
  });
});
