import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startWorld, type World } from '../helpers/world.js';
import { ALICE, MANAGEMENT } from './iam.js';
import { at, parseHcl, type Hcl } from './hcl.js';

/**
 * `crossbar bootstrap --format` on the demo organization (the config `sandbox start --write-config` writes:
 * CrossbarReadOnly everywhere, an MFA administrator role everywhere, client-acme with its ExternalId), with
 * alice as the source: the output parses and trusts alice's user ARN, never `*`, the root only when asked.
 */
const MEMBERS = ['222222222222', '333333333333', '444444444444', '555555555555'];
const ACME = '555555555555';
const ACME_EXTERNAL_ID = 'acme-crossbar-7f3a9c';
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
let w: World;

beforeAll(async () => {
  w = await startWorld({ org: 'demo' });
});
afterAll(() => w.stop());

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

async function generate(format: string, extra: string[] = []): Promise<string> {
  const out = join(w.dir, `out-${format}-${extra.join('-').replace(/[^a-z]/gi, '')}`);
  const run = await w.cli(['bootstrap', '--format', format, '--out', out, ...extra]);
  expect(run.stderr).toContain(`wrote `);
  expect(run.code).toBe(0);
  return out;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed documents, asserted on below

describe('bootstrap --format cloudformation', () => {
  it('writes a StackSet-ready target template: a role per access level trusting alice, MFA on admin, ExternalId as a parameter', async () => {
    const out = await generate('cloudformation');
    expect(files(out)).toEqual([
      'cloudformation/crossbar-source-groups.yaml',
      'cloudformation/crossbar-target-roles.yaml',
      'cloudformation/target-parameters.json',
    ]);
    const t = parse(readFileSync(join(out, 'cloudformation/crossbar-target-roles.yaml'), 'utf8')) as Json;
    expect(t['AWSTemplateFormatVersion']).toBe('2010-09-09');
    expect(t['Parameters'].TrustedPrincipals).toMatchObject({ Type: 'CommaDelimitedList', Default: ALICE });
    const roles = Object.entries(t['Resources'] as Json).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    expect(roles.map(([id, r]) => [id, r.Properties.RoleName, r.Properties.ManagedPolicyArns])).toEqual([
      ['RoleCrossbarReadOnly', 'CrossbarReadOnly', ['arn:aws:iam::aws:policy/ReadOnlyAccess']],
      ['RoleAdministrator', 'administrator', ['arn:aws:iam::aws:policy/AdministratorAccess']],
    ]);
    for (const [, role] of roles) {
      const [statement] = role.Properties.AssumeRolePolicyDocument.Statement;
      expect(statement.Principal).toEqual({ AWS: { Ref: 'TrustedPrincipals' } });
      expect(statement.Action).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
    }
    const condition = (id: string) =>
      (t['Resources'] as Json)[id].Properties.AssumeRolePolicyDocument.Statement[0].Condition['Fn::If'];
    expect(condition('RoleAdministrator')).toEqual([
      'HasExternalId',
      { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } }, ...MFA },
      MFA,
    ]);
    expect(condition('RoleCrossbarReadOnly')).toEqual([
      'HasExternalId',
      { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
      { Ref: 'AWS::NoValue' },
    ]);
    const text = readFileSync(join(out, 'cloudformation/crossbar-target-roles.yaml'), 'utf8');
    expect(text).not.toMatch(/"\*"|'\*'|: \*$|:root/m);
    // Per stack instance: only client-acme overrides the ExternalId.
    const params = JSON.parse(readFileSync(join(out, 'cloudformation/target-parameters.json'), 'utf8')) as Json[];
    expect(params.map((p) => p.accountId)).toEqual(MEMBERS);
    const ext = (id: string) =>
      params.find((p) => p.accountId === id)?.parameters.find((x: Json) => x.ParameterKey === 'ExternalId')
        ?.ParameterValue;
    expect(MEMBERS.map(ext)).toEqual([undefined, undefined, undefined, ACME_EXTERNAL_ID]);
  });

  it('writes the source template: a group per level allowed to assume exactly those roles, admin only with MFA', async () => {
    const out = await generate('cloudformation', ['--add-user', 'alice']);
    const s = parse(readFileSync(join(out, 'cloudformation/crossbar-source-groups.yaml'), 'utf8')) as Json;
    const r = s['Resources'] as Json;
    expect(Object.fromEntries(Object.entries(r).map(([id, v]) => [id, v.Type]))).toEqual({
      GroupReadonly: 'AWS::IAM::Group',
      GroupReadonlyAssumePolicy: 'AWS::IAM::Policy',
      GroupReadonlyUsers: 'AWS::IAM::UserToGroupAddition',
      GroupAdmin: 'AWS::IAM::Group',
      GroupAdminAssumePolicy: 'AWS::IAM::Policy',
      GroupAdminUsers: 'AWS::IAM::UserToGroupAddition',
    });
    expect(r['GroupReadonly'].Properties.GroupName).toBe('crossbar-readonly');
    expect(r['GroupReadonlyAssumePolicy'].Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'AssumeCrossbarReadOnly',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: MEMBERS.map((id) => `arn:aws:iam::${id}:role/CrossbarReadOnly`),
      },
    ]);
    expect(r['GroupAdminAssumePolicy'].Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'AssumeCrossbarAdminWithMfa',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: MEMBERS.map((id) => `arn:aws:iam::${id}:role/administrator`),
        Condition: MFA,
      },
    ]);
    expect(r['GroupAdminUsers'].Properties).toEqual({ GroupName: { Ref: 'GroupAdmin' }, Users: ['alice'] });
  });

  it('trusts the source account root only with --trust-root, and JSON templates on request', async () => {
    const out = await generate('cloudformation', ['--trust-root', '--templates', 'json']);
    const t = JSON.parse(readFileSync(join(out, 'cloudformation/crossbar-target-roles.json'), 'utf8')) as Json;
    expect(t['Parameters'].TrustedPrincipals.Default).toBe(`${ALICE},arn:aws:iam::${MANAGEMENT}:root`);
  });
});

function tfFiles(out: string): Record<string, Hcl> {
  return Object.fromEntries(files(out).map((f) => [f, parseHcl(readFileSync(join(out, f), 'utf8'))]));
}

describe('bootstrap --format terraform', () => {
  it('writes a roles module, a source module and a root example that all parse as HCL', async () => {
    const out = await generate('terraform', ['--add-user', 'alice:readonly']);
    const tf = tfFiles(out);
    expect(Object.keys(tf)).toEqual([
      'terraform/main.tf',
      'terraform/modules/crossbar-roles/main.tf',
      'terraform/modules/crossbar-roles/outputs.tf',
      'terraform/modules/crossbar-roles/variables.tf',
      'terraform/modules/crossbar-source/main.tf',
      'terraform/modules/crossbar-source/outputs.tf',
      'terraform/modules/crossbar-source/variables.tf',
      'terraform/variables.tf',
    ]);
    const roles = tf['terraform/modules/crossbar-roles/main.tf'];
    expect(Object.keys(at(roles, 'resource', 'aws_iam_role') as Json).sort()).toEqual([
      'administrator',
      'crossbarreadonly',
    ]);
    expect(at(roles, 'resource', 'aws_iam_role', 'crossbarreadonly', 0, 'name')).toBe('CrossbarReadOnly');
    expect(at(roles, 'resource', 'aws_iam_role_policy_attachment', 'administrator', 0, 'policy_arn')).toBe(
      'arn:aws:iam::aws:policy/AdministratorAccess',
    );
    expect(at(roles, 'resource', 'aws_iam_role_policy_attachment', 'crossbarreadonly', 0, 'policy_arn')).toBe(
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    );
    // Principals come from the variable; the admin trust carries the MFA condition in both branches.
    expect(at(roles, 'locals', 0, 'trust_statement')).toEqual({
      Effect: 'Allow',
      Principal: { AWS: '${var.trusted_principals}' },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    });
    const adminTrust = String(at(roles, 'resource', 'aws_iam_role', 'administrator', 0, 'assume_role_policy'));
    expect(adminTrust.match(/"aws:MultiFactorAuthPresent" = "true"/g)).toHaveLength(2);
    expect(adminTrust).toContain('"sts:ExternalId" = var.external_id');
    expect(String(at(roles, 'resource', 'aws_iam_role', 'crossbarreadonly', 0, 'assume_role_policy'))).not.toContain(
      'MultiFactorAuthPresent',
    );
    const source = tf['terraform/modules/crossbar-source/main.tf'];
    expect(Object.keys(at(source, 'resource') as Json).sort()).toEqual([
      'aws_iam_group',
      'aws_iam_group_policy',
      'aws_iam_user_group_membership',
    ]);
    // The root: one provider alias per account assuming OrganizationAccountAccessRole, a module call each.
    const root = tf['terraform/main.tf'];
    const providers = at(root, 'provider', 'aws') as Json[];
    expect(providers.map((p) => p.alias ?? null)).toEqual([
      null,
      'development_222222222222',
      'staging_333333333333',
      'production_444444444444',
      'client_acme_555555555555',
    ]);
    expect(providers.slice(1).map((p) => p.assume_role[0].role_arn)).toEqual(
      MEMBERS.map((id) => `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`),
    );
    const acme = at(root, 'module', 'roles_client_acme_555555555555', 0) as Json;
    expect(acme).toMatchObject({
      source: './modules/crossbar-roles',
      trusted_principals: '${var.trusted_principals}',
      create_administrator: true,
    });
    const src = at(root, 'module', 'source', 0) as Json;
    expect(src).toMatchObject({
      readonly_role_arns: MEMBERS.map((id) => `arn:aws:iam::${id}:role/CrossbarReadOnly`),
      readonly_users: ['alice'],
      admin_users: [],
      admin_requires_mfa: true,
    });
    const vars = tf['terraform/variables.tf'];
    expect(at(vars, 'variable', 'trusted_principals', 0, 'default')).toEqual([ALICE]);
    expect(at(vars, 'variable', 'external_ids', 0, 'default')).toEqual({ [ACME]: ACME_EXTERNAL_ID });
    expect(JSON.stringify(tf)).not.toMatch(/"\*"|:root/);
  });

  it('the parser is a real check: broken HCL fails it', () => {
    expect(() => parseHcl('resource "aws_iam_role" "x" {\n  name = \n}\n')).toThrow(/does not parse/);
  });
});

describe('bootstrap --format json', () => {
  it('prints the raw trust and permission policies per account and role', async () => {
    const run = await w.cli(['bootstrap', '--format', 'json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Json;
    expect(doc['principals']).toEqual([ALICE]);
    expect(doc['accounts'].map((a: Json) => a.id)).toEqual(MEMBERS);
    const role = (id: string, key: string) =>
      doc['accounts'].find((a: Json) => a.id === id).roles.find((r: Json) => r.key === key);
    expect(role(ACME, 'CrossbarReadOnly').trustPolicy.Statement[0]).toEqual({
      Sid: 'CrossbarSource',
      Effect: 'Allow',
      Principal: { AWS: [ALICE] },
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      Condition: { StringEquals: { 'sts:ExternalId': ACME_EXTERNAL_ID } },
    });
    expect(role('222222222222', 'CrossbarReadOnly').trustPolicy.Statement[0].Condition).toBeUndefined();
    expect(role('444444444444', 'admin').trustPolicy.Statement[0].Condition).toEqual(MFA);
    expect(role('444444444444', 'admin').managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    expect(doc['source'].groups.map((g: Json) => [g.name, g.wildcard])).toEqual([
      ['crossbar-readonly', false],
      ['crossbar-admin', false],
    ]);
  });

  it('takes --principal instead of the source identity, and refuses "*" (exit 2)', async () => {
    const hub = `arn:aws:iam::${MANAGEMENT}:role/CrossbarHub`;
    const ok = await w.cli(['bootstrap', '--format', 'json', '--principal', hub]);
    expect((JSON.parse(ok.stdout) as Json)['principals']).toEqual([hub]);
    const star = await w.cli(['bootstrap', '--format', 'json', '--principal', '*']);
    expect(star.code).toBe(2);
    expect(star.stdout).toBe('');
    expect(star.stderr).toContain('A bootstrap role never trusts "*"');
  });
});
