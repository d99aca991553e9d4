/** IAM policy documents and their evaluation: pure functions, no I/O. */
export {
  parsePolicyDocument,
  type ConditionBlock,
  type Effect,
  type ParsePolicyOptions,
  type PolicyDocument,
  type PolicyKind,
  type PolicyStatement,
  type Principal,
  type PrincipalMap,
} from './policy-document.js';
export {
  evaluateIdentityPolicies,
  evaluateResourcePolicy,
  evaluateTrustPolicy,
  type ConditionContext,
  type Decision,
  type IdentityRequest,
  type RequestPrincipal,
  type ResourceRequest,
} from './evaluate-policy.js';
