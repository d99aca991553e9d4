import {
  evaluateCondition,
  normalizeContext,
  type ConditionContext,
  type NormalizedContext,
} from './evaluate-condition.js';
import { matchesPrincipal, type RequestPrincipal } from './match-principal.js';
import type { PolicyDocument, PolicyStatement } from './policy-document.js';
import { matchesArn, matchesWildcard } from './wildcard.js';

export type { ConditionContext } from './evaluate-condition.js';
export type { RequestPrincipal } from './match-principal.js';

/**
 * The outcome of evaluating policies, with the statement that decided it. An implicit deny has no statement,
 * only a reason fit for a message ("condition aws:MultiFactorAuthPresent not satisfied (Bool)").
 */
export type Decision =
  | { decision: 'allow'; statement: PolicyStatement; reason?: undefined }
  | { decision: 'explicit-deny'; statement: PolicyStatement; reason: string }
  | { decision: 'implicit-deny'; statement?: undefined; reason: string };

export interface IdentityRequest {
  action: string;
  resource: string;
  context: ConditionContext;
}

export interface ResourceRequest {
  action: string;
  principal: RequestPrincipal;
  /** The resource acted on. Absent for trust policies, whose resource is the role itself. */
  resource?: string | undefined;
  context: ConditionContext;
}

/** Why a statement did not apply, in the order evaluation checks: a later stage is a nearer miss. */
type Miss =
  | { stage: 'action' | 'resource' | 'principal' }
  | { stage: 'condition'; operator: string; key: string; keyPresent: boolean; supported: boolean };

type DescribedRequest = { action: string; resource?: string | undefined; principal?: RequestPrincipal };

type StatementCheck = { applies: true } | { applies: false; miss: Miss };

const STAGES: readonly Miss['stage'][] = ['action', 'resource', 'principal', 'condition'];

/**
 * Identity policies of one principal: an explicit Deny wins, then any Allow; otherwise an implicit deny.
 * Principal elements are not consulted: identity policies have none (parse with `kind: 'identity'` to reject them).
 */
export function evaluateIdentityPolicies(policies: PolicyDocument[], request: IdentityRequest): Decision {
  const context = normalizeContext(request.context);
  const statements = policies.flatMap((policy) => policy.Statement);
  return decide(statements, request, (statement) => {
    if (!matchesAction(statement, request.action)) return miss({ stage: 'action' });
    if (!matchesResource(statement, request.resource)) return miss({ stage: 'resource' });
    return checkCondition(statement, context);
  });
}

/** A resource-based policy (a bucket policy, a key policy): the statement must also name the caller. */
export function evaluateResourcePolicy(policy: PolicyDocument, request: ResourceRequest): Decision {
  const context = normalizeContext(request.context);
  return decide(policy.Statement, request, (statement) => {
    if (!matchesAction(statement, request.action)) return miss({ stage: 'action' });
    if (request.resource !== undefined && !matchesResource(statement, request.resource))
      return miss({ stage: 'resource' });
    if (!namesPrincipal(statement, request.principal)) return miss({ stage: 'principal' });
    return checkCondition(statement, context);
  });
}

/** A role's trust policy: a resource policy with no Resource element, asked about `sts:AssumeRole*`. */
export function evaluateTrustPolicy(policy: PolicyDocument, request: Omit<ResourceRequest, 'resource'>): Decision {
  return evaluateResourcePolicy(policy, {
    action: request.action,
    principal: request.principal,
    context: request.context,
  });
}

/**
 * Every statement is checked, since a Deny anywhere wins. An implicit deny is explained by the nearest miss
 * among the Allow statements: a failed condition says more than an unnamed principal, which says more than a
 * resource outside the statement, which says more than an action no statement mentions.
 */
function decide(
  statements: PolicyStatement[],
  request: DescribedRequest,
  check: (statement: PolicyStatement) => StatementCheck,
): Decision {
  let allowedBy: PolicyStatement | undefined;
  let nearest: Miss | undefined;
  for (const statement of statements) {
    const result = check(statement);
    if (result.applies) {
      if (statement.Effect === 'Deny') {
        return { decision: 'explicit-deny', statement, reason: `explicitly denied by statement ${label(statement)}` };
      }
      allowedBy ??= statement;
    } else if (statement.Effect === 'Allow' && (nearest === undefined || rank(result.miss) > rank(nearest))) {
      nearest = result.miss;
    }
  }
  if (allowedBy !== undefined) return { decision: 'allow', statement: allowedBy };
  return { decision: 'implicit-deny', reason: describeMiss(nearest, request) };
}

function rank(m: Miss): number {
  return STAGES.indexOf(m.stage);
}

function describeMiss(nearest: Miss | undefined, request: DescribedRequest): string {
  const { action } = request;
  switch (nearest?.stage) {
    case 'condition':
      return describeCondition(nearest);
    case 'principal':
      return `no statement allows ${action} for principal ${request.principal?.arn ?? 'unknown'}`;
    case 'resource':
      return `no statement allows ${action} on ${request.resource ?? 'the resource'}`;
    default:
      return `no statement allows ${action}`;
  }
}

function describeCondition(failed: Extract<Miss, { stage: 'condition' }>): string {
  if (!failed.supported) return `unsupported condition operator ${failed.operator} on ${failed.key}`;
  const absent = failed.keyPresent ? '' : ', key absent from request';
  return `condition ${failed.key} not satisfied (${failed.operator}${absent})`;
}

function matchesAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return statement.Action.some((pattern) => matchesWildcard(pattern, action, true));
  if (statement.NotAction !== undefined)
    return !statement.NotAction.some((pattern) => matchesWildcard(pattern, action, true));
  return false;
}

function matchesResource(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined) return statement.Resource.some((pattern) => matchesArn(pattern, resource));
  if (statement.NotResource !== undefined)
    return !statement.NotResource.some((pattern) => matchesArn(pattern, resource));
  return false;
}

function namesPrincipal(statement: PolicyStatement, principal: RequestPrincipal): boolean {
  if (statement.Principal !== undefined) return matchesPrincipal(statement.Principal, principal);
  if (statement.NotPrincipal !== undefined) return !matchesPrincipal(statement.NotPrincipal, principal);
  return false;
}

function checkCondition(statement: PolicyStatement, context: NormalizedContext): StatementCheck {
  const outcome = evaluateCondition(statement.Condition, context);
  return outcome.satisfied ? { applies: true } : miss({ stage: 'condition', ...outcome });
}

function miss(reason: Miss): StatementCheck {
  return { applies: false, miss: reason };
}

function label(statement: PolicyStatement): string {
  return statement.Sid === undefined ? '(no Sid)' : `"${statement.Sid}"`;
}
