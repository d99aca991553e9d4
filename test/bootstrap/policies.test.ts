import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../src/core/config/registry.js';
import { configSchema } from '../../src/core/config/schema.js';
import {
  decodePolicyText,
  GROUP_POLICY_LIMIT,
  groupPolicy,
  minifiedBytes,
  resolveBootstrapSpec,
  samePolicy,
  trustPolicy,
} from '../../src/core/bootstrap/index.js';
import { hclString } from '../../src/core/bootstrap/render-terraform.js';
import { ALICE } from './iam.js';

/** The documents themselves: the group size limit and its wildcard fallback, and how IAM's copies compare. */
function specFor(count: number, role = 'CrossbarReadOnly') {
  const config = configSchema.parse({
    defaults: { role },
    accounts: Array.from({ length: count }, (_, i) => ({ id: String(300_000_000_000 + i), name: `a-${i}` })),
  });
  const registry = buildRegistry(config);
  return resolveBootstrapSpec(registry, { accounts: registry.accounts, principals: [ALICE] });
}

describe('the source group policy', () => {
  it('lists every role ARN while it fits in 5,120 bytes', () => {
    const spec = specFor(80);
    const group = spec.groups[0];
    if (!group) throw new Error('no group');
    const policy = groupPolicy(group, spec);
    expect(policy.wildcard).toBe(false);
    expect(policy.bytes).toBeLessThanOrEqual(GROUP_POLICY_LIMIT);
    expect(policy.document.Statement[0]?.['Resource']).toHaveLength(80);
  });

  it('uses an account wildcard per role name only when the exact list would pass the limit', () => {
    const spec = specFor(150);
    const group = spec.groups[0];
    if (!group) throw new Error('no group');
    const policy = groupPolicy(group, spec);
    expect(policy.exactBytes).toBeGreaterThan(GROUP_POLICY_LIMIT);
    expect(policy.wildcard).toBe(true);
    expect(policy.document.Statement).toEqual([
      {
        Sid: 'AssumeCrossbarReadOnly',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: ['arn:aws:iam::*:role/CrossbarReadOnly'],
      },
    ]);
    expect(policy.bytes).toBe(minifiedBytes(policy.document));
  });
});

describe('comparing with what IAM returns', () => {
  const spec = specFor(1);
  const role = spec.roles[0];
  if (!role) throw new Error('no role');
  const wanted = trustPolicy(role, [ALICE]);

  it('a URL-encoded copy with one-element lists collapsed and keys reordered is the same policy', () => {
    const fromIam = encodeURIComponent(
      JSON.stringify({
        Statement: [
          { Action: ['sts:SetSourceIdentity', 'sts:AssumeRole'], Principal: { AWS: ALICE }, Effect: 'Allow' },
        ],
        Version: '2012-10-17',
      }),
    );
    expect(samePolicy(decodePolicyText(fromIam), wanted)).toBe(true);
  });

  it('another principal, or a missing action, is not', () => {
    expect(
      samePolicy(
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: '*' }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] },
          ],
        },
        wanted,
      ),
    ).toBe(false);
    expect(
      samePolicy(
        {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: ALICE }, Action: 'sts:AssumeRole' }],
        },
        wanted,
      ),
    ).toBe(false);
  });
});

describe('spec guards', () => {
  it('refuses a principal that is not a user or role, and principals from two accounts', () => {
    const registry = buildRegistry(configSchema.parse({ accounts: [{ id: '300000000000', name: 'a' }] }));
    expect(() =>
      resolveBootstrapSpec(registry, { accounts: registry.accounts, principals: ['arn:aws:iam::111111111111:root'] }),
    ).toThrow(/not an IAM user or role ARN/);
    expect(() =>
      resolveBootstrapSpec(registry, {
        accounts: registry.accounts,
        principals: [ALICE, 'arn:aws:iam::999999999999:user/eve'],
      }),
    ).toThrow(/more than one account/);
  });

  it('escapes HCL template sequences in strings', () => {
    expect(hclString('a${b}%{c}"')).toBe('"a$${b}%%{c}\\""');
  });
});
