/** `crossbar bootstrap`: the cross-account roles and source groups, as files or applied through IAM. */
export {
  MANAGED_POLICY,
  principalFromCaller,
  resolveBootstrapSpec,
  type AccessLevel,
  type BootstrapGroup,
  type BootstrapRole,
  type BootstrapSpec,
  type SpecOptions,
} from './spec.js';
export {
  decodePolicyText,
  GROUP_POLICY_LIMIT,
  GROUP_POLICY_NAME,
  groupPolicy,
  minifiedBytes,
  normalizePolicy,
  samePolicy,
  TRUST_ACTIONS,
  trustPolicy,
  type GroupPolicy,
  type PolicyDocument,
} from './policies.js';
export {
  renderCloudFormation,
  sourceTemplate,
  targetParameters,
  targetTemplate,
  type RenderedFile,
} from './render-cloudformation.js';
export { hclString, renderTerraform, type TerraformOptions } from './render-terraform.js';
export { bootstrapJson, renderJson, type BootstrapJson } from './render-json.js';
export {
  describeAction,
  planBootstrap,
  type AccountPlan,
  type BootstrapAction,
  type BootstrapPlan,
  type IamAccess,
  type PlanOptions,
  type Unreachable,
} from './plan.js';
export { applyBootstrap, hasChanges, type AppliedAccount, type ApplyOptions } from './apply.js';
export { createIamAccess, type ClosableIamAccess, type IamAccessOptions } from './iam-access.js';
export { CROSSBAR_SID, mergeTrust, type MergedTrust, type MergeTrustOptions, type TrustChange } from './merge-trust.js';
