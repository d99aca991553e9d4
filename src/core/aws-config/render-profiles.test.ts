import { describe, expect, it } from 'vitest';
import { renderProfiles } from './render-profiles.js';
import { findIniProblems } from './validate-aws-config.js';
import { DEMO_YAML, registryFrom } from '../../../test/aws-config/registry-fixture.js';

describe('renderProfiles in role-arn mode', () => {
  const registry = registryFrom(DEMO_YAML);
  const text = renderProfiles(registry, { mode: 'role-arn' });

  it('writes seed 004-style profiles for every account × role', () => {
    expect(text).toBe(`[profile acme-development-CrossbarReadOnly]
# crossbar: account 222222222222 (development), role CrossbarReadOnly
role_arn = arn:aws:iam::222222222222:role/CrossbarReadOnly
source_profile = crossbar-source
role_session_name = Alice-Liddell
region = us-east-1

[profile acme-production-CrossbarReadOnly]
# crossbar: account 444444444444 (production), role CrossbarReadOnly
role_arn = arn:aws:iam::444444444444:role/CrossbarReadOnly
source_profile = crossbar-source
role_session_name = Alice-Liddell
region = eu-west-1

[profile acme-production-admin]
# crossbar: account 444444444444 (production), role admin
role_arn = arn:aws:iam::444444444444:role/administrator
source_profile = crossbar-source
mfa_serial = arn:aws:iam::111111111111:mfa/alice
role_session_name = Alice-Liddell
duration_seconds = 7200
region = eu-west-1

[profile acme-production-deploy]
# crossbar: account 444444444444 (production), role deploy
role_arn = arn:aws:iam::444444444444:role/deployer
source_profile = acme-production-admin
role_session_name = Alice-Liddell
duration_seconds = 3600
region = eu-west-1

[profile acme-client-acme-CrossbarReadOnly]
# crossbar: account 555555555555 (client-acme), role CrossbarReadOnly
role_arn = arn:aws:iam::555555555555:role/CrossbarReadOnly
source_profile = crossbar-source
external_id = acme-crossbar-7f3a9c
role_session_name = Alice-Liddell
region = us-east-1
`);
  });

  it('is valid INI for the AWS CLI and never writes [default]', () => {
    expect(findIniProblems(text)).toEqual([]);
    expect(text).not.toMatch(/^\[default\]/m);
    expect(text).not.toMatch(/^\[profile default\]/m);
  });

  it('puts mfa_serial only on roles that require MFA', () => {
    expect(text.match(/mfa_serial/g)).toHaveLength(1);
  });

  it('takes the source profile, MFA device, region and session name from options over the config', () => {
    const out = renderProfiles(registry, {
      mode: 'role-arn',
      sourceProfile: 'me',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/bob',
      region: 'us-west-2',
      roleSessionName: 'bob',
    });
    expect(out).toContain('source_profile = me\n');
    expect(out).toContain('mfa_serial = arn:aws:iam::111111111111:mfa/bob\n');
    expect(out).not.toContain('eu-west-1');
    expect(out).toContain('role_session_name = bob\n');
  });

  it("two sources: each role's source_profile and mfa_serial are its own source's, never the other's", () => {
    const two = registryFrom(`source: { profile: demo-master-cobus, mfa_serial: "arn:aws:iam::111111111111:mfa/cobus" }
sources:
  cpco: { profile: cpco, mfa_serial: "arn:aws:iam::323330167063:mfa/admin", identity: ops }
accounts:
  - { id: "222222222222", name: development, roles: { admin: { name: administrator, mfa: required } } }
  - { id: "323330167063", name: root, source: cpco, roles: { admin: { name: cpco-root-admin, mfa: required } } }
`);
    const out = renderProfiles(two, { mode: 'role-arn', sourceProfile: 'override' });
    const section = (name: string) => out.split('\n\n').find((s) => s.startsWith(`[profile ${name}]`)) ?? '';
    expect(section('crossbar-development-admin')).toContain(
      'source_profile = override\nmfa_serial = arn:aws:iam::111111111111:mfa/cobus\n',
    );
    expect(section('crossbar-root-admin')).toContain(
      'source_profile = cpco\nmfa_serial = arn:aws:iam::323330167063:mfa/admin\nrole_session_name = ops\n',
    );
  });

  it('writes endpoint_url in every profile when an endpoint is configured (the sandbox)', () => {
    const sandbox = registryFrom(`${DEMO_YAML}\nendpoint: http://127.0.0.1:4566\n`);
    const out = renderProfiles(sandbox, { mode: 'role-arn' });
    expect(out.match(/^endpoint_url = http:\/\/127\.0\.0\.1:4566$/gm)).toHaveLength(5);
  });

  it('refuses role-arn mode without a source profile, and an MFA role without an MFA device', () => {
    const noSource = registryFrom('accounts:\n  - { id: "222222222222", name: dev }\n');
    expect(() => renderProfiles(noSource, { mode: 'role-arn' })).toThrow(
      /need a source profile for dev:CrossbarReadOnly/,
    );
    const noMfa = registryFrom(
      'source: { profile: me }\naccounts:\n  - { id: "222222222222", name: dev, roles: { admin: { name: administrator, mfa: required } } }\n',
    );
    expect(() => renderProfiles(noMfa, { mode: 'role-arn' })).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/dev:admin requires MFA/) }),
    );
  });

  it('refuses a pattern that would name a profile default', () => {
    const reg = registryFrom(
      'source: { profile: me }\ndefaults: { profile_pattern: "{name}" }\naccounts:\n  - { id: "222222222222", name: default }\n',
    );
    expect(() => renderProfiles(reg, { mode: 'role-arn' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/never writes a \[default\] profile/),
      }),
    );
  });
});

describe('renderProfiles in credential-process mode', () => {
  const registry = registryFrom(DEMO_YAML);

  it('calls crossbar credential-process ACCOUNT:ROLE, with region', () => {
    const text = renderProfiles(registry, { mode: 'credential-process' });
    expect(text).toContain(`[profile acme-production-admin]
# crossbar: account 444444444444 (production), role admin
credential_process = crossbar credential-process production:admin
region = eu-west-1
`);
    expect(text).not.toMatch(/role_arn|source_profile|mfa_serial/);
    expect(findIniProblems(text)).toEqual([]);
  });

  it('quotes a program path and a config path with spaces or quotes, so sh and shlex agree', () => {
    const text = renderProfiles(registry, {
      mode: 'credential-process',
      crossbarCommand: '/opt/my tools/crossbar',
      configPath: "/home/o'neil/my config/crossbar.yaml",
    });
    expect(text).toContain(
      `credential_process = '/opt/my tools/crossbar' credential-process development:CrossbarReadOnly --config '/home/o'"'"'neil/my config/crossbar.yaml'\n`,
    );
  });

  it('accepts the command as words (node + script)', () => {
    const text = renderProfiles(registry, {
      mode: 'credential-process',
      crossbarCommand: ['node', '/w/bin/crossbar.js'],
      configPath: '/w/crossbar.yaml',
    });
    expect(text).toContain(
      'credential_process = node /w/bin/crossbar.js credential-process client-acme:CrossbarReadOnly --config /w/crossbar.yaml\n',
    );
  });

  it('refuses a path the JavaScript SDK would cut at a comment marker', () => {
    expect(() =>
      renderProfiles(registry, { mode: 'credential-process', configPath: '/home/me/a #b/crossbar.yaml' }),
    ).toThrow(/misread by the AWS SDKs/);
  });
});

describe('SSO roles', () => {
  const SSO_YAML = `
organization: { name: acme, namespace: acme }
sources:
  acme-sso: { sso: { start_url: "https://d-90679a1b2c.awsapps.com/start", region: eu-west-1, session: acme } }
accounts:
  - id: "444444444444"
    name: production
    source: acme-sso
    regions: [eu-west-1]
    roles:
      readonly: { permission_set: ReadOnlyAccess }
      deploy: { name: Deployer, via: readonly }
`;
  const registry = registryFrom(SSO_YAML);

  it('sso-session style: one [sso-session] and native profiles for permission sets; chained roles stay on credential_process', () => {
    const text = renderProfiles(registry, {
      mode: 'credential-process',
      crossbarCommand: 'crossbar',
      ssoStyle: 'sso-session',
    });
    expect(text).toContain(
      [
        '[sso-session acme]',
        '# crossbar: sso-session of source acme-sso',
        'sso_start_url = https://d-90679a1b2c.awsapps.com/start',
        'sso_region = eu-west-1',
        'sso_registration_scopes = sso:account:access',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '[profile acme-production-readonly]',
        '# crossbar: account 444444444444 (production), role readonly',
        'sso_session = acme',
        'sso_account_id = 444444444444',
        'sso_role_name = ReadOnlyAccess',
        'region = eu-west-1',
      ].join('\n'),
    );
    expect(text).toMatch(
      /\[profile acme-production-deploy\]\n.*\ncredential_process = crossbar credential-process production:deploy/,
    );
    expect(text.match(/\[sso-session/g)).toHaveLength(1);
    expect(findIniProblems(text)).toEqual([]);
  });

  it('credential-process style (the default): every role through crossbar, no [sso-session]', () => {
    const text = renderProfiles(registry, { mode: 'credential-process', crossbarCommand: 'crossbar' });
    expect(text).not.toContain('sso-session');
    expect(text).toContain('credential_process = crossbar credential-process production:readonly');
  });
});
