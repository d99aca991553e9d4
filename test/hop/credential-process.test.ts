import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProfiles } from '../../src/core/aws-config/index.js';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import { buildRegistry } from '../../src/core/config/registry.js';
import { assumeRoleCount, PRODUCTION } from '../helpers/sandbox-clients.js';
import { CROSSBAR, runProcess } from '../helpers/crossbar-bin.js';
import { asBob, startWorld, type World } from '../helpers/world.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

interface ProcessJson {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
  AccountId: string;
}

function files(home: string, suffix: string): string[] {
  return readdirSync(join(home, 'cache')).filter((f) => f.endsWith(suffix));
}

describe('crossbar credential-process', () => {
  it('prints Version 1 JSON with Expiration and AccountId, and nothing on stderr', async () => {
    const out = await w.cli(['credential-process', 'production']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout.endsWith('}\n')).toBe(true);
    const json = JSON.parse(out.stdout) as ProcessJson;
    expect(Object.keys(json)).toEqual([
      'Version',
      'AccessKeyId',
      'SecretAccessKey',
      'SessionToken',
      'Expiration',
      'AccountId',
    ]);
    expect(json).toMatchObject({
      Version: 1,
      AccountId: PRODUCTION,
      AccessKeyId: expect.stringMatching(/^ASIA/) as unknown,
    });
    expect(json.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(json.Expiration) - Date.now()).toBeGreaterThan(50 * 60_000);
  });

  it('a warm cache answers from the target index without AssumeRole; a deleted entry makes it cold again', async () => {
    const env = w.env();
    const home = env['CROSSBAR_HOME'] ?? '';
    const before = assumeRoleCount(w.sb, PRODUCTION);
    const cold = await w.cli(['credential-process', '/switch-to-prod'], env);
    expect(assumeRoleCount(w.sb, PRODUCTION)).toBe(before + 1);
    expect(files(home, '.target')).toHaveLength(1);
    const warm = await w.cli(['credential-process', '/switch-to-prod'], env);
    expect(warm.code).toBe(0);
    expect(warm.stdout).toBe(cold.stdout);
    expect(assumeRoleCount(w.sb, PRODUCTION)).toBe(before + 1);
    for (const entry of files(home, '.cache')) rmSync(join(home, 'cache', entry));
    const again = await w.cli(['credential-process', '/switch-to-prod'], env);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as ProcessJson).AccessKeyId).not.toBe(
      (JSON.parse(cold.stdout) as ProcessJson).AccessKeyId,
    );
    expect(assumeRoleCount(w.sb, PRODUCTION)).toBe(before + 2);
  });

  it('an edited crossbar.yaml is not answered from a stale index entry', async () => {
    const config = w.variant('editable', (y) => y);
    const env = w.env({ CROSSBAR_CONFIG: config });
    const first = JSON.parse((await w.cli(['credential-process', 'development'], env)).stdout) as ProcessJson;
    expect(first.AccountId).toBe('222222222222');
    // Same name, another account: the index must not hand out development's credentials.
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        'id: "222222222222"\n    name: development',
        'id: "333333333333"\n    name: development',
      ),
    );
    const second = JSON.parse((await w.cli(['credential-process', 'development'], env)).stdout) as ProcessJson;
    expect(second.AccountId).toBe('333333333333');
  });

  it('errors are one line on stderr with the right exit code', async () => {
    const unknown = await w.cli(['credential-process', 'prodution']);
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "crossbar: Unknown account 'prodution': no name, id, alias, stage or prefix matches (Did you mean 'production'? Accounts: development, staging, production, client-acme; stages: dev, staging, prod, client (see `crossbar accounts list`))\n",
    });
    // development's admin: production's asks for confirmation first (guardrails.test.ts).
    const denied = await w.cli(['credential-process', 'development:admin'], {
      CROSSBAR_CONFIG: w.variant('bob', asBob),
    });
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
    expect(denied.stderr.split('\n')).toHaveLength(2);
    expect(denied.stderr).toMatch(
      /^crossbar: Could not assume arn:aws:iam::222222222222:role\/administrator from arn:aws:iam::111111111111:user\/bob \(A policy of .* must allow sts:AssumeRole on .*\)\n$/,
    );
  });
});

describe('the real AWS CLI through generated credential_process profiles', () => {
  function awsConfigFor(configPath: string): string {
    const parsed = parseConfig(readFileSync(configPath, 'utf8'), configPath);
    if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
    const profiles = renderProfiles(buildRegistry(parsed.config), {
      mode: 'credential-process',
      crossbarCommand: CROSSBAR,
      configPath,
    });
    const file = join(w.dir, `aws-config-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, profiles);
    return file;
  }

  function aws(profile: string, configFile: string, extra: Record<string, string | undefined> = {}) {
    const env = w.env({ AWS_CONFIG_FILE: configFile, CROSSBAR_CONFIG: undefined, ...extra });
    // The AWS CLI's own view: the generated profiles; crossbar (its child) reads the sandbox users' keys.
    return runProcess(['aws', '--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'], env, {
      cwd: w.dir,
    });
  }

  it('the production profile is 444444444444', async () => {
    const out = await aws('demo-prod-CrossbarReadOnly', awsConfigFor(w.paths.crossbarYaml));
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      Account: PRODUCTION,
      Arn: `arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/alice`,
    });
  }, 60_000);

  it("denied twin: bob's development admin profile fails with crossbar's one-line reason", async () => {
    const out = await aws('demo-dev-admin', awsConfigFor(w.variant('bob', asBob)));
    expect(out.code).not.toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(
      'crossbar: Could not assume arn:aws:iam::222222222222:role/administrator from arn:aws:iam::111111111111:user/bob',
    );
  }, 60_000);
});
