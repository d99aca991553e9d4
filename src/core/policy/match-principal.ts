import { parseArn, type Arn } from '../arn.js';
import type { Principal } from './policy-document.js';
import { hasWildcard } from './wildcard.js';

/** Who is making a request that a resource or trust policy is asked about. */
export interface RequestPrincipal {
  /** The caller's ARN: `arn:aws:iam::A:user/path/Name`, `arn:aws:sts::A:assumed-role/Role/Session`, `arn:aws:iam::A:root`. */
  arn: string;
  accountId: string;
  type: 'user' | 'assumed-role' | 'root' | 'service' | 'federated-user';
  /** For an assumed-role session: the role's own ARN, path included (`arn:aws:iam::A:role/path/Name`). */
  roleArn?: string | undefined;
  /** For a service principal: `ec2.amazonaws.com`. */
  service?: string | undefined;
  /** For web-identity or SAML callers: the identity provider a `Federated` principal names. */
  provider?: string | undefined;
}

/** Does the Principal (or NotPrincipal) element name this caller? */
export function matchesPrincipal(element: Principal, principal: RequestPrincipal): boolean {
  if (element === '*') return true;
  return (
    (element.AWS ?? []).some((entry) => matchesAwsPrincipal(entry, principal)) ||
    (element.Service ?? []).some((entry) => principal.type === 'service' && sameText(entry, principal.service)) ||
    (element.Federated ?? []).some((entry) => entry === principal.provider)
    // CanonicalUser names S3 canonical ids, which no RequestPrincipal carries: it never matches.
  );
}

/**
 * One entry of `"AWS": [...]`. An account (`123456789012` or `arn:aws:iam::123456789012:root`) names every
 * principal of that account, which then delegates through its own identity policies. A role ARN names every
 * session of that role. Wildcards other than a bare `*` are not allowed in principals, so they match nothing.
 */
function matchesAwsPrincipal(entry: string, principal: RequestPrincipal): boolean {
  if (entry === '*') return true;
  if (principal.type === 'service') return false;
  if (/^\d{12}$/.test(entry)) return entry === principal.accountId;
  if (hasWildcard(entry)) return false;
  const named = tryParseArn(entry);
  if (named === undefined) return false;
  if (named.service === 'iam' && named.resource === 'root') {
    return named.accountId === principal.accountId && named.partition === tryParseArn(principal.arn)?.partition;
  }
  if (named.service === 'iam' && named.resourceType === 'role' && entry === principal.roleArn) return true;
  return entry === principal.arn;
}

function tryParseArn(arn: string): Arn | undefined {
  try {
    return parseArn(arn);
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}
