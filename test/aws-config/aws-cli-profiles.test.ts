import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import {
  mergeManagedBlock,
  readAwsConfig,
  renderProfiles,
  writeAwsConfigAtomically,
} from '../../src/core/aws-config/index.js';
import { ALICE_MFA, user } from '../helpers/sandbox-clients.js';
import { registryFrom } from './registry-fixture.js';
import { awsEnv, runAws } from './run-aws.js';

/**
 * The generated role-arn profiles, used by the real AWS CLI against the sandbox: the CLI itself assumes the
 * roles (source_profile, external_id, mfa_serial), reaching the sandbox through the profiles' endpoint_url.
 */
const HAND_WRITTEN =
  '# my own settings\n[default]\nregion = eu-central-1\n\n[profile crossbar-source]\nregion = us-east-1\n; keep this comment\n';

function configYaml(endpoint: string): string {
  const roles = '{ CrossbarReadOnly: CrossbarReadOnly, admin: { name: administrator, mfa: required } }';
  return `
organization: { name: acme, namespace: acme }
source: { profile: crossbar-source, mfa_serial: "${ALICE_MFA}", identity: alice }
defaults: { role: CrossbarReadOnly, regions: [us-east-1] }
accounts:
  - { id: "222222222222", name: development, stage: dev, roles: ${roles} }
  - { id: "333333333333", name: staging, stage: staging, roles: ${roles} }
  - { id: "444444444444", name: production, stage: prod, roles: ${roles} }
  - { id: "555555555555", name: client-acme, stage: client, external_id: acme-crossbar-7f3a9c, roles: ${roles} }
endpoint: ${endpoint}
`;
}

let sb: Sandbox;
let dir: string;
let configPath: string;

function writeCredentials(who: 'alice' | 'bob'): string {
  const u = user(sb, who);
  const path = join(dir, `credentials-${who}`);
  writeFileSync(
    path,
    `[crossbar-source]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`,
    { mode: 0o600 },
  );
  return path;
}

/** `aws sts get-caller-identity` through a profile; each call gets its own HOME, so the CLI's cache never answers. */
async function callerIdentity(profile: string, opts: { config?: string; who?: 'alice' | 'bob'; input?: string } = {}) {
  const home = mkdtempSync(join(dir, 'home-'));
  const env = awsEnv({ config: opts.config ?? configPath, credentials: writeCredentials(opts.who ?? 'alice'), home });
  const run = await runAws(['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'], env, opts.input);
  const identity = run.status === 0 ? (JSON.parse(run.stdout) as { Account: string; Arn: string }) : undefined;
  return { ...run, identity };
}

beforeAll(async () => {
  sb = await startTestSandbox();
  dir = mkdtempSync(join(tmpdir(), 'crossbar-aws-cli-'));
  configPath = join(dir, 'aws', 'config');
  writeAwsConfigAtomically(configPath, HAND_WRITTEN, { backup: false });
  const registry = registryFrom(configYaml(sb.endpoint));
  const merged = mergeManagedBlock(readAwsConfig(configPath).text, renderProfiles(registry, { mode: 'role-arn' }), {
    path: configPath,
  });
  writeAwsConfigAtomically(configPath, merged.text);
});

afterAll(async () => {
  await sb.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('generated role-arn profiles with the real AWS CLI', () => {
  it('wrote the block after the hand-written config, which is unchanged, into a 0600 file', () => {
    const text = readFileSync(configPath, 'utf8');
    expect(text.startsWith(`${HAND_WRITTEN}\n# >>> crossbar managed profiles >>>\n`)).toBe(true);
    expect(text).toContain(`endpoint_url = ${sb.endpoint}\n`);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
  });

  it('reaches production through CrossbarReadOnly: Account 444444444444', async () => {
    const run = await callerIdentity('acme-production-CrossbarReadOnly');
    expect(run.stderr).toBe('');
    expect(run.identity?.Account).toBe('444444444444');
    expect(run.identity?.Arn).toBe('arn:aws:sts::444444444444:assumed-role/CrossbarReadOnly/alice');
  });

  it('reaches client-acme with its external_id', async () => {
    const run = await callerIdentity('acme-client-acme-CrossbarReadOnly');
    expect(run.identity?.Account).toBe('555555555555');
  });

  it('is denied into client-acme when the profile lacks the external_id', async () => {
    const withoutExternalId = join(dir, 'config-no-external-id');
    writeFileSync(withoutExternalId, readFileSync(configPath, 'utf8').replace(/^external_id = .*\n/gm, ''));
    const run = await callerIdentity('acme-client-acme-CrossbarReadOnly', { config: withoutExternalId });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation');
    expect(run.stderr).toContain('arn:aws:iam::555555555555:role/CrossbarReadOnly');
  });

  it("prompts for the MFA code of the admin profile and succeeds with alice's current TOTP", async () => {
    const run = await callerIdentity('acme-production-admin', { input: `${sb.mfaCode('alice')}\n` });
    expect(run.stderr).toContain(`Enter MFA code for ${ALICE_MFA}:`);
    expect(run.identity?.Arn).toBe('arn:aws:sts::444444444444:assumed-role/administrator/alice');
  });

  it('is denied into the admin profile with a wrong MFA code', async () => {
    const wrong = String((Number(sb.mfaCode('alice')) + 1) % 1_000_000).padStart(6, '0');
    const run = await callerIdentity('acme-production-admin', { input: `${wrong}\n` });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(
      /An error occurred \(AccessDenied\) when calling the AssumeRole operation: MultiFactorAuthentication failed/,
    );
    expect(run.identity).toBeUndefined();
  });

  it('is denied into the admin profile for bob, who has no MFA device', async () => {
    const run = await callerIdentity('acme-production-admin', { who: 'bob', input: `${sb.mfaCode('alice')}\n` });
    expect(run.status).not.toBe(0);
    // bob has no MFA device: AWS refuses alice's device for him before anything else.
    expect(run.stderr).toContain(
      'An error occurred (AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.',
    );
  });
});

describe('a chained role profile with the real AWS CLI', () => {
  // person -> CrossbarHub (management) -> CrossbarReadOnly (production): the CLI chains through source_profile.
  function chainedYaml(duration: number): string {
    return `
organization: { name: acme, namespace: acme }
source: { profile: crossbar-source, identity: alice }
accounts:
  - { id: "111111111111", name: management, stage: mgmt, roles: { hub: CrossbarHub } }
  - { id: "444444444444", name: production, stage: prod, roles: { chained: { name: CrossbarReadOnly, via: "management:hub", duration: ${duration} } } }
endpoint: ${sb.endpoint}
`;
  }

  it("points source_profile at the via role's profile, caps the duration at one hour, and reaches production", async () => {
    const text = renderProfiles(registryFrom(chainedYaml(7200)), { mode: 'role-arn' });
    expect(text).toMatch(
      /\[profile acme-production-chained\]\n.*\nrole_arn = arn:aws:iam::444444444444:role\/CrossbarReadOnly\nsource_profile = acme-management-hub\n/,
    );
    expect(text).toContain('duration_seconds = 3600\n');
    const path = join(dir, 'config-chained');
    writeAwsConfigAtomically(path, mergeManagedBlock('', text).text, { backup: false });
    const run = await callerIdentity('acme-production-chained', { config: path });
    expect(run.stderr).toBe('');
    expect(run.identity?.Arn).toBe('arn:aws:sts::444444444444:assumed-role/CrossbarReadOnly/alice');
  });

  it('is refused when the chained hop asks for more than the one-hour cap (what crossbar avoids)', async () => {
    const text = renderProfiles(registryFrom(chainedYaml(7200)), { mode: 'role-arn' }).replace(
      'duration_seconds = 3600',
      'duration_seconds = 7200',
    );
    const path = join(dir, 'config-chained-too-long');
    writeAwsConfigAtomically(path, mergeManagedBlock('', text).text, { backup: false });
    const run = await callerIdentity('acme-production-chained', { config: path });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      'An error occurred (ValidationError) when calling the AssumeRole operation: The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  });
});
