import type { PolicyDocument } from '../policy/index.js';
import type {
  AcceptedException,
  CollectedAccount,
  Finding,
  IamRoleInfo,
  OrgView,
  Severity,
  TrustEdge,
  TrustGraph,
} from './types.js';

/**
 * The audit's rules over the collected IAM and the trust graph. Each rule is a small function returning
 * findings; the ids are stable (SARIF rule ids, `--fail-on`, suppressions later).
 *
 * One deliberate exception: OrganizationAccountAccessRole trusting exactly the management account's root is what
 * AWS Organizations creates in every member it makes. The management account can already do anything in its
 * members, so flagging it would only train people to ignore the audit; it is reported as an accepted exception
 * (visible in every output format), not as a finding. Any other principal on that role is judged as usual.
 */
export const DAY_MS = 86_400_000;
export const STALE_DAYS = 90;

export interface RuleInfo {
  id: string;
  name: string;
  title: string;
  fix: string;
}

export const RULES = {
  wildcard: {
    id: 'XB001',
    name: 'wildcard-principal',
    title: 'Role trusts any principal (*)',
    fix: 'Replace "*" with the specific principal ARNs that need the role, or add an aws:PrincipalOrgID condition.',
  },
  root: {
    id: 'XB002',
    name: 'account-root-trusted',
    title: 'Role trusts a whole account (root) where a specific principal would do',
    fix: 'Trust the specific users or roles (e.g. arn:aws:iam::ACCOUNT:role/NAME) instead of :root (seed 000).',
  },
  foreign: {
    id: 'XB003',
    name: 'foreign-without-external-id',
    title: 'Role trusts an account outside the organization without an ExternalId',
    fix: 'Add a Condition StringEquals sts:ExternalId with a secret agreed with the third party.',
  },
  humanMfa: {
    id: 'XB004',
    name: 'human-role-without-mfa',
    title: 'Role assumable by people without an MFA condition',
    fix: 'Add Condition Bool aws:MultiFactorAuthPresent "true" to the trust statement.',
  },
  admin: {
    id: 'XB005',
    name: 'admin-cross-account',
    title: 'Administrator access on a cross-account role',
    fix: 'Attach ReadOnlyAccess (or a scoped policy) and keep admin for a separate role with MFA and a confirm step (seed 002).',
  },
  service: {
    id: 'XB006',
    name: 'service-without-source',
    title: 'Service principal trusted without aws:SourceAccount or aws:SourceArn',
    fix: 'Add Condition StringEquals aws:SourceAccount (or ArnLike aws:SourceArn) to prevent the confused deputy.',
  },
  userMfa: {
    id: 'XB007',
    name: 'user-without-mfa',
    title: 'IAM user with credentials and no MFA device',
    fix: 'Enable an MFA device for the user, or remove its access keys and console password.',
  },
  keyOld: {
    id: 'XB008',
    name: 'access-key-old',
    title: `Access key older than ${STALE_DAYS} days`,
    fix: 'Rotate it: `crossbar rotate [SOURCE]` when it is the key of a crossbar source (creates the new key, proves it, writes it over the old one in the credentials file, deletes the old one); elsewhere create a new key, switch its users over, then deactivate and delete the old one.',
  },
  keyUnused: {
    id: 'XB009',
    name: 'access-key-unused',
    title: `Access key unused for ${STALE_DAYS} days`,
    fix: 'Deactivate and delete the key if nothing uses it.',
  },
  roleUnused: {
    id: 'XB010',
    name: 'role-unused',
    title: `Role unused for ${STALE_DAYS} days`,
    fix: 'Delete the role if nothing needs it, or record why it is kept (break-glass).',
  },
  localDefault: {
    id: 'XB011',
    name: 'local-default-keys',
    title: 'Long-lived keys in the [default] profile of the local credentials file',
    fix: 'Move the keys to a named profile (or better, SSO or crossbar credential-process) so nothing uses them by accident (seed 004).',
  },
} as const satisfies Record<string, RuleInfo>;

export const RULE_LIST: readonly RuleInfo[] = Object.values(RULES);

const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;
const OAAR = 'OrganizationAccountAccessRole';
const CROSS_ACCOUNT = new Set(['organization', 'registry', 'foreign', 'public']);
const OWN = new Set(['same-account', 'organization', 'registry']);

export interface RuleInput {
  collected: readonly CollectedAccount[];
  graph: TrustGraph;
  org: OrgView;
}

export interface RuleOutput {
  findings: Finding[];
  exceptions: AcceptedException[];
}

function documentsOf(account: CollectedAccount, role: IamRoleInfo): PolicyDocument[] {
  const managed = role.attached.map((arn) => account.policies[arn]?.document);
  return [...managed, ...role.inline.map((p) => p.document)].filter((d): d is PolicyDocument => d !== undefined);
}

/** AdministratorAccess by name, or any unconditioned Allow of Action * on Resource *. */
export function isAdminRole(account: CollectedAccount, role: IamRoleInfo): boolean {
  if (role.attached.some((arn) => ADMIN_POLICY.test(arn))) return true;
  return documentsOf(account, role).some((doc) =>
    doc.Statement.some(
      (s) =>
        s.Effect === 'Allow' &&
        (s.Action ?? []).includes('*') &&
        (s.Resource ?? []).includes('*') &&
        s.Condition === undefined,
    ),
  );
}

function statementEvidence(edge: TrustEdge): string {
  return JSON.stringify(edge.statement);
}

function isOrgDefault(edge: TrustEdge, org: OrgView): boolean {
  return (
    edge.roleName === OAAR &&
    org.managementAccountId !== undefined &&
    edge.principal.arn === `arn:aws:iam::${org.managementAccountId}:root`
  );
}

function edgeFindings(edge: TrustEdge, account: CollectedAccount, role: IamRoleInfo, admin: boolean): Finding[] {
  const out: Finding[] = [];
  const make = (rule: RuleInfo, severity: Severity, detail: string): Finding => ({
    id: rule.id,
    rule: rule.name,
    severity,
    accountId: account.accountId,
    accountName: account.name,
    resource: role.arn,
    title: `${rule.title}: ${detail}`,
    evidence: statementEvidence(edge),
    fix: rule.fix,
  });
  const { principal, conditions } = edge;
  if (principal.kind === 'public' && !conditions.principalOrg)
    out.push(make(RULES.wildcard, 'critical', `${role.name} trusts "*"`));
  if (principal.type === 'root' && OWN.has(principal.kind))
    out.push(
      make(RULES.root, conditions.mfa ? 'low' : 'medium', `${role.name} trusts ${principal.arn ?? principal.id}`),
    );
  if (principal.kind === 'foreign' && !conditions.externalId && !conditions.principalOrg)
    out.push(make(RULES.foreign, 'high', `${role.name} trusts ${principal.id}`));
  if ((principal.type === 'root' || principal.type === 'user') && OWN.has(principal.kind) && !conditions.mfa) {
    out.push(
      make(RULES.humanMfa, admin ? 'high' : 'low', `${role.name} trusts ${principal.arn ?? principal.id} without MFA`),
    );
  }
  if (principal.kind === 'service' && !conditions.sourceAccount && !conditions.sourceArn)
    out.push(make(RULES.service, 'low', `${role.name} trusts ${principal.id}`));
  return out;
}

/**
 * One finding per rule and role: a role trusting alice and bob without MFA is one problem with one fix. The
 * titles name every principal; the evidence keeps each statement; the worst severity wins.
 */
function mergeByRule(findings: Finding[]): Finding[] {
  const byId = new Map<string, Finding[]>();
  for (const f of findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  return [...byId.values()]
    .map((group) => {
      const [first, ...rest] = group;
      if (!first || rest.length === 0) return first;
      const worst = group.reduce((a, b) => (RANK[b.severity] < RANK[a.severity] ? b : a));
      const details = group.map((f) => f.title.slice(f.title.indexOf(': ') + 2));
      const evidence = [...new Set(group.map((f) => f.evidence))];
      return {
        ...first,
        severity: worst.severity,
        title: `${first.title.slice(0, first.title.indexOf(': '))}: ${details.join('; ')}`,
        evidence: evidence.length === 1 ? (evidence[0] ?? '') : `[${evidence.join(',')}]`,
      };
    })
    .filter((f): f is Finding => f !== undefined);
}

function roleFindings(
  account: CollectedAccount,
  role: IamRoleInfo,
  graph: TrustGraph,
  org: OrgView,
  exceptions: AcceptedException[],
): Finding[] {
  const edges = graph.edges.filter((e) => e.roleArn === role.arn);
  const judged = edges.filter((e) => !isOrgDefault(e, org));
  if (judged.length < edges.length)
    exceptions.push({
      rule: 'organization-default-role',
      accountId: account.accountId,
      resource: role.arn,
      why: 'OrganizationAccountAccessRole trusting the management account root is the role AWS Organizations creates; accepted',
    });
  const admin = isAdminRole(account, role);
  const out = mergeByRule(judged.flatMap((e) => edgeFindings(e, account, role, admin)));
  const cross = judged.filter((e) => CROSS_ACCOUNT.has(e.principal.kind));
  if (admin && cross.length > 0) {
    const severity: Severity = cross.every((e) => e.conditions.mfa) ? 'medium' : 'high';
    const first = cross[0];
    out.push({
      id: RULES.admin.id,
      rule: RULES.admin.name,
      severity,
      accountId: account.accountId,
      accountName: account.name,
      resource: role.arn,
      title: `${RULES.admin.title}: ${role.name} (trusted by ${cross.map((e) => e.principal.arn ?? e.principal.id).join(', ')})`,
      evidence: JSON.stringify({ AttachedManagedPolicies: role.attached, TrustStatement: first?.statement }),
      fix: RULES.admin.fix,
    });
  }
  const unusedSince = role.lastUsed ?? role.createDate;
  const serviceLinked = role.path.startsWith('/aws-service-role/');
  // Only the default exception silences staleness too: a break-glass role is meant to sit unused.
  if (
    !serviceLinked &&
    judged.length > 0 &&
    unusedSince !== undefined &&
    account.collectedAt - unusedSince > STALE_DAYS * DAY_MS
  ) {
    const days = Math.floor((account.collectedAt - unusedSince) / DAY_MS);
    out.push({
      id: RULES.roleUnused.id,
      rule: RULES.roleUnused.name,
      severity: 'low',
      accountId: account.accountId,
      accountName: account.name,
      resource: role.arn,
      title: `${RULES.roleUnused.title}: ${role.name} ${role.lastUsed === undefined ? `never used (created ${days} days ago)` : `last used ${days} days ago`}`,
      evidence: JSON.stringify({
        RoleLastUsed: role.lastUsed === undefined ? {} : { LastUsedDate: new Date(role.lastUsed).toISOString() },
        CreateDate: role.createDate === undefined ? null : new Date(role.createDate).toISOString(),
      }),
      fix: RULES.roleUnused.fix,
    });
  }
  return out;
}

function userFindings(account: CollectedAccount): Finding[] {
  const out: Finding[] = [];
  const ageDays = (ms: number) => Math.floor((account.collectedAt - ms) / DAY_MS);
  for (const user of account.users) {
    const active = user.accessKeys.filter((k) => k.status === 'Active');
    const base = { accountId: account.accountId, accountName: account.name, resource: user.arn };
    if (user.mfaDevices.length === 0 && (active.length > 0 || user.passwordLastUsed !== undefined)) {
      out.push({
        ...base,
        id: RULES.userMfa.id,
        rule: RULES.userMfa.name,
        severity: 'high',
        title: `${RULES.userMfa.title}: ${user.name}`,
        evidence: JSON.stringify({ UserName: user.name, MFADevices: [], ActiveAccessKeys: active.map((k) => k.id) }),
        fix: RULES.userMfa.fix,
      });
    }
    for (const key of active) {
      const evidence = JSON.stringify({
        AccessKeyId: key.id,
        CreateDate: key.createDate === undefined ? null : new Date(key.createDate).toISOString(),
        LastUsedDate: key.lastUsed === undefined ? null : new Date(key.lastUsed).toISOString(),
      });
      if (key.createDate !== undefined && ageDays(key.createDate) > STALE_DAYS) {
        out.push({
          ...base,
          id: RULES.keyOld.id,
          rule: RULES.keyOld.name,
          severity: 'medium',
          title: `${RULES.keyOld.title}: ${user.name}'s ${key.id} is ${ageDays(key.createDate)} days old`,
          evidence,
          fix: RULES.keyOld.fix,
        });
      }
      const since = key.lastUsed ?? key.createDate;
      if (since !== undefined && ageDays(since) > STALE_DAYS) {
        out.push({
          ...base,
          id: RULES.keyUnused.id,
          rule: RULES.keyUnused.name,
          severity: 'medium',
          title: `${RULES.keyUnused.title}: ${user.name}'s ${key.id} ${key.lastUsed === undefined ? 'never used' : `last used ${ageDays(since)} days ago`}`,
          evidence,
          fix: RULES.keyUnused.fix,
        });
      }
    }
  }
  return out;
}

export function evaluateRules(input: RuleInput): RuleOutput {
  const exceptions: AcceptedException[] = [];
  const findings: Finding[] = [];
  for (const account of input.collected) {
    for (const role of account.roles) findings.push(...roleFindings(account, role, input.graph, input.org, exceptions));
    findings.push(...userFindings(account));
  }
  return { findings: sortFindings(findings), exceptions };
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      a.accountName.localeCompare(b.accountName) ||
      a.resource.localeCompare(b.resource) ||
      a.id.localeCompare(b.id),
  );
}
