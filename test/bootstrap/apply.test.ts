import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { ALICE, allowOrganizationAccess, iamSnapshot, MANAGEMENT } from './iam.js';

/**
 * `crossbar bootstrap --apply` on a generated organization of 20 accounts, through OrganizationAccountAccessRole,
 * with alice as the source. The roles are new (CrossbarOps; an MFA admin role in account-0003; an ExternalId in
 * account-0005), so before the apply `accounts check` fails and after it every account is reachable.
 */
const COUNT = 20;
const ids = Array.from({ length: COUNT }, (_, i) => String(200_000_000_001 + i));
const names = ids.map((_, i) => `account-${String(i + 1).padStart(4, '0')}`);
let w: World;

function orgConfig(role: string, extraAccounts: Record<string, unknown>[] = []): Record<string, unknown> {
  return {
    organization: { name: 'generated', namespace: 'gen' },
    source: { profile: 'alice', mfa_serial: `arn:aws:iam::${MANAGEMENT}:mfa/alice` },
    defaults: { role, regions: ['us-east-1'] },
    accounts: [
      ...ids.map((id, i) => ({
        id,
        name: names[i],
        ...(i === 2 ? { roles: { admin: { name: `${role}Admin`, mfa: 'required' } } } : {}),
        ...(i === 4 ? { external_id: 'ext-0005-9f1c' } : {}),
      })),
      ...extraAccounts,
    ],
  };
}

interface PlanJson {
  changes: number;
  accounts: { accountId: string; name: string; side: string; changes: string[]; nothingToDo: boolean }[];
  unreachable: { accountId: string; name: string; code: string; message: string }[];
  applied: { accountId: string; done: string[]; error?: unknown }[] | null;
}

beforeAll(async () => {
  w = await startWorld({ org: `generated:${COUNT}` });
  allowOrganizationAccess(w.sb.world);
});
afterAll(() => w.stop());

describe('bootstrap --apply on generated:20', () => {
  const config = () => w.config('ops', orgConfig('CrossbarOps'));

  it('refuses without a terminal and without --yes (exit 2), and changes nothing', async () => {
    const before = iamSnapshot(w.sb.world);
    const run = await w.cli(['-c', config(), 'bootstrap', '--apply', '--add-user', 'alice']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /would make 48 changes in 21 accounts and there is no terminal to confirm on: nothing was changed/,
    );
    expect(iamSnapshot(w.sb.world)).toBe(before);
  });

  it('plans, applies, and then `accounts check` reaches every account; a second apply has nothing to do', async () => {
    const check = (path: string) =>
      w.cli(['-c', path, 'accounts', 'check', '-o', 'json'], { CROSSBAR_MFA_CODE: w.sb.mfaCode('alice') });
    const path = config();
    // The denied twin first: before the bootstrap, not one of the 21 roles exists.
    const beforeCheck = await check(path);
    expect(beforeCheck.code).toBe(1);
    expect((JSON.parse(beforeCheck.stdout) as { status: string }[]).filter((r) => r.status === 'ok')).toEqual([]);

    const first = await w.cli(['-c', path, 'bootstrap', '--apply', '--yes', '--add-user', 'alice', '-o', 'json']);
    expect(first.stderr).toContain('✓ 48 changes applied in 21 accounts, 0 failed');
    expect(first.code).toBe(0);
    const plan = JSON.parse(first.stdout) as PlanJson;
    expect(plan.unreachable).toEqual([]);
    expect(plan.accounts).toHaveLength(COUNT + 1);
    expect(plan.accounts.find((a) => a.name === 'account-0001')?.changes).toEqual([
      'create role CrossbarOps (readonly)',
      'attach arn:aws:iam::aws:policy/ReadOnlyAccess to CrossbarOps',
    ]);
    expect(plan.accounts.find((a) => a.name === 'account-0003')?.changes).toContain(
      'create role CrossbarOpsAdmin (admin, MFA)',
    );
    expect(plan.accounts.find((a) => a.name === 'account-0005')?.changes[0]).toBe(
      'create role CrossbarOps (readonly, ExternalId)',
    );
    expect(plan.accounts.find((a) => a.side === 'source')?.changes).toEqual([
      'create group crossbar-readonly',
      expect.stringMatching(/^put policy crossbar-assume-roles on crossbar-readonly \(\d+ bytes\)$/),
      'add user alice to crossbar-readonly',
      'create group crossbar-admin',
      expect.stringMatching(/^put policy crossbar-assume-roles on crossbar-admin \(\d+ bytes\)$/),
      'add user alice to crossbar-admin',
    ]);
    expect(plan.applied?.every((a) => a.error === undefined)).toBe(true);

    // What IAM now holds: the trust names alice, never * or a root; the ExternalId and MFA where configured.
    const account = (i: number) => w.sb.world.accounts[ids[i] ?? '']?.iam;
    const trust = (i: number, role: string) =>
      JSON.parse(account(i)?.roles[role]?.assumeRolePolicyDocument ?? '{}') as {
        Statement: { Principal: unknown; Condition?: unknown }[];
      };
    expect(trust(0, 'CrossbarOps').Statement[0]).toMatchObject({ Principal: { AWS: [ALICE] } });
    expect(trust(0, 'CrossbarOps').Statement[0]?.Condition).toBeUndefined();
    expect(trust(4, 'CrossbarOps').Statement[0]?.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': 'ext-0005-9f1c' },
    });
    expect(trust(2, 'CrossbarOpsAdmin').Statement[0]?.Condition).toEqual({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });
    expect(account(2)?.roles['CrossbarOpsAdmin']?.attachedPolicies).toEqual([
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(w.sb.world.accounts[MANAGEMENT]?.iam.users['alice']?.groups).toEqual(
      expect.arrayContaining(['crossbar-readonly', 'crossbar-admin']),
    );

    const afterCheck = await check(path);
    expect(afterCheck.stderr).toMatch(/✓ 21 ok\n$/);
    const rows = JSON.parse(afterCheck.stdout) as {
      account: string;
      role: string;
      status: string;
      assumedArn: string | null;
    }[];
    expect(rows).toHaveLength(COUNT + 1);
    expect(rows.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(rows.find((r) => r.account === 'account-0003' && r.role === 'admin')?.assumedArn).toBe(
      `arn:aws:sts::${ids[2]}:assumed-role/CrossbarOpsAdmin/alice`,
    );
    expect(afterCheck.code).toBe(0);

    // Idempotent: the second apply reads the same state, plans nothing and changes nothing.
    const snapshot = iamSnapshot(w.sb.world);
    const second = await w.cli(['-c', path, 'bootstrap', '--apply', '--yes', '--add-user', 'alice', '-o', 'json']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('nothing to do');
    const again = JSON.parse(second.stdout) as PlanJson;
    expect(again.changes).toBe(0);
    expect(again.accounts.every((a) => a.nothingToDo)).toBe(true);
    expect(again.applied).toBeNull();
    expect(iamSnapshot(w.sb.world)).toBe(snapshot);
  });

  it('updates only what drifted: a trust edited by hand is put back, nothing else is touched', async () => {
    const path = config();
    const role = w.sb.world.accounts[ids[6] ?? '']?.iam.roles['CrossbarOps'];
    if (!role) throw new Error('the apply above did not create CrossbarOps in account-0007');
    role.assumeRolePolicyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
    });
    const run = await w.cli(['-c', path, 'bootstrap', '--apply', '--yes', '-o', 'json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as PlanJson;
    expect(plan.changes).toBe(1);
    expect(plan.accounts.filter((a) => !a.nothingToDo).map((a) => [a.name, a.changes])).toEqual([
      ['account-0007', ['update trust of CrossbarOps (1 added, 1 removed: see below)']],
    ]);
    expect(JSON.parse(role.assumeRolePolicyDocument)).toMatchObject({ Statement: [{ Principal: { AWS: [ALICE] } }] });
  });
});

describe('bootstrap --apply with an account it cannot reach', () => {
  it('an account outside the organization: nothing changes in any account, exit 1 naming it', async () => {
    const path = w.config('ghost', orgConfig('CrossbarGhost', [{ id: '299999999999', name: 'ghost' }]));
    const before = iamSnapshot(w.sb.world);
    const run = await w.cli(['-c', path, 'bootstrap', '--apply', '--yes', '--add-user', 'alice', '-o', 'json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 account(s) cannot be reached or read: nothing was changed in any account');
    expect(run.stderr).toMatch(/ghost \(299999999999\) through OrganizationAccountAccessRole: DENIED/);
    const plan = JSON.parse(run.stdout) as PlanJson;
    expect(plan.unreachable.map((u) => u.accountId)).toEqual(['299999999999']);
    expect(plan.applied).toBeNull();
    expect(iamSnapshot(w.sb.world)).toBe(before);
  });

  it('an organization account whose --via role is gone: the same, and the others are not touched either', async () => {
    const path = w.config('broken', orgConfig('CrossbarBroken'));
    const member = w.sb.world.accounts[ids[11] ?? ''];
    const orgRole = member?.iam.roles['OrganizationAccountAccessRole'];
    if (!member || !orgRole) throw new Error('no OrganizationAccountAccessRole in account-0012');
    delete member.iam.roles['OrganizationAccountAccessRole'];
    try {
      const before = iamSnapshot(w.sb.world);
      const run = await w.cli(['-c', path, 'bootstrap', '--apply', '--yes']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/account-0012 \(200000000012\) through OrganizationAccountAccessRole/);
      expect(run.stderr).toContain('nothing was changed in any account');
      expect(iamSnapshot(w.sb.world)).toBe(before);
      for (const id of ids) expect(w.sb.world.accounts[id]?.iam.roles['CrossbarBroken']).toBeUndefined();
    } finally {
      member.iam.roles['OrganizationAccountAccessRole'] = orgRole;
    }
  });

  it("without the management admin's allow, no account is reachable and nothing changes", async () => {
    const alice = w.sb.world.accounts[MANAGEMENT]?.iam.users['alice'];
    const allow = alice?.inlinePolicies['organization-admin'];
    if (!alice || !allow) throw new Error('no organization-admin policy on alice');
    delete alice.inlinePolicies['organization-admin'];
    try {
      const before = iamSnapshot(w.sb.world);
      const run = await w.cli([
        '-c',
        w.config('denied', orgConfig('CrossbarDenied')),
        'bootstrap',
        '--apply',
        '--yes',
        '-o',
        'json',
      ]);
      expect(run.code).toBe(1);
      expect((JSON.parse(run.stdout) as PlanJson).unreachable).toHaveLength(COUNT);
      expect(run.stderr).toContain(`${COUNT} account(s) cannot be reached`);
      expect(iamSnapshot(w.sb.world)).toBe(before);
    } finally {
      alice.inlinePolicies['organization-admin'] = allow;
    }
  });
});

describe('bootstrap --apply when the source may read IAM but not write it', () => {
  it('fails on the source first and touches no target account (exit 1)', async () => {
    const alice = w.sb.world.accounts[MANAGEMENT]?.iam.users['alice'];
    const allow = alice?.inlinePolicies['organization-admin'];
    if (!alice || !allow) throw new Error('no organization-admin policy on alice');
    // Only the way into the members: in her own account alice keeps the readers' ReadOnlyAccess.
    alice.inlinePolicies['organization-admin'] = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' },
      ],
    });
    try {
      const before = iamSnapshot(w.sb.world);
      const run = await w.cli([
        '-c',
        w.config('readonly-source', orgConfig('CrossbarReadSource')),
        'bootstrap',
        '--apply',
        '--yes',
      ]);
      expect(run.code).toBe(1);
      // The groups exist from the apply above; their policy now names other roles, and putting it is refused.
      expect(run.stderr).toMatch(
        new RegExp(
          `✗ source \\(${MANAGEMENT}\\): put policy crossbar-assume-roles on crossbar-readonly \\(\\d+ bytes\\): DENIED: User: ${ALICE} is not authorized to perform: iam:PutGroupPolicy`,
        ),
      );
      expect(run.stderr).toContain('✗ 0 changes applied in 0 accounts, 1 failed, 20 not started');
      expect(run.stderr).toContain(
        `account-0001 (${ids[0]}): not started: SKIPPED: the source account ${MANAGEMENT} failed first: no target was changed`,
      );
      expect(iamSnapshot(w.sb.world)).toBe(before);
    } finally {
      alice.inlinePolicies['organization-admin'] = allow;
    }
  });
});
