import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from './config/load-config.js';
import { buildRegistry } from './config/registry.js';
import { RoleDenialError } from './credentials/explain-denial.js';
import { CrossbarError } from './errors.js';
import {
  checkReachability,
  failureReason,
  roleTargets,
  summarizeReachability,
  type RoleTarget,
} from './reachability.js';

const parsed = parseConfig(
  `accounts:
  - { id: "222222222222", name: development, roles: { admin: { name: administrator, mfa: required } } }
  - { id: "444444444444", name: production }
`,
  'c.yaml',
);
if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
const registry = buildRegistry(parsed.config);

const denial = (reason: 'caller policy' | 'ExternalId') =>
  new RoleDenialError(
    {
      roleArn: 'arn:aws:iam::222222222222:role/administrator',
      sourceArn: 'arn:aws:iam::111111111111:user/bob',
      externalIdSent: false,
      mfaPresent: false,
      roleRequiresMfa: false,
      mfaSerialConfigured: false,
      durationSeconds: 3600,
      chained: false,
    },
    { reason, hint: 'fix it' },
    new Error('AccessDenied'),
  );

describe('roleTargets', () => {
  it('one target per account × role, or only the role named', () => {
    expect(roleTargets(registry.accounts).map((t) => `${t.account.name}:${t.role.key}`)).toEqual([
      'development:CrossbarReadOnly',
      'development:admin',
      'production:CrossbarReadOnly',
    ]);
    expect(roleTargets(registry.accounts, 'administrator').map((t) => `${t.account.name}:${t.role.key}`)).toEqual([
      'development:admin',
    ]);
    expect(() => roleTargets(registry.accounts, 'nope')).toThrow("No selected account has a role 'nope'");
  });
});

describe('checkReachability', () => {
  it('one result per target in input order, failures as data, never a throw halfway', async () => {
    const targets = roleTargets(registry.accounts);
    const probe = async (t: RoleTarget) => {
      if (t.role.key === 'admin') throw denial('caller policy');
      if (t.account.name === 'production') throw new Error('socket hang up');
      return { assumedArn: `arn:aws:sts::${t.account.id}:assumed-role/${t.role.name}/alice`, expiration: undefined };
    };
    const results = await checkReachability({ probe, now: Date.now }, targets);
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    const [, admin, prod] = results;
    expect(admin && !admin.ok && failureReason(admin.error)).toBe('caller policy');
    // One vocabulary: a failure that is not crossbar's own becomes an ERROR target error, its cause kept.
    expect(prod && !prod.ok && prod.error.code).toBe('ERROR');
    expect(prod && !prod.ok && prod.error.cause).toBeInstanceOf(CrossbarError);
    expect(prod && !prod.ok && failureReason(prod.error)).toBe('ERROR');
    expect(summarizeReachability(results)).toBe('1 ok, 2 denied (caller policy ×1, ERROR ×1)');
  });

  it('MFA problems read as MFA', () => {
    expect(failureReason(new CrossbarError('MFA_REQUIRED', 'x'))).toBe('MFA');
    expect(failureReason(new CrossbarError('MFA_INVALID', 'x'))).toBe('MFA');
    expect(failureReason(denial('ExternalId'))).toBe('ExternalId');
  });
});
