import type { HandlerContext } from '../../service.js';
import {
  alreadyExists,
  iamOf,
  noSuchEntity,
  pageOut,
  paginate,
  recordWrite,
  required,
  validationError,
  type IamOperation,
} from './common.js';
import { awsManagedViews } from './policy-view.js';

type Input = Record<string, unknown>;

const ALIAS_RE = /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

function aliasOf(input: Input): string {
  const alias = required(input, 'AccountAlias');
  if (!ALIAS_RE.test(alias)) {
    throw validationError(
      `1 validation error detected: Value '${alias}' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`,
    );
  }
  return alias;
}

function listAccountAliases(ctx: HandlerContext, input: Input) {
  return pageOut('AccountAliases', paginate(iamOf(ctx).iam.aliases, input));
}

/** Aliases are unique across AWS; an account has at most one, and a new one replaces the old (IAM User Guide). */
function createAccountAlias(ctx: HandlerContext, input: Input) {
  const alias = aliasOf(input);
  const account = iamOf(ctx);
  const owner = Object.values(ctx.world.accounts).find((a) => a.iam.aliases.includes(alias));
  if (owner && owner.id !== account.id) throw alreadyExists(`The account alias ${alias} already exists.`);
  account.iam.aliases = [alias];
  recordWrite(ctx, input);
  return {};
}

function deleteAccountAlias(ctx: HandlerContext, input: Input) {
  const alias = required(input, 'AccountAlias');
  const account = iamOf(ctx);
  if (!account.iam.aliases.includes(alias)) throw noSuchEntity(`The account alias ${alias} cannot be found.`);
  account.iam.aliases = account.iam.aliases.filter((a) => a !== alias);
  recordWrite(ctx, input);
  return {};
}

/** Counts of the account's IAM entities and IAM's default quotas, as GetAccountSummary reports them. */
function getAccountSummary(ctx: HandlerContext) {
  const { iam } = iamOf(ctx);
  const devices = Object.values(iam.mfaDevices);
  const attachedAws = new Set(
    [...Object.values(iam.users), ...Object.values(iam.groups), ...Object.values(iam.roles)].flatMap(
      (e) => e.attachedPolicies,
    ),
  );
  const policyVersionsInUse =
    Object.values(iam.policies).reduce((n, p) => n + Object.keys(p.versions).length, 0) +
    awsManagedViews().filter((p) => attachedAws.has(p.arn)).length;
  return {
    SummaryMap: {
      Users: Object.keys(iam.users).length,
      UsersQuota: 5000,
      Groups: Object.keys(iam.groups).length,
      GroupsQuota: 300,
      Roles: Object.keys(iam.roles).length,
      RolesQuota: 1000,
      Policies: Object.keys(iam.policies).length,
      PoliciesQuota: 1500,
      PolicyVersionsInUse: policyVersionsInUse,
      PolicyVersionsInUseQuota: 10_000,
      VersionsPerPolicyQuota: 5,
      MFADevices: devices.length,
      MFADevicesInUse: devices.filter((d) => d.userName !== undefined).length,
      // The sandbox's account roots have no MFA device and no access keys.
      AccountMFAEnabled: 0,
      AccountAccessKeysPresent: 0,
      AccessKeysPerUserQuota: 2,
      GroupsPerUserQuota: 10,
      AttachedPoliciesPerUserQuota: 10,
      AttachedPoliciesPerGroupQuota: 10,
      AttachedPoliciesPerRoleQuota: 10,
      UserPolicySizeQuota: 2048,
      GroupPolicySizeQuota: 5120,
      RolePolicySizeQuota: 10_240,
      PolicySizeQuota: 6144,
      AssumeRolePolicySizeQuota: 2048,
    },
  };
}

export const accountOperations: Record<string, IamOperation> = {
  ListAccountAliases: listAccountAliases,
  CreateAccountAlias: createAccountAlias,
  DeleteAccountAlias: deleteAccountAlias,
  GetAccountSummary: getAccountSummary,
};
