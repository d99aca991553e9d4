/** `crossbar init`: discover or import the accounts, render crossbar.yaml, write it safely. */
export {
  discoverOrganization,
  type DiscoverOrganizationOptions,
  type DiscoveredAccount,
  type DiscoveredOrganization,
  type DiscoveryProgress,
  type SkippedAccount,
} from './discover-organization.js';
export { createOrganizationsClient, type OrganizationsClientOptions } from './organizations-client.js';
export { organizationToConfig, type OrganizationToConfigOptions } from './organization-to-config.js';
export {
  importAwsConfig,
  type AwsConfigImport,
  type ImportedProfile,
  type SkippedProfile,
} from './import-aws-config.js';
export { parseAwsConfig, type ConfigSection, type SectionKind } from './parse-aws-config.js';
export { renderInitConfig, type RenderInitConfigInput } from './render-init-config.js';
export { writeConfigFile, type WriteConfigFileOptions } from './write-config-file.js';
export { detectStage, normalizeStage, colorFromTags } from './detect-stage.js';
export type { InitAccount, InitConfig, InitRole } from './init-config.js';
export {
  externalIdsFromAwsConfig,
  externalIdsFromConfig,
  withKnownExternalIds,
  type KnownExternalId,
} from './import-external-ids.js';
export { readOrganizationThroughSso, permissionSetRank, type SsoOrganization } from './sso-organization.js';
export { ssoToConfig, permissionSetKey, type SsoToConfigOptions } from './sso-to-config.js';
