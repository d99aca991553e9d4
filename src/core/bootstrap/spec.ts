import { formatArn, parseArn } from '../arn.js';
import type { Registry, RegistryAccount, RegistryRole } from '../config/registry.js';
import { CrossbarError } from '../errors.js';

/**
 * What `crossbar bootstrap` sets up, resolved from the registry: a role per configured access level in each
 * target account, trusting the source's specific principals, and in the source account one group per level
 * allowed to assume exactly those roles. Pure: every format and `--apply` start from this.
 */
export type AccessLevel = 'readonly' | 'admin';

export const MANAGED_POLICY: Record<AccessLevel, string> = {
  readonly: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  admin: 'arn:aws:iam::aws:policy/AdministratorAccess',
};

export interface BootstrapRole {
  accountId: string;
  accountName: string;
  /** The role key in crossbar.yaml (admin, or the default role's name). */
  key: string;
  name: string;
  arn: string;
  level: AccessLevel;
  managedPolicyArn: string;
  mfa: boolean;
  externalId?: string;
}

export interface BootstrapGroup {
  level: AccessLevel;
  name: string;
  /** The roles this group may assume, in every target account. */
  roleArns: string[];
  /** Users (`--add-user`) put in the group. */
  users: string[];
}

export interface BootstrapSpec {
  sourceAccountId: string;
  partition: string;
  /** The principals every role trusts: users or roles of the source account, never `*`. */
  principals: string[];
  roles: BootstrapRole[];
  groups: BootstrapGroup[];
  /** Configured roles bootstrap leaves alone, and why (a chained role, an unknown access level). */
  skipped: { account: string; role: string; reason: string }[];
}

export interface SpecOptions {
  accounts: readonly RegistryAccount[];
  /** `--principal ARN`…, else the source identity (an assumed-role ARN becomes its role's ARN). */
  principals: readonly string[];
  /** `--trust-root`: also trust the source account's root (any principal its IAM policies allow). */
  trustRoot?: boolean;
  /** `--add-user NAME` (every group) or `NAME:LEVEL` (one group)… */
  addUsers?: readonly string[];
  groupPrefix?: string;
}

/** An assumed-role session ARN names a session; a trust policy must name the role itself. */
export function principalFromCaller(callerArn: string): string {
  const arn = parseArn(callerArn);
  if (arn.service === 'sts' && arn.resourceType === 'assumed-role') {
    const roleName = arn.resource.split('/')[1] ?? '';
    return formatArn({
      partition: arn.partition,
      service: 'iam',
      accountId: arn.accountId,
      resource: `role/${roleName}`,
    });
  }
  return callerArn;
}

function checkPrincipal(text: string): { accountId: string; partition: string } {
  if (text.trim() === '*') {
    throw new CrossbarError('USAGE', 'A bootstrap role never trusts "*"', {
      hint: 'Pass the ARN of a user or role of the source account with --principal',
    });
  }
  const arn = parseArn(text);
  if (arn.service !== 'iam' || !['user', 'role'].includes(arn.resourceType)) {
    throw new CrossbarError('USAGE', `--principal ${text} is not an IAM user or role ARN`, {
      hint: 'Use arn:aws:iam::111111111111:user/alice or arn:aws:iam::111111111111:role/Name; for the account root use --trust-root',
    });
  }
  return { accountId: arn.accountId, partition: arn.partition };
}

/** The default role is read-only; any other role is admin when its key or name says so. */
function levelOf(account: RegistryAccount, role: RegistryRole): AccessLevel | undefined {
  if (role === account.defaultRole) return 'readonly';
  const words = `${role.key} ${role.name}`.toLowerCase();
  if (/admin/.test(words)) return 'admin';
  if (/read/.test(words)) return 'readonly';
  return undefined;
}

function bootstrapRole(account: RegistryAccount, role: RegistryRole, level: AccessLevel): BootstrapRole {
  return {
    accountId: account.id,
    accountName: account.name,
    key: role.key,
    name: role.name,
    arn: role.arn,
    level,
    managedPolicyArn: MANAGED_POLICY[level],
    mfa: role.mfa === 'required',
    ...(role.externalId ? { externalId: role.externalId } : {}),
  };
}

function usersFor(addUsers: readonly string[], level: AccessLevel): string[] {
  const users = addUsers.flatMap((entry) => {
    const [name = '', only] = entry.split(':');
    if (only !== undefined && only !== 'readonly' && only !== 'admin') {
      throw new CrossbarError('USAGE', `--add-user ${entry}: the level must be readonly or admin`, {
        hint: 'Use --add-user NAME for every group, or NAME:readonly / NAME:admin',
      });
    }
    return only === undefined || only === level ? [name] : [];
  });
  return [...new Set(users)];
}

export function resolveBootstrapSpec(registry: Registry, options: SpecOptions): BootstrapSpec {
  if (options.principals.length === 0)
    throw new CrossbarError('USAGE', 'bootstrap needs at least one principal to trust', {
      hint: 'Pass --principal ARN',
    });
  const parsed = options.principals.map(checkPrincipal);
  const first = parsed[0];
  if (!first) throw new CrossbarError('USAGE', 'bootstrap needs at least one principal to trust');
  const others = parsed.filter((p) => p.accountId !== first.accountId);
  if (others.length > 0) {
    throw new CrossbarError(
      'USAGE',
      `The principals are in more than one account (${[first.accountId, ...others.map((o) => o.accountId)].join(', ')})`,
      {
        hint: 'Bootstrap trusts one source account; run it once per source',
      },
    );
  }
  const principals = [...new Set(options.principals)];
  if (options.trustRoot)
    principals.push(
      formatArn({ partition: first.partition, service: 'iam', accountId: first.accountId, resource: 'root' }),
    );
  const roles: BootstrapRole[] = [];
  const skipped: BootstrapSpec['skipped'] = [];
  for (const account of options.accounts) {
    for (const role of account.roles) {
      const level = levelOf(account, role);
      const inAccount = parseArn(role.arn).accountId === account.id;
      if (role.implicit === true && account.id === first.accountId)
        skipped.push({
          account: account.name,
          role: role.key,
          reason: "the source's own account: reached with the source identity, no role needed",
        });
      else if (role.via !== undefined)
        skipped.push({
          account: account.name,
          role: role.key,
          reason: 'a chained role (via): it trusts another role, not the source',
        });
      else if (!inAccount)
        skipped.push({ account: account.name, role: role.key, reason: `its ARN ${role.arn} is in another account` });
      else if (level === undefined)
        skipped.push({
          account: account.name,
          role: role.key,
          reason: 'no access level: name it read-only (read…) or admin (admin…)',
        });
      else roles.push(bootstrapRole(account, role, level));
    }
  }
  const prefix = options.groupPrefix ?? 'crossbar';
  const levels: AccessLevel[] = ['readonly', 'admin'];
  const groups = levels.flatMap((level): BootstrapGroup[] => {
    const arns = roles.filter((r) => r.level === level).map((r) => r.arn);
    return arns.length === 0
      ? []
      : [{ level, name: `${prefix}-${level}`, roleArns: arns, users: usersFor(options.addUsers ?? [], level) }];
  });
  return { sourceAccountId: first.accountId, partition: first.partition, principals, roles, groups, skipped };
}
