import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  EnableMFADeviceCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountSummaryCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  TagRoleCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListRoles,
} from '@aws-sdk/client-iam';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { iamService } from '../../src/sandbox/services/iam.js';
import { loadServiceModel } from '../../src/sandbox/model/service-model.js';
import { encodeOutput } from '../../src/sandbox/protocol/encode-output.js';
import { totpFor } from '../../src/sandbox/totp.js';
import {
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  adminSession,
  clientConfig,
  failure,
  keysOf,
  readOnlySession,
  roleArn,
  user,
} from '../helpers/sandbox-clients.js';

let sb: Sandbox;
let devRead: IAMClient;
let devAdmin: IAMClient;
let prodRead: IAMClient;
let prodAdmin: IAMClient;
const iam = (creds: AwsCredentialIdentity) => new IAMClient(clientConfig(sb, creds));
const alice = () => iam(keysOf(sb, 'alice'));
const bob = () => iam(keysOf(sb, 'bob'));

/**
 * Every output a handler returns is also serialized with onUnknownKey, so that a misspelled member (which the
 * wire layer would silently drop) fails the suite.
 */
const unknownKeys: string[] = [];
const originalOperations = { ...iamService.operations };
function watchOutputs(): void {
  const model = loadServiceModel('iam');
  for (const [name, handler] of Object.entries(originalOperations)) {
    iamService.operations[name] = (ctx, input) => {
      const out = handler(ctx, input);
      encodeOutput(model, name, out ?? {}, 'check', { onUnknownKey: (path) => unknownKeys.push(`${name}: ${path}`) });
      return out;
    };
  }
}

beforeAll(async () => {
  watchOutputs();
  sb = await startTestSandbox();
  devRead = iam(await readOnlySession(sb, DEVELOPMENT));
  devAdmin = iam(await adminSession(sb, DEVELOPMENT));
  prodRead = iam(await readOnlySession(sb, PRODUCTION));
  prodAdmin = iam(await adminSession(sb, PRODUCTION));
});
afterAll(async () => {
  Object.assign(iamService.operations, originalOperations);
  await sb.stop();
});

const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const TRUST = doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' });
const READ_S3 = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
const decode = (encoded: string | undefined): unknown => JSON.parse(decodeURIComponent(encoded ?? ''));
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const trailOf = (accountId: string) => sb.world.accounts[accountId]?.trail['us-east-1'] ?? [];

describe('roles', () => {
  it('a CrossbarReadOnly session reads roles; the same session cannot create one (AWS message)', async () => {
    const { Role } = await devRead.send(new GetRoleCommand({ RoleName: 'CrossbarReadOnly' }));
    expect(Role?.Arn).toBe(roleArn(DEVELOPMENT, 'CrossbarReadOnly'));
    expect(Role?.MaxSessionDuration).toBe(43_200);
    expect(Role?.RoleLastUsed?.Region).toBe('us-east-1');
    expect(decode(Role?.AssumeRolePolicyDocument)).toMatchObject({
      Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }],
    });
    const { Roles } = await devRead.send(new ListRolesCommand({}));
    expect(Roles?.map((r) => r.RoleName)).toEqual([
      'administrator',
      expect.stringMatching(/^AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}$/),
      expect.stringMatching(/^AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}$/),
      'CrossbarReadOnly',
      'OrganizationAccountAccessRole',
    ]);
    const f = await failure(
      devRead.send(new CreateRoleCommand({ RoleName: 'new-role', AssumeRolePolicyDocument: TRUST })),
    );
    expect(f).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(f.message).toBe(
      `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/test-session is not authorized to perform: iam:CreateRole on resource: ${roleArn(DEVELOPMENT, 'new-role')} because no identity-based policy allows the iam:CreateRole action`,
    );
  });

  it('unknown roles are NoSuchEntity with 404', async () => {
    const f = await failure(devRead.send(new GetRoleCommand({ RoleName: 'nope' })));
    expect(f).toEqual({
      name: 'NoSuchEntityException',
      message: 'The role with name nope cannot be found.',
      status: 404,
    });
  });

  it('an administrator session runs a role through its whole life', async () => {
    const created = await devAdmin.send(
      new CreateRoleCommand({
        RoleName: 'ci-deployer',
        Path: '/automation/',
        AssumeRolePolicyDocument: TRUST,
        MaxSessionDuration: 7200,
        Description: 'CI',
      }),
    );
    expect(created.Role?.Arn).toBe(`arn:aws:iam::${DEVELOPMENT}:role/automation/ci-deployer`);
    expect(trailOf(DEVELOPMENT).at(-1)?.record).toMatchObject({
      eventName: 'CreateRole',
      eventSource: 'iam.amazonaws.com',
      readOnly: false,
      requestParameters: { roleName: 'ci-deployer' },
    });
    expect(
      await failure(devAdmin.send(new CreateRoleCommand({ RoleName: 'CI-Deployer', AssumeRolePolicyDocument: TRUST }))),
    ).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    await devAdmin.send(
      new PutRolePolicyCommand({ RoleName: 'ci-deployer', PolicyName: 'read-s3', PolicyDocument: READ_S3 }),
    );
    const inline = await devAdmin.send(new GetRolePolicyCommand({ RoleName: 'ci-deployer', PolicyName: 'read-s3' }));
    expect(decode(inline.PolicyDocument)).toEqual(JSON.parse(READ_S3));
    expect((await devAdmin.send(new ListRolePoliciesCommand({ RoleName: 'ci-deployer' }))).PolicyNames).toEqual([
      'read-s3',
    ]);
    await devAdmin.send(new AttachRolePolicyCommand({ RoleName: 'ci-deployer', PolicyArn: READ_ONLY }));
    expect(
      (await devAdmin.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ci-deployer' }))).AttachedPolicies,
    ).toEqual([{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }]);
    const unknown = await failure(
      devAdmin.send(
        new AttachRolePolicyCommand({ RoleName: 'ci-deployer', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' }),
      ),
    );
    expect(unknown).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.',
    });
    await devAdmin.send(
      new UpdateRoleCommand({ RoleName: 'ci-deployer', MaxSessionDuration: 10_800, Description: 'CI deployer' }),
    );
    await devAdmin.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'ci-deployer',
        PolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      }),
    );
    await devAdmin.send(new TagRoleCommand({ RoleName: 'ci-deployer', Tags: [{ Key: 'team', Value: 'platform' }] }));
    const { Role } = await devAdmin.send(new GetRoleCommand({ RoleName: 'ci-deployer' }));
    expect(Role).toMatchObject({
      MaxSessionDuration: 10_800,
      Description: 'CI deployer',
      Tags: [{ Key: 'team', Value: 'platform' }],
    });
    expect(decode(Role?.AssumeRolePolicyDocument)).toMatchObject({
      Statement: [{ Principal: { Service: 'ec2.amazonaws.com' } }],
    });
    expect((await devAdmin.send(new ListRoleTagsCommand({ RoleName: 'ci-deployer' }))).Tags).toEqual([
      { Key: 'team', Value: 'platform' },
    ]);

    const conflict = await failure(devAdmin.send(new DeleteRoleCommand({ RoleName: 'ci-deployer' })));
    expect(conflict).toEqual({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must detach all policies first.',
      status: 409,
    });
    await devAdmin.send(new DetachRolePolicyCommand({ RoleName: 'ci-deployer', PolicyArn: READ_ONLY }));
    await devAdmin.send(new DeleteRolePolicyCommand({ RoleName: 'ci-deployer', PolicyName: 'read-s3' }));
    await devAdmin.send(new DeleteRoleCommand({ RoleName: 'ci-deployer' }));
    expect((await failure(devAdmin.send(new GetRoleCommand({ RoleName: 'ci-deployer' })))).name).toBe(
      'NoSuchEntityException',
    );
  });

  it('refuses bad documents, durations and names with AWS errors', async () => {
    const bad = await failure(
      devAdmin.send(new CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: '{not json' })),
    );
    expect(bad).toEqual({ name: 'MalformedPolicyDocumentException', message: 'Syntax errors in policy.', status: 400 });
    const noPrincipal = await failure(
      devAdmin.send(
        new CreateRoleCommand({
          RoleName: 'broken',
          AssumeRolePolicyDocument: doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }),
        }),
      ),
    );
    expect(noPrincipal).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'Missing required field Principal',
    });
    const duration = await failure(
      devAdmin.send(
        new CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: TRUST, MaxSessionDuration: 100 }),
      ),
    );
    expect(duration).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(duration.message).toContain("Value '100' at 'maxSessionDuration'");
    const name = await failure(
      devAdmin.send(new CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: TRUST })),
    );
    expect(name.message).toBe(
      "1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    expect(
      (
        await failure(
          devAdmin.send(new PutRolePolicyCommand({ RoleName: 'administrator', PolicyName: 'x', PolicyDocument: '[]' })),
        )
      ).name,
    ).toBe('MalformedPolicyDocumentException');
  });

  it('ListRoles with MaxItems 1 walks every role through Marker pages; a forged Marker is refused', async () => {
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListRoles({ client: prodRead, pageSize: 1 }, {})) {
      pages += 1;
      names.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ''));
    }
    const all = (await prodRead.send(new ListRolesCommand({}))).Roles?.map((r) => r.RoleName);
    expect(names).toEqual(all);
    expect(names).toEqual(expect.arrayContaining(['legacy-public-access', 'vendor-monitoring', 'CrossbarReadOnly']));
    expect(pages).toBe(7); // five roles of the seed and the two Identity Center roles (AWSReservedSSO_…)
    expect(await failure(prodRead.send(new ListRolesCommand({ Marker: 'forged' })))).toEqual({
      name: 'ValidationError',
      message: 'Invalid Marker.',
      status: 400,
    });
  });
});

describe('users and groups', () => {
  it('creates users in paths, groups them, and refuses to delete what is still in use', async () => {
    const { User } = await devAdmin.send(
      new CreateUserCommand({ UserName: 'carol', Path: '/eng/', Tags: [{ Key: 'team', Value: 'eng' }] }),
    );
    expect(User?.Arn).toBe(`arn:aws:iam::${DEVELOPMENT}:user/eng/carol`);
    expect((await devAdmin.send(new ListUsersCommand({ PathPrefix: '/eng/' }))).Users?.map((u) => u.UserName)).toEqual([
      'carol',
    ]);
    await devAdmin.send(new TagUserCommand({ UserName: 'carol', Tags: [{ Key: 'level', Value: '2' }] }));
    expect((await devAdmin.send(new ListUserTagsCommand({ UserName: 'carol' }))).Tags).toEqual([
      { Key: 'team', Value: 'eng' },
      { Key: 'level', Value: '2' },
    ]);
    await devAdmin.send(new CreateGroupCommand({ GroupName: 'engineers' }));
    await devAdmin.send(new AddUserToGroupCommand({ GroupName: 'engineers', UserName: 'carol' }));
    const group = await devAdmin.send(new GetGroupCommand({ GroupName: 'engineers' }));
    expect(group.Users?.map((u) => u.Arn)).toEqual([User?.Arn]);
    expect(
      (await devAdmin.send(new ListGroupsForUserCommand({ UserName: 'carol' }))).Groups?.map((g) => g.GroupName),
    ).toEqual(['engineers']);
    await devAdmin.send(
      new PutGroupPolicyCommand({ GroupName: 'engineers', PolicyName: 'read', PolicyDocument: READ_S3 }),
    );
    expect(
      decode(
        (await devAdmin.send(new GetGroupPolicyCommand({ GroupName: 'engineers', PolicyName: 'read' }))).PolicyDocument,
      ),
    ).toEqual(JSON.parse(READ_S3));
    expect(await failure(devAdmin.send(new DeleteGroupCommand({ GroupName: 'engineers' })))).toMatchObject({
      name: 'DeleteConflictException',
      status: 409,
    });
    expect(await failure(devAdmin.send(new DeleteUserCommand({ UserName: 'carol' })))).toMatchObject({
      name: 'DeleteConflictException',
    });
    await devAdmin.send(new RemoveUserFromGroupCommand({ GroupName: 'engineers', UserName: 'carol' }));
    await devAdmin.send(new DeleteGroupPolicyCommand({ GroupName: 'engineers', PolicyName: 'read' }));
    await devAdmin.send(new DeleteGroupCommand({ GroupName: 'engineers' }));
    await devAdmin.send(new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'own', PolicyDocument: READ_S3 }));
    expect(await failure(devAdmin.send(new DeleteUserCommand({ UserName: 'carol' })))).toMatchObject({
      message: 'Cannot delete entity, must delete policies first.',
    });
    expect(
      decode((await devAdmin.send(new GetUserPolicyCommand({ UserName: 'carol', PolicyName: 'own' }))).PolicyDocument),
    ).toEqual(JSON.parse(READ_S3));
    await devAdmin.send(new DeleteUserPolicyCommand({ UserName: 'carol', PolicyName: 'own' }));
    await devAdmin.send(new DeleteUserCommand({ UserName: 'carol' }));
    expect(await failure(devAdmin.send(new GetUserCommand({ UserName: 'carol' })))).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name carol cannot be found.',
    });
  });

  it('GetUser without a name is the calling user; a role session must name one', async () => {
    expect((await alice().send(new GetUserCommand({}))).User).toMatchObject({
      UserName: 'alice',
      Arn: user(sb, 'alice').arn,
      Tags: [{ Key: 'team', Value: 'platform' }],
    });
    expect(await failure(devRead.send(new GetUserCommand({})))).toMatchObject({ name: 'ValidationError' });
  });

  it('bob, a reader, cannot create users: AccessDenied on the user ARN', async () => {
    const f = await failure(bob().send(new CreateUserCommand({ UserName: 'mallory' })));
    expect(f.message).toBe(
      `User: ${user(sb, 'bob').arn} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${MANAGEMENT}:user/mallory because no identity-based policy allows the iam:CreateUser action`,
    );
  });
});

describe('managed policies', () => {
  it('creates, versions, attaches, lists entities and deletes a customer managed policy', async () => {
    const { Policy } = await devAdmin.send(
      new CreatePolicyCommand({ PolicyName: 'read-buckets', PolicyDocument: READ_S3, Description: 'reads' }),
    );
    const arn = Policy?.Arn ?? '';
    expect(arn).toBe(`arn:aws:iam::${DEVELOPMENT}:policy/read-buckets`);
    expect(
      await failure(devAdmin.send(new CreatePolicyCommand({ PolicyName: 'read-buckets', PolicyDocument: READ_S3 }))),
    ).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    const v2 = doc({ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' });
    expect(
      (await devAdmin.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: v2, SetAsDefault: true })))
        .PolicyVersion,
    ).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    expect((await devAdmin.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toMatchObject({
      DefaultVersionId: 'v2',
      AttachmentCount: 0,
      Description: 'reads',
    });
    expect(
      decode(
        (await devAdmin.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }))).PolicyVersion?.Document,
      ),
    ).toEqual(JSON.parse(v2));
    await devAdmin.send(new AttachRolePolicyCommand({ RoleName: 'CrossbarReadOnly', PolicyArn: arn }));
    const entities = await devAdmin.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    expect(entities.PolicyRoles?.map((r) => r.RoleName)).toEqual(['CrossbarReadOnly']);
    expect(
      (await devAdmin.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies?.map((p) => p.PolicyName),
    ).toEqual(['read-buckets']);
    expect(await failure(devAdmin.send(new DeletePolicyCommand({ PolicyArn: arn })))).toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete a policy attached to entities.',
    });
    await devAdmin.send(new DetachRolePolicyCommand({ RoleName: 'CrossbarReadOnly', PolicyArn: arn }));
    await devAdmin.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    await devAdmin.send(new DeletePolicyCommand({ PolicyArn: arn }));
    expect(await failure(devAdmin.send(new GetPolicyCommand({ PolicyArn: arn })))).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
    });
  });

  it('lists AWS managed policies, OnlyAttached counting attachments in the account', async () => {
    const attached = await devRead.send(new ListPoliciesCommand({ Scope: 'AWS', OnlyAttached: true }));
    // administrator, OrganizationAccountAccessRole and the AdministratorAccess permission set's role; CrossbarReadOnly
    // and the ReadOnlyAccess permission set's role.
    expect(attached.Policies?.map((p) => [p.PolicyName, p.AttachmentCount])).toEqual([
      ['AdministratorAccess', 3],
      ['ReadOnlyAccess', 2],
    ]);
    const all = await devRead.send(new ListPoliciesCommand({ Scope: 'AWS' }));
    expect(all.Policies?.length).toBeGreaterThan(2);
  });

  it('attaches AWS managed policies to users and groups; refuses a MalformedPolicyDocument', async () => {
    await devAdmin.send(new CreateUserCommand({ UserName: 'erin' }));
    await devAdmin.send(new AttachUserPolicyCommand({ UserName: 'erin', PolicyArn: READ_ONLY }));
    expect(await failure(devAdmin.send(new DeleteUserCommand({ UserName: 'erin' })))).toMatchObject({
      message: 'Cannot delete entity, must detach all policies first.',
    });
    await devAdmin.send(new DetachUserPolicyCommand({ UserName: 'erin', PolicyArn: READ_ONLY }));
    await devAdmin.send(new DeleteUserCommand({ UserName: 'erin' }));
    await devAdmin.send(new CreateGroupCommand({ GroupName: 'auditors' }));
    await devAdmin.send(
      new AttachGroupPolicyCommand({ GroupName: 'auditors', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }),
    );
    await devAdmin.send(
      new DetachGroupPolicyCommand({ GroupName: 'auditors', PolicyArn: 'arn:aws:iam::aws:policy/SecurityAudit' }),
    );
    await devAdmin.send(new DeleteGroupCommand({ GroupName: 'auditors' }));
    const principal = await failure(
      devAdmin.send(
        new CreatePolicyCommand({
          PolicyName: 'p',
          PolicyDocument: doc({ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }),
        }),
      ),
    );
    expect(principal).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: 'Policy document should not specify a principal.',
    });
  });
});

describe('access keys', () => {
  it('creates at most two keys per user, returns the secret once and never records it', async () => {
    await devAdmin.send(new CreateUserCommand({ UserName: 'frank' }));
    const first = (await devAdmin.send(new CreateAccessKeyCommand({ UserName: 'frank' }))).AccessKey;
    expect(first).toMatchObject({ UserName: 'frank', Status: 'Active' });
    expect(first?.SecretAccessKey).toHaveLength(40);
    await devAdmin.send(new CreateAccessKeyCommand({ UserName: 'frank' }));
    expect(await failure(devAdmin.send(new CreateAccessKeyCommand({ UserName: 'frank' })))).toEqual({
      name: 'LimitExceededException',
      message: 'Cannot exceed quota for AccessKeysPerUser: 2',
      status: 409,
    });
    expect(JSON.stringify(trailOf(DEVELOPMENT))).not.toContain(first?.SecretAccessKey);
    const keyId = first?.AccessKeyId ?? '';
    const never = await devAdmin.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: keyId }));
    expect(never).toMatchObject({ UserName: 'frank', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
    expect(never.AccessKeyLastUsed?.LastUsedDate).toBeUndefined();

    // The new key authenticates (frank has no policy, so he is denied rather than unknown) until deactivated.
    const frank = iam({ accessKeyId: keyId, secretAccessKey: first?.SecretAccessKey ?? '' });
    expect((await failure(frank.send(new ListRolesCommand({})))).name).toBe('AccessDenied');
    await devAdmin.send(new UpdateAccessKeyCommand({ UserName: 'frank', AccessKeyId: keyId, Status: 'Inactive' }));
    expect((await failure(frank.send(new ListRolesCommand({})))).name).toBe('InvalidClientTokenId');
    const keys = (await devAdmin.send(new ListAccessKeysCommand({ UserName: 'frank' }))).AccessKeyMetadata ?? [];
    expect(keys.map((k) => k.Status).sort()).toEqual(['Active', 'Inactive']);
    expect(await failure(devAdmin.send(new DeleteUserCommand({ UserName: 'frank' })))).toMatchObject({
      message: 'Cannot delete entity, must delete access keys first.',
    });
    for (const k of keys)
      await devAdmin.send(new DeleteAccessKeyCommand({ UserName: 'frank', AccessKeyId: k.AccessKeyId }));
    await devAdmin.send(new DeleteUserCommand({ UserName: 'frank' }));
  });

  it("GetAccessKeyLastUsed shows bob's key moving after he calls", async () => {
    const bobKey = user(sb, 'bob').accessKeyId;
    const before = (await alice().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: bobKey }))).AccessKeyLastUsed;
    sb.advanceClock(60_000);
    await bob().send(new ListRolesCommand({}));
    const after = await alice().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: bobKey }));
    expect(after.UserName).toBe('bob');
    expect(after.AccessKeyLastUsed).toMatchObject({ ServiceName: 'iam', Region: 'us-east-1' });
    expect(after.AccessKeyLastUsed?.LastUsedDate?.getTime()).toBeGreaterThan(
      before?.LastUsedDate?.getTime() ?? Infinity,
    );
    expect(Math.abs((after.AccessKeyLastUsed?.LastUsedDate?.getTime() ?? 0) - sb.now())).toBeLessThan(5_000);
    expect(
      await failure(alice().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAUNKNOWNKEY000000' }))),
    ).toMatchObject({ name: 'NoSuchEntityException' });
  });
});

describe('virtual MFA devices', () => {
  it('enables a device only with two consecutive real codes', async () => {
    await devAdmin.send(new CreateUserCommand({ UserName: 'grace' }));
    const { VirtualMFADevice } = await devAdmin.send(
      new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'grace' }),
    );
    const serial = VirtualMFADevice?.SerialNumber ?? '';
    expect(serial).toBe(`arn:aws:iam::${DEVELOPMENT}:mfa/grace`);
    const secret = Buffer.from(VirtualMFADevice?.Base32StringSeed ?? new Uint8Array()).toString('utf8');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(JSON.stringify(trailOf(DEVELOPMENT))).not.toContain(secret);

    const now = sb.now();
    const [previous, current] = [totpFor(secret, now - 30_000), totpFor(secret, now)];
    const enable = (c1: string, c2: string) =>
      devAdmin.send(
        new EnableMFADeviceCommand({
          UserName: 'grace',
          SerialNumber: serial,
          AuthenticationCode1: c1,
          AuthenticationCode2: c2,
        }),
      );
    const wrong = current === '123456' ? '654321' : '123456';
    expect(await failure(enable(previous, wrong))).toEqual({
      name: 'InvalidAuthenticationCodeException',
      message: 'Authentication code for device is not valid.',
      status: 403,
    });
    expect((await failure(enable(current, previous))).name).toBe('InvalidAuthenticationCodeException');
    expect(
      (
        await devAdmin.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }))
      ).VirtualMFADevices?.map((d) => d.SerialNumber),
    ).toEqual([serial]);
    await enable(previous, current);

    expect(
      (await devAdmin.send(new ListMFADevicesCommand({ UserName: 'grace' }))).MFADevices?.map((d) => d.SerialNumber),
    ).toEqual([serial]);
    const assigned = await devAdmin.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(assigned.VirtualMFADevices?.[0]).toMatchObject({ SerialNumber: serial, User: { UserName: 'grace' } });
    expect(assigned.VirtualMFADevices?.[0]?.Base32StringSeed).toBeUndefined();
    expect(await failure(devAdmin.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })))).toMatchObject({
      name: 'DeleteConflictException',
    });
    expect(await failure(devAdmin.send(new DeleteUserCommand({ UserName: 'grace' })))).toMatchObject({
      name: 'DeleteConflictException',
    });
    await devAdmin.send(new DeactivateMFADeviceCommand({ UserName: 'grace', SerialNumber: serial }));
    await devAdmin.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }));
    await devAdmin.send(new DeleteUserCommand({ UserName: 'grace' }));
  });

  it("lists alice's device in the management account; a reader cannot create devices", async () => {
    expect((await alice().send(new ListMFADevicesCommand({}))).MFADevices?.map((d) => d.SerialNumber)).toEqual([
      `arn:aws:iam::${MANAGEMENT}:mfa/alice`,
    ]);
    expect((await failure(bob().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bob' })))).name).toBe(
      'AccessDenied',
    );
  });
});

describe('account', () => {
  it('sets an alias unique across accounts and summarizes the account', async () => {
    await devAdmin.send(new CreateAccountAliasCommand({ AccountAlias: 'crossbar-dev' }));
    expect((await devRead.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual(['crossbar-dev']);
    expect(
      await failure(prodAdmin.send(new CreateAccountAliasCommand({ AccountAlias: 'crossbar-dev' }))),
    ).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    expect((await failure(devRead.send(new CreateAccountAliasCommand({ AccountAlias: 'other' })))).name).toBe(
      'AccessDenied',
    );
    const { SummaryMap } = await alice().send(new GetAccountSummaryCommand({}));
    expect(SummaryMap).toMatchObject({
      Users: 2,
      Groups: 3,
      Roles: 2, // CrossbarHub and the ReadOnlyAccess permission set's AWSReservedSSO_ role
      Policies: 0,
      MFADevices: 1,
      MFADevicesInUse: 1,
      AccountMFAEnabled: 0,
    });
  });
});

describe('GetAccountAuthorizationDetails', () => {
  it('lists the unsafe production roles with trust documents that decode to JSON', async () => {
    const details = await prodRead.send(new GetAccountAuthorizationDetailsCommand({}));
    const byName = new Map(details.RoleDetailList?.map((r) => [r.RoleName, r]));
    expect(decode(byName.get('legacy-public-access')?.AssumeRolePolicyDocument)).toMatchObject({
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' } }],
    });
    expect(decode(byName.get('vendor-monitoring')?.AssumeRolePolicyDocument)).toMatchObject({
      Statement: [{ Principal: { AWS: 'arn:aws:iam::999999999999:root' } }],
    });
    expect(byName.get('vendor-monitoring')).toMatchObject({
      InstanceProfileList: [],
      RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }],
    });
    expect(details.Policies?.map((p) => p.PolicyName).sort()).toEqual(['AdministratorAccess', 'ReadOnlyAccess']);
    const readOnly = details.Policies?.find((p) => p.Arn === READ_ONLY);
    expect(readOnly?.AttachmentCount).toBe(4);
    expect(decode(readOnly?.PolicyVersionList?.[0]?.Document)).toMatchObject({ Statement: [{ Effect: 'Allow' }] });
  });

  it('filters by kind and paginates the whole sequence', async () => {
    const roles = await prodRead.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect(roles.RoleDetailList).toHaveLength(7);
    expect([roles.UserDetailList, roles.GroupDetailList, roles.Policies].map((l) => l?.length ?? 0)).toEqual([0, 0, 0]);
    const aws = await prodRead.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['AWSManagedPolicy'] }));
    expect(aws.Policies?.map((p) => p.Arn).sort()).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess', READ_ONLY]);
    let count = 0;
    for await (const page of paginateGetAccountAuthorizationDetails({ client: prodRead, pageSize: 2 }, {})) {
      count += (page.RoleDetailList?.length ?? 0) + (page.Policies?.length ?? 0);
    }
    expect(count).toBe(9);
  });

  it("describes the management account's people, groups and group policies", async () => {
    const details = await bob().send(new GetAccountAuthorizationDetailsCommand({}));
    const alice = details.UserDetailList?.find((u) => u.UserName === 'alice');
    expect(alice?.GroupList).toEqual(['development_administrator', 'production_administrator', 'readers']);
    const readers = details.GroupDetailList?.find((g) => g.GroupName === 'readers');
    expect(readers?.AttachedManagedPolicies).toEqual([{ PolicyName: 'ReadOnlyAccess', PolicyArn: READ_ONLY }]);
    expect(decode(readers?.GroupPolicyList?.[0]?.PolicyDocument)).toMatchObject({
      Statement: [{ Action: 'sts:AssumeRole' }],
    });
  });
});

describe('the AWS CLI', () => {
  const run = promisify(execFile);
  const awsCli = async (...args: string[]) => {
    const bobUser = user(sb, 'bob');
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      AWS_ACCESS_KEY_ID: bobUser.accessKeyId,
      AWS_SECRET_ACCESS_KEY: bobUser.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const { stdout } = await run('aws', ['--endpoint-url', sb.endpoint, '--output', 'json', 'iam', ...args], { env });
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  it('aws iam list-roles as bob decodes the trust documents', async () => {
    const out = await awsCli('list-roles');
    expect(out['Roles']).toEqual([
      expect.objectContaining({
        RoleName: expect.stringMatching(/^AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}$/),
        Path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
        AssumeRolePolicyDocument: expect.objectContaining({ Version: '2012-10-17' }),
      }),
      expect.objectContaining({
        RoleName: 'CrossbarHub',
        AssumeRolePolicyDocument: expect.objectContaining({ Version: '2012-10-17' }),
      }),
    ]);
  });

  it('aws iam get-account-authorization-details as bob', async () => {
    const out = await awsCli('get-account-authorization-details');
    expect((out['UserDetailList'] as { UserName: string }[]).map((u) => u.UserName)).toEqual(['alice', 'bob']);
    expect((out['GroupDetailList'] as unknown[]).length).toBe(3);
  });

  it('aws iam create-role as bob fails with AccessDenied', async () => {
    const err = await awsCli('create-role', '--role-name', 'x', '--assume-role-policy-document', TRUST).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((err as { stderr?: string }).stderr)).toContain(
      '(AccessDenied) when calling the CreateRole operation',
    );
  });
});

describe('outputs', () => {
  it('every handler output used only member names of the model', () => {
    expect(unknownKeys).toEqual([]);
  });
});
