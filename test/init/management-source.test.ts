import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Issue 9 item 19: `init --from-organization` lists the management account with the member-account role template,
 * which AWS never creates there. The source's own account is reached with the source identity, so that
 * `accounts check`, `run all` and `bootstrap` do not report it DENIED (and exit 1) on every run.
 */
let w: World;
let config: string;
beforeAll(async () => {
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
  config = join(w.dir, 'org', 'crossbar.yaml');
  // The person's own profile for the client account, with the ExternalId its role demands.
  appendFileSync(
    w.paths.awsConfig,
    '\n[profile acme-client]\nrole_arn = arn:aws:iam::555555555555:role/CrossbarReadOnly\nsource_profile = alice\nexternal_id = acme-crossbar-7f3a9c\n',
  );
  const init = await w.cli([
    'init',
    '--from-organization',
    '--profile',
    'alice',
    '--endpoint',
    w.sb.endpoint,
    '--role',
    'CrossbarReadOnly',
    '--out',
    config,
  ]);
  expect(init.code, init.stderr).toBe(0);
});
afterAll(async () => {
  await w.stop();
});

describe('the management (source) account after init --from-organization', () => {
  it("takes client-acme's ExternalId from the person's AWS config, and says where from", () => {
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/id: "555555555555"[\s\S]*?external_id: acme-crossbar-7f3a9c/);
    expect(text).toContain('external_id of client-acme (555555555555) taken from [profile acme-client]');
  });

  it('accounts check reaches it as the source user, and every member through CrossbarReadOnly', async () => {
    const run = await w.cli(['--config', config, '--output', 'json', 'accounts', 'check']);
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { account: string; status: string; assumedArn?: string }[];
    const byName = new Map(rows.map((r) => [r.account, r]));
    expect(byName.get('management')).toMatchObject({
      status: 'ok',
      assumedArn: 'arn:aws:iam::111111111111:user/alice',
    });
    expect(byName.get('production')).toMatchObject({ status: 'ok' });
    expect(byName.get('production')?.assumedArn).toMatch(/^arn:aws:sts::444444444444:assumed-role\/CrossbarReadOnly\//);
    expect(run.stderr).toMatch(/5 ok/);
  });

  it('run all answers for management as the source user, with exit 0', async () => {
    const run = await w.cli([
      '--config',
      config,
      '-o',
      'json',
      'run',
      'all',
      '--regions',
      'us-east-1',
      '--',
      'sts',
      'get-caller-identity',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { results } = JSON.parse(run.stdout) as {
      results: { account: string; status: string; value?: { Arn?: string } }[];
    };
    expect(results).toHaveLength(5);
    expect(results.find((r) => r.account === '111111111111')?.value?.Arn).toBe('arn:aws:iam::111111111111:user/alice');
    expect(results.find((r) => r.account === '555555555555')?.value?.Arn).toMatch(
      /assumed-role\/CrossbarReadOnly\/alice$/,
    );
  });

  it('bootstrap plans the members and leaves the source account out, saying why', async () => {
    const run = await w.cli(['--config', config, 'bootstrap', '--via', 'CrossbarReadOnly']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "skipped management:CrossbarReadOnly: the source's own account: reached with the source identity, no role needed",
    );
    expect(run.stderr).not.toMatch(/cannot be reached/);
  });

  it('denied twin: a role configured for the management account by name is assumed as written, and denied', async () => {
    const edited = w.config(
      'management-role',
      `source: { profile: alice }\nendpoint: ${w.sb.endpoint}\ndefaults: { role: CrossbarReadOnly }\n` +
        `accounts:\n  - id: "111111111111"\n    name: management\n    roles: { admin: { name: NoSuchRole } }\n`,
    );
    const run = await w.cli(['--config', edited, '--output', 'json', 'accounts', 'check', '--role', 'admin']);
    expect(run.code).toBe(1);
    const rows = JSON.parse(run.stdout) as { status: string }[];
    expect(rows).toEqual([expect.objectContaining({ status: 'denied' })]);
  });

  it("denied twin: a member account's missing role is still denied, not reached as the source", async () => {
    const run = await w.cli([
      '--config',
      config,
      '--output',
      'json',
      'run',
      'production',
      '--role',
      'NoSuchRole',
      '--regions',
      'us-east-1',
      '--',
      'ec2',
      'DescribeInstances',
    ]);
    expect(run.code).toBe(1);
    const { results } = JSON.parse(run.stdout) as { results: { status: string }[] };
    expect(results.map((r) => r.status)).toEqual(['DENIED']);
  });
});
