export {
  renderProfiles,
  profileMarker,
  ssoSessionOf,
  type AwsConfigMode,
  type RenderProfilesOptions,
  type SsoStyle,
} from './render-profiles.js';
export {
  mergeManagedBlock,
  BLOCK_BEGIN,
  BLOCK_END,
  BLOCK_NOTICE,
  type MergeOptions,
  type MergeResult,
} from './managed-block.js';
export { validateAwsConfig, findIniProblems, type IniProblem } from './validate-aws-config.js';
export { unifiedDiff } from './unified-diff.js';
export {
  resolveAwsConfigPath,
  readAwsConfig,
  writeAwsConfigAtomically,
  withAwsConfigLock,
  type WriteOptions,
  type WriteResult,
} from './write-aws-config.js';
export { quoteShellWord, shellCommand } from './shell-quote.js';
export { ssoProfileSettings, ssoSessionSection, ssoSessionsIn, type SsoSessionSpec } from './sso-session-profiles.js';
