/** The cross-account trust audit: collection, the trust graph, the rules, who-can, SARIF. */
export { assumeActionsOf, buildTrustGraph, createClassifier, orgViewOf, summarizeConditions, type Classifier } from './trust-graph.js';
export {
  PRINCIPAL_KINDS, SEVERITIES,
  type AcceptedException, type AccessKeyInfo, type CollectedAccount, type EdgeConditions, type Finding, type IamGroupInfo, type IamRoleInfo,
  type IamUserInfo, type ManagedPolicyInfo, type NamedPolicy, type NotCovered, type OrganizationInfo, type OrgView, type PrincipalKind,
  type Severity, type TrustEdge, type TrustedPrincipal, type TrustGraph,
} from './types.js';
