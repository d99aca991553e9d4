/** The cross-account trust audit: collection, the trust graph, the rules, who-can, SARIF. */
export {
  assumeActionsOf,
  buildTrustGraph,
  createClassifier,
  orgViewOf,
  summarizeConditions,
  type Classifier,
  type RegistryIds,
} from './trust-graph.js';
export { collectAccount, type CallAws, type CollectMeta } from './collect-account.js';
export {
  collectAccounts,
  runAudit,
  IAM_REGION,
  type AuditReport,
  type AuditRoot,
  type RunAuditOptions,
} from './run-audit.js';
export {
  evaluateRules,
  isAdminRole,
  severityRank,
  sortFindings,
  DAY_MS,
  RULE_LIST,
  RULES,
  STALE_DAYS,
  type RuleInfo,
  type RuleInput,
  type RuleOutput,
} from './rules.js';
export { localDefaultKeyFindings, maskKeyId } from './local-credentials.js';
export { toSarif, SARIF_SCHEMA, type SarifInput } from './sarif.js';
export { whoCan, type WhoCanEntry, type WhoCanResult } from './who-can.js';
export {
  PRINCIPAL_KINDS,
  SEVERITIES,
  type AcceptedException,
  type AccessKeyInfo,
  type CollectedAccount,
  type EdgeConditions,
  type Finding,
  type IamGroupInfo,
  type IamRoleInfo,
  type IamUserInfo,
  type ManagedPolicyInfo,
  type NamedPolicy,
  type NotCovered,
  type OrganizationInfo,
  type OrgView,
  type PrincipalKind,
  type Severity,
  type TrustEdge,
  type TrustedPrincipal,
  type TrustGraph,
} from './types.js';
