import { describe, expect, it } from 'vitest';
import { mergeTrust } from './merge-trust.js';
import { trustPolicy } from './policies.js';
import type { BootstrapRole } from './spec.js';

const ALICE = 'arn:aws:iam::111111111111:user/alice';
const BOB = 'arn:aws:iam::111111111111:user/bob';
const HUB = 'arn:aws:iam::111111111111:role/CrossbarHub';
const ROOT = 'arn:aws:iam::111111111111:root';
const ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity'];

function role(extra: Partial<BootstrapRole> = {}): BootstrapRole {
  return {
    accountId: '444444444444',
    accountName: 'production',
    key: 'CrossbarReadOnly',
    name: 'CrossbarReadOnly',
    arn: 'arn:aws:iam::444444444444:role/CrossbarReadOnly',
    level: 'readonly',
    managedPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    mfa: false,
    ...extra,
  };
}

const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });

describe('mergeTrust: crossbar merges its statement into a role trust', () => {
  it('leaves a trust that already lets alice in (with bob and a hub role) exactly as it is', () => {
    const current = doc({ Effect: 'Allow', Principal: { AWS: [ALICE, BOB, HUB] }, Action: ACTIONS });
    const merged = mergeTrust(current, trustPolicy(role(), [ALICE]));
    expect(merged.document.Statement).toEqual(current.Statement);
    expect(merged.changes).toEqual([]);
  });

  it("adds crossbar's statement beside one that trusts the management root, and removes nothing", () => {
    const current = doc({
      Effect: 'Allow',
      Principal: { AWS: ROOT },
      Action: ACTIONS,
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    });
    const merged = mergeTrust(current, trustPolicy(role({ mfa: true, name: 'administrator' }), [ALICE]));
    expect(merged.document.Statement).toHaveLength(2);
    expect(merged.document.Statement[0]).toEqual(current.Statement[0]);
    expect(merged.document.Statement[1]).toMatchObject({ Sid: 'CrossbarSource', Principal: { AWS: [ALICE] } });
    expect(merged.changes.map((c) => c.change)).toEqual(['add']);
    expect(merged.changes[0]?.text).toBe("adds statement 'CrossbarSource': trusts " + ALICE + ' with MFA');
  });

  it('keeps an ExternalId condition that crossbar.yaml does not know, and says how to drop it', () => {
    const current = doc({
      Effect: 'Allow',
      Principal: { AWS: ROOT },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'acme-7f3a' } },
    });
    const merged = mergeTrust(current, trustPolicy(role({ accountName: 'client-acme' }), [ALICE]), {
      accountName: 'client-acme',
    });
    const ours = merged.document.Statement.find((s) => s['Sid'] === 'CrossbarSource');
    expect(ours?.['Condition']).toEqual({ StringEquals: { 'sts:ExternalId': 'acme-7f3a' } });
    expect(merged.changes).toContainEqual({
      change: 'keep',
      text: 'keeps the sts:ExternalId condition: crossbar.yaml has no external_id for client-acme (set it, or pass --drop-trust-conditions to drop the condition)',
    });
  });

  it('denied twin: with --drop-trust-conditions the ExternalId and MFA go, and the plan says so', () => {
    const current = doc({
      Sid: 'CrossbarSource',
      Effect: 'Allow',
      Principal: { AWS: [ALICE] },
      Action: ACTIONS,
      Condition: { StringEquals: { 'sts:ExternalId': 'x-1' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    });
    const merged = mergeTrust(current, trustPolicy(role(), [ALICE]), { dropConditions: true });
    expect(merged.document.Statement[0]?.['Condition']).toBeUndefined();
    expect(merged.changes.filter((c) => c.change === 'remove').map((c) => c.text)).toEqual([
      'drops the sts:ExternalId condition (--drop-trust-conditions)',
      'drops the MFA condition (--drop-trust-conditions)',
    ]);
  });

  it("grows crossbar's own statement: a principal added to it by hand stays", () => {
    const current = doc({ Sid: 'CrossbarSource', Effect: 'Allow', Principal: { AWS: [BOB] }, Action: ACTIONS });
    const merged = mergeTrust(current, trustPolicy(role(), [ALICE]));
    expect(merged.document.Statement).toEqual([
      { Sid: 'CrossbarSource', Effect: 'Allow', Principal: { AWS: [BOB, ALICE] }, Action: ACTIONS },
    ]);
  });

  it('removes a statement that trusts anyone with no condition, naming it', () => {
    const current = doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' });
    const merged = mergeTrust(current, trustPolicy(role(), [ALICE]));
    expect(merged.document.Statement).toHaveLength(1);
    expect(merged.changes[0]).toEqual({
      change: 'remove',
      text: 'removes statement #1: trusts *: it trusts anyone, with no condition',
    });
  });

  it('--replace-trust removes every other statement, each listed', () => {
    const current = doc(
      { Effect: 'Allow', Principal: { AWS: [ALICE, BOB, HUB] }, Action: ACTIONS },
      { Sid: 'Vendor', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole' },
    );
    const merged = mergeTrust(current, trustPolicy(role(), [ALICE]), { replace: true });
    expect(merged.document.Statement).toHaveLength(1);
    expect(merged.changes.filter((c) => c.change === 'remove').map((c) => c.text)).toEqual([
      `removes statement #1: trusts ${ALICE}, ${BOB}, ${HUB} (--replace-trust)`,
      `removes statement 'Vendor': trusts ${ROOT} (--replace-trust)`,
    ]);
  });

  it('is idempotent: merging into its own result changes nothing', () => {
    const current = doc({ Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole' });
    const wanted = trustPolicy(role({ mfa: true }), [ALICE]);
    const once = mergeTrust(current, wanted);
    const twice = mergeTrust(once.document, wanted);
    expect(twice.document).toEqual(once.document);
    expect(twice.changes).toEqual([]);
  });
});
