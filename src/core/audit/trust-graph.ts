import { isArn, parseArn } from '../arn.js';
import type { ConditionBlock, PolicyStatement } from '../policy/index.js';
import { matchesWildcard } from '../policy/wildcard.js';
import type {
  CollectedAccount,
  EdgeConditions,
  OrgView,
  PrincipalKind,
  TrustEdge,
  TrustGraph,
  TrustedPrincipal,
} from './types.js';

/**
 * The cross-account trust graph: every principal a role's trust policy allows to assume it, as an edge
 * principal → role → account, classified (same account, organization, registry, foreign, service, federated,
 * public) and with the conditions that guard the edge. Pure: built from what was collected.
 */

const ASSUME_ACTIONS = ['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity'];

/** The assume actions a statement's Action list allows (`sts:*`, `*` and `sts:AssumeRole*` included). */
export function assumeActionsOf(statement: PolicyStatement): string[] {
  if (statement.Action === undefined) {
    // NotAction: everything not listed, which for a trust policy means every assume action not excluded.
    const excluded = statement.NotAction ?? [];
    return ASSUME_ACTIONS.filter((a) => !excluded.some((pattern) => matchesWildcard(pattern, a, true)));
  }
  const patterns = statement.Action;
  return ASSUME_ACTIONS.filter((a) => patterns.some((pattern) => matchesWildcard(pattern, a, true)));
}

function hasKey(block: ConditionBlock, key: string, accept?: (operator: string, values: string[]) => boolean): boolean {
  const wanted = key.toLowerCase();
  return Object.entries(block).some(([operator, keys]) =>
    Object.entries(keys).some(
      ([k, values]) => k.toLowerCase() === wanted && (accept ? accept(operator, values) : true),
    ),
  );
}

/** IAM condition keys are case-insensitive; an MFA condition is `aws:MultiFactorAuthPresent` true or an age bound. */
export function summarizeConditions(block: ConditionBlock | undefined): EdgeConditions {
  const raw = block ?? {};
  const mfaPresent = hasKey(
    raw,
    'aws:MultiFactorAuthPresent',
    (op, values) => op.startsWith('Bool') && values.every((v) => v.toLowerCase() === 'true'),
  );
  const mfaAge = hasKey(raw, 'aws:MultiFactorAuthAge', (op) => op.startsWith('NumericLess'));
  return {
    raw,
    externalId: hasKey(raw, 'sts:ExternalId', (op) => !op.startsWith('Null')),
    mfa: mfaPresent || mfaAge,
    principalOrg: hasKey(raw, 'aws:PrincipalOrgID') || hasKey(raw, 'aws:PrincipalOrgPaths'),
    sourceAccount: hasKey(raw, 'aws:SourceAccount') || hasKey(raw, 'aws:SourceOrgID'),
    sourceArn: hasKey(raw, 'aws:SourceArn'),
  };
}

/** What the graph needs of the registry: which account ids it knows. */
export interface RegistryIds {
  accounts: readonly { id: string }[];
}

export interface Classifier {
  classify(
    raw: string,
    type: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | '*',
    roleAccountId: string,
  ): TrustedPrincipal;
}

export function createClassifier(registry: RegistryIds, org: OrgView): Classifier {
  const registryIds = new Set(registry.accounts.map((a) => a.id));
  const accountKind = (accountId: string, roleAccountId: string): PrincipalKind => {
    if (accountId === roleAccountId) return 'same-account';
    if (org.accountIds.has(accountId) || org.managementAccountId === accountId) return 'organization';
    if (registryIds.has(accountId)) return 'registry';
    return 'foreign';
  };
  return {
    classify(raw, type, roleAccountId) {
      if (type === '*' || raw === '*') return { id: raw, kind: 'public' };
      if (type === 'Service') return { id: raw, kind: 'service' };
      if (type === 'Federated') return { id: raw, kind: 'federated' };
      if (type === 'CanonicalUser') return { id: raw, kind: 'foreign' };
      // A bare account id is that account's root.
      const arn = /^\d{12}$/.test(raw) ? `arn:aws:iam::${raw}:root` : raw;
      if (!isArn(arn)) return { id: raw, kind: 'foreign' };
      const parsed = parseArn(arn);
      const typeName = parsed.resourceType === '' ? parsed.resource : parsed.resourceType;
      return {
        id: raw,
        arn,
        kind: accountKind(parsed.accountId, roleAccountId),
        accountId: parsed.accountId,
        type: typeName,
      };
    },
  };
}

function principalsOf(
  statement: PolicyStatement,
): { raw: string; type: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' | '*' }[] {
  const principal = statement.Principal;
  if (principal === undefined) return [];
  if (principal === '*') return [{ raw: '*', type: '*' }];
  const out: { raw: string; type: 'AWS' | 'Service' | 'Federated' | 'CanonicalUser' }[] = [];
  for (const type of ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const)
    for (const raw of principal[type] ?? []) out.push({ raw, type });
  return out;
}

export function buildTrustGraph(
  collected: readonly CollectedAccount[],
  registry: RegistryIds,
  org: OrgView,
): TrustGraph {
  const classifier = createClassifier(registry, org);
  const edges: TrustEdge[] = [];
  for (const account of collected) {
    for (const role of account.roles) {
      for (const statement of role.trust?.Statement ?? []) {
        if (statement.Effect !== 'Allow') continue;
        const actions = assumeActionsOf(statement);
        if (actions.length === 0) continue;
        const conditions = summarizeConditions(statement.Condition);
        for (const { raw, type } of principalsOf(statement)) {
          edges.push({
            principal: classifier.classify(raw, type, account.accountId),
            roleArn: role.arn,
            roleName: role.name,
            accountId: account.accountId,
            conditions,
            actions,
            statement,
          });
        }
      }
    }
  }
  return { edges };
}

/** The organization as far as the audit can tell: the management account and every account that said it belongs. */
export function orgViewOf(collected: readonly CollectedAccount[]): OrgView {
  const answered = collected.find((a) => a.organization !== undefined)?.organization;
  const ids = new Set<string>();
  if (answered) {
    ids.add(answered.managementAccountId);
    for (const a of collected) if (a.organization?.id === answered.id) ids.add(a.accountId);
  }
  return { id: answered?.id, managementAccountId: answered?.managementAccountId, accountIds: ids };
}
