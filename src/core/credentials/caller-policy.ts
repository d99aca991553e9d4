import type { EntityType, IAMClient } from '@aws-sdk/client-iam';
import { createSdkClient } from '../aws-clients/create-aws-client.js';
import { requireSdk } from '../aws-clients/require-sdk.js';
import { parseArn } from '../arn.js';
import { evaluateIdentityPolicies, parsePolicyDocument, type PolicyDocument } from '../policy/index.js';
import type { Credentials } from './credentials.js';

export interface CallerPolicyProbe {
  /** The source's own (long-lived) credentials, which may read IAM in their account. */
  credentials: Credentials;
  /** The caller as GetCallerIdentity names it: an IAM user or an assumed role. */
  sourceArn: string;
  roleArn: string;
  mfaPresent: boolean;
  region: string;
  endpoint?: string;
}

/** The IAM package, loaded only when a denial needs explaining: the credential path does not pay for it otherwise. */
type Iam = typeof import('@aws-sdk/client-iam');

interface Documents {
  inline: string[];
  managed: string[];
}

/**
 * Do the caller's identity policies allow sts:AssumeRole on the role? AWS's AccessDenied for AssumeRole rarely
 * says which side refused; reading the caller's own policies (which a ReadOnlyAccess source may do) and
 * evaluating them locally tells `caller policy` apart from the role's trust policy. Anything that cannot be
 * read or parsed gives 'unknown', never an error: this only refines an explanation.
 */
export async function probeCallerPolicy(probe: CallerPolicyProbe): Promise<'allow' | 'deny' | 'unknown'> {
  const sdk: Iam = requireSdk('@aws-sdk/client-iam');
  // One attempt and short timeouts: this only refines an explanation, and the person is waiting for it.
  const iam = createSdkClient(sdk.IAMClient, 'iam', {
    region: probe.region,
    credentials: probe.credentials,
    endpoint: probe.endpoint,
    maxAttempts: 1,
    retryMode: 'standard',
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 10_000,
  });
  try {
    const docs = await identityDocuments(sdk, iam, probe.sourceArn);
    if (!docs) return 'unknown';
    const managed = await Promise.all(docs.managed.map((arn) => managedDocument(sdk, iam, arn)));
    const policies: PolicyDocument[] = [...docs.inline, ...managed].map((text) =>
      parsePolicyDocument(text, { kind: 'identity' }),
    );
    const decision = evaluateIdentityPolicies(policies, {
      action: 'sts:AssumeRole',
      resource: probe.roleArn,
      context: {
        'aws:MultiFactorAuthPresent': probe.mfaPresent ? 'true' : 'false',
        'aws:PrincipalArn': probe.sourceArn,
      },
    });
    return decision.decision === 'allow' ? 'allow' : 'deny';
  } catch {
    return 'unknown';
  } finally {
    iam.destroy();
  }
}

/** The inline documents and attached managed policy ARNs of a user (with its groups) or of a role. */
async function identityDocuments(sdk: Iam, iam: IAMClient, sourceArn: string): Promise<Documents | undefined> {
  const arn = parseArn(sourceArn);
  const isUser = arn.resourceType === 'user';
  const roleName = arn.resourceType === 'assumed-role' ? arn.resource.split('/')[1] : undefined;
  if (!isUser && roleName === undefined) return undefined;
  const filter: EntityType[] = isUser ? ['User', 'Group'] : ['Role'];
  const inline: string[] = [];
  const managed: string[] = [];
  const groupsOfUser = new Set<string>();
  const groups: { name: string; inline: string[]; managed: string[] }[] = [];
  let found = false;
  for await (const page of sdk.paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: filter })) {
    for (const u of page.UserDetailList ?? []) {
      if (u.Arn !== sourceArn) continue;
      found = true;
      inline.push(...(u.UserPolicyList ?? []).map((p) => p.PolicyDocument ?? ''));
      managed.push(...(u.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? ''));
      for (const g of u.GroupList ?? []) groupsOfUser.add(g);
    }
    for (const g of page.GroupDetailList ?? []) {
      groups.push({
        name: g.GroupName ?? '',
        inline: (g.GroupPolicyList ?? []).map((p) => p.PolicyDocument ?? ''),
        managed: (g.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? ''),
      });
    }
    for (const r of page.RoleDetailList ?? []) {
      if (r.RoleName !== roleName) continue;
      found = true;
      inline.push(...(r.RolePolicyList ?? []).map((p) => p.PolicyDocument ?? ''));
      managed.push(...(r.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn ?? ''));
    }
  }
  if (!found) return undefined;
  for (const g of groups.filter((x) => groupsOfUser.has(x.name))) {
    inline.push(...g.inline);
    managed.push(...g.managed);
  }
  return { inline: inline.map(decodeDocument), managed: [...new Set(managed)] };
}

async function managedDocument(sdk: Iam, iam: IAMClient, policyArn: string): Promise<string> {
  const policy = await iam.send(new sdk.GetPolicyCommand({ PolicyArn: policyArn }));
  const version = await iam.send(
    new sdk.GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: policy.Policy?.DefaultVersionId ?? 'v1' }),
  );
  return decodeDocument(version.PolicyVersion?.Document ?? '');
}

/** IAM returns policy documents URL-encoded (RFC 3986); the SDK passes them through as they came. */
function decodeDocument(text: string): string {
  return text.trimStart().startsWith('{') ? text : decodeURIComponent(text);
}
