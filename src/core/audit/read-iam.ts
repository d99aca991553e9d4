import { parsePolicyDocument, type PolicyDocument, type PolicyKind } from '../policy/index.js';
import type { IamGroupInfo, IamRoleInfo, IamUserInfo, ManagedPolicyInfo, NamedPolicy } from './types.js';

/**
 * GetAccountAuthorizationDetails' merged answer narrowed into the audit's types. The SDK hands back plain
 * objects (loaded by name at run time), so each field is checked here, once, at the edge.
 */
type Item = Record<string, unknown>;

export function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function items(value: unknown): Item[] {
  return Array.isArray(value) ? value.filter(isItem) : [];
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Dates arrive as Date objects from the SDK (strings from JSON fixtures): epoch ms either way. */
export function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** A document that does not parse becomes undefined: the rules then treat the entity as unreadable, not as safe. */
export function policyOf(value: unknown, kind: PolicyKind): PolicyDocument | undefined {
  const raw = text(value);
  if (raw === undefined) return undefined;
  try {
    return parsePolicyDocument(raw, { kind });
  } catch {
    return undefined;
  }
}

function inline(value: unknown): NamedPolicy[] {
  return items(value).map((p) => ({
    name: text(p['PolicyName']) ?? '?',
    document: policyOf(p['PolicyDocument'], 'identity'),
  }));
}

function attached(value: unknown): string[] {
  return items(value)
    .map((p) => text(p['PolicyArn']))
    .filter((arn): arn is string => arn !== undefined);
}

export function readUsers(details: Item): Omit<IamUserInfo, 'mfaDevices' | 'accessKeys' | 'passwordLastUsed'>[] {
  return items(details['UserDetailList']).flatMap((u) => {
    const arn = text(u['Arn']);
    const name = text(u['UserName']);
    if (arn === undefined || name === undefined) return [];
    return [
      {
        arn,
        name,
        createDate: epochMs(u['CreateDate']),
        groups: strings(u['GroupList']),
        inline: inline(u['UserPolicyList']),
        attached: attached(u['AttachedManagedPolicies']),
      },
    ];
  });
}

export function readGroups(details: Item): IamGroupInfo[] {
  return items(details['GroupDetailList']).flatMap((g) => {
    const arn = text(g['Arn']);
    const name = text(g['GroupName']);
    if (arn === undefined || name === undefined) return [];
    return [{ arn, name, inline: inline(g['GroupPolicyList']), attached: attached(g['AttachedManagedPolicies']) }];
  });
}

export function readRoles(details: Item): IamRoleInfo[] {
  return items(details['RoleDetailList']).flatMap((r) => {
    const arn = text(r['Arn']);
    const name = text(r['RoleName']);
    if (arn === undefined || name === undefined) return [];
    const lastUsed = isItem(r['RoleLastUsed']) ? epochMs(r['RoleLastUsed']['LastUsedDate']) : undefined;
    return [
      {
        arn,
        name,
        path: text(r['Path']) ?? '/',
        createDate: epochMs(r['CreateDate']),
        trust: policyOf(r['AssumeRolePolicyDocument'], 'trust'),
        inline: inline(r['RolePolicyList']),
        attached: attached(r['AttachedManagedPolicies']),
        lastUsed,
      },
    ];
  });
}

export function readPolicies(details: Item): Record<string, ManagedPolicyInfo> {
  const out: Record<string, ManagedPolicyInfo> = {};
  for (const p of items(details['Policies'])) {
    const arn = text(p['Arn']);
    if (arn === undefined) continue;
    const current = items(p['PolicyVersionList']).find((v) => v['IsDefaultVersion'] === true);
    out[arn] = { arn, name: text(p['PolicyName']) ?? arn, document: policyOf(current?.['Document'], 'identity') };
  }
  return out;
}
