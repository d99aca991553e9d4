import {
  evaluateIdentityPolicies,
  evaluateTrustPolicy,
  type ConditionContext,
  type PolicyDocument,
  type RequestPrincipal,
} from '../policy/index.js';
import type { CollectedAccount, EdgeConditions, OrgView, PrincipalKind, TrustEdge, TrustGraph } from './types.js';

/**
 * `audit who-can ROLE`: every principal that can reach a role, and under which conditions. Both halves of
 * AssumeRole are checked, as AWS does: the role's trust policy must allow the principal (evaluated, not
 * pattern-matched), and a principal in another account (or trusted only through its account's root) also
 * needs an identity policy allowing sts:AssumeRole on the role. Principals of accounts the audit did not read
 * (foreign, public, services) are listed from the trust graph with what is known.
 */
export interface WhoCanEntry {
  principal: string;
  kind: PrincipalKind;
  /** `group production_administrator`, `user policy x`, `trust policy` … */
  via: string[];
  /** What the caller must bring: MFA, an ExternalId, membership of the organization, a source ARN … */
  needs: string[];
  can: boolean;
  /** Why not (can = false), or what is unknown. */
  reason?: string;
}

export interface WhoCanResult {
  roleArn: string;
  accountId: string;
  entries: WhoCanEntry[];
}

const ACTION = 'sts:AssumeRole';

function needsOf(c: EdgeConditions): string[] {
  return [
    ...(c.mfa ? ['MFA'] : []),
    ...(c.externalId ? ['ExternalId'] : []),
    ...(c.principalOrg ? ['organization membership'] : []),
    ...(c.sourceAccount ? ['SourceAccount'] : []),
    ...(c.sourceArn ? ['SourceArn'] : []),
  ];
}

/** The request context that satisfies what the trust policy asks for, so that only the principal decides. */
function fullContext(trust: PolicyDocument, org: OrgView, principal: RequestPrincipal): ConditionContext {
  const externalIds = trust.Statement.flatMap((s) =>
    Object.values(s.Condition ?? {}).flatMap((keys) =>
      Object.entries(keys)
        .filter(([k]) => k.toLowerCase() === 'sts:externalid')
        .flatMap(([, v]) => v),
    ),
  );
  return {
    'aws:MultiFactorAuthPresent': 'true',
    'aws:MultiFactorAuthAge': '0',
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalArn': principal.roleArn ?? principal.arn,
    ...(externalIds[0] === undefined ? {} : { 'sts:ExternalId': externalIds[0] }),
    ...(org.id === undefined ? {} : { 'aws:PrincipalOrgID': org.id }),
  };
}

interface Candidate {
  principal: RequestPrincipal;
  display: string;
  /** Identity policies by where they come from. */
  sources: { via: string; documents: PolicyDocument[] }[];
}

function candidatesOf(account: CollectedAccount): Candidate[] {
  const managed = (arns: string[]) =>
    arns.map((arn) => account.policies[arn]?.document).filter((d): d is PolicyDocument => d !== undefined);
  const inline = (list: { document: PolicyDocument | undefined }[]) =>
    list.map((p) => p.document).filter((d): d is PolicyDocument => d !== undefined);
  const users = account.users.map((u): Candidate => ({
    principal: { arn: u.arn, accountId: account.accountId, type: 'user' },
    display: u.arn,
    sources: [
      { via: `user ${u.name}`, documents: [...inline(u.inline), ...managed(u.attached)] },
      ...u.groups
        .map((name) => account.groups.find((g) => g.name === name))
        .filter((g) => g !== undefined)
        .map((g) => ({ via: `group ${g.name}`, documents: [...inline(g.inline), ...managed(g.attached)] })),
    ],
  }));
  const roles = account.roles.map((r): Candidate => ({
    principal: {
      arn: `arn:aws:sts::${account.accountId}:assumed-role/${r.name}/session`,
      accountId: account.accountId,
      type: 'assumed-role',
      roleArn: r.arn,
    },
    display: r.arn,
    sources: [{ via: `role ${r.name}`, documents: [...inline(r.inline), ...managed(r.attached)] }],
  }));
  return [...users, ...roles];
}

function kindOf(accountId: string, roleAccountId: string, org: OrgView): PrincipalKind {
  if (accountId === roleAccountId) return 'same-account';
  return org.accountIds.has(accountId) ? 'organization' : 'registry';
}

function judge(
  candidate: Candidate,
  trust: PolicyDocument,
  roleArn: string,
  roleAccountId: string,
  edges: TrustEdge[],
  org: OrgView,
): WhoCanEntry | undefined {
  const context = fullContext(trust, org, candidate.principal);
  const trusted = evaluateTrustPolicy(trust, { action: ACTION, principal: candidate.principal, context });
  if (trusted.decision !== 'allow') return undefined;
  const named = edges.find((e) => e.principal.arn === (candidate.principal.roleArn ?? candidate.principal.arn));
  const edge = named ?? edges.find((e) => e.principal.accountId === candidate.principal.accountId);
  const needs = edge ? needsOf(edge.conditions) : [];
  const kind = kindOf(candidate.principal.accountId, roleAccountId, org);
  // A same-account principal named in the trust policy needs no identity policy; everyone else does.
  if (named && kind === 'same-account')
    return { principal: candidate.display, kind, via: ['trust policy'], needs, can: true };
  const via = candidate.sources
    .filter(
      (s) => evaluateIdentityPolicies(s.documents, { action: ACTION, resource: roleArn, context }).decision === 'allow',
    )
    .map((s) => s.via);
  const all = candidate.sources.flatMap((s) => s.documents);
  const decision = evaluateIdentityPolicies(all, { action: ACTION, resource: roleArn, context });
  if (decision.decision !== 'allow')
    return {
      principal: candidate.display,
      kind,
      via: [],
      needs,
      can: false,
      reason: `no identity policy allows ${ACTION} on the role (${decision.reason})`,
    };
  return { principal: candidate.display, kind, via, needs, can: true };
}

export function whoCan(
  roleArn: string,
  collected: readonly CollectedAccount[],
  graph: TrustGraph,
  org: OrgView,
): WhoCanResult | undefined {
  const owner = collected.find((a) => a.roles.some((r) => r.arn === roleArn));
  const role = owner?.roles.find((r) => r.arn === roleArn);
  if (!owner || !role?.trust) return undefined;
  const trust = role.trust;
  const edges = graph.edges.filter((e) => e.roleArn === roleArn);
  const entries: WhoCanEntry[] = [];
  const readIds = new Set(collected.map((a) => a.accountId));
  for (const account of collected)
    for (const c of candidatesOf(account)) {
      const entry = judge(c, trust, roleArn, owner.accountId, edges, org);
      if (entry) entries.push(entry);
    }
  // What the audit cannot see into: principals outside the accounts it read.
  for (const edge of edges) {
    if (edge.principal.accountId !== undefined && readIds.has(edge.principal.accountId)) continue;
    const unknownSide =
      edge.principal.kind === 'service' || edge.principal.kind === 'federated'
        ? 'the service or identity provider decides'
        : 'their identity policies are outside the audited accounts';
    entries.push({
      principal: edge.principal.id,
      kind: edge.principal.kind,
      via: ['trust policy'],
      needs: needsOf(edge.conditions),
      can: true,
      reason: unknownSide,
    });
  }
  return { roleArn, accountId: owner.accountId, entries };
}
