import {
  evaluateIdentityPolicies,
  parsePolicyDocument,
  type ConditionContext,
  type PolicyDocument,
} from '../core/policy/index.js';
import { identityPolicies, type Caller } from './auth/caller.js';
import type { World } from './world/types.js';

/** Parsing a policy is the costly part of evaluation; documents repeat across requests, so keep them. */
const parsed = new Map<string, PolicyDocument>();

export function cachedPolicy(text: string): PolicyDocument {
  let doc = parsed.get(text);
  if (!doc) {
    doc = parsePolicyDocument(text);
    if (parsed.size > 5000) parsed.clear();
    parsed.set(text, doc);
  }
  return doc;
}

/** The request context keys AWS sets for a principal, as IAM condition keys see them. */
export function principalContext(world: World, caller: Caller, nowMs: number): ConditionContext {
  const ctx: ConditionContext = {
    'aws:PrincipalArn':
      caller.principal.type === 'assumed-role'
        ? (world.accounts[caller.accountId]?.iam.roles[caller.principal.roleName]?.arn ?? caller.arn)
        : caller.arn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:userid': caller.userId,
    'aws:CurrentTime': new Date(nowMs).toISOString(),
  };
  if (world.accounts[caller.accountId]) ctx['aws:PrincipalOrgID'] = world.organization.id;
  const session = caller.session;
  // AWS sets MultiFactorAuthPresent only for temporary credentials; long-term keys leave it absent,
  // which is why `Bool` conditions deny them and `BoolIfExists` does not.
  if (session) {
    ctx['aws:MultiFactorAuthPresent'] = session.mfaAuthTime ? 'true' : 'false';
    if (session.mfaAuthTime)
      ctx['aws:MultiFactorAuthAge'] = String(Math.floor((nowMs - Date.parse(session.mfaAuthTime)) / 1000));
    if (session.sourceIdentity) ctx['aws:SourceIdentity'] = session.sourceIdentity;
  }
  return ctx;
}

export type AuthorizeResult = { allowed: true } | { allowed: false; explicit: boolean; reason: string };

export function authorizeCaller(
  world: World,
  caller: Caller,
  action: string,
  resource: string,
  context: ConditionContext,
): AuthorizeResult {
  const texts = identityPolicies(world, caller.principal);
  if (texts === undefined) return { allowed: true };
  const decision = evaluateIdentityPolicies(texts.map(cachedPolicy), { action, resource, context });
  if (decision.decision === 'allow') return { allowed: true };
  return {
    allowed: false,
    explicit: decision.decision === 'explicit-deny',
    reason: decision.reason ?? `no identity-based policy allows ${action}`,
  };
}
