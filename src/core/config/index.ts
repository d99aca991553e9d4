/** crossbar.yaml: its one schema, the loader that reports every problem at once, and the registry built from it. */
export { formatProblem, loadConfigFile, parseConfig, type ConfigProblem } from './load-config.js';
export { addShortcut, removeShortcut, type ShortcutEntry } from './edit-shortcuts.js';
export {
  configSchema,
  COLORS,
  type AccountConfig,
  type Config,
  type NamedSourceConfig,
  type RoleConfig,
  type SourceConfig,
  type SsoConfig,
} from './schema.js';
export { assignSources, DEFAULT_SOURCE, type SourceAssignment } from './assign-sources.js';
export {
  buildRegistry,
  defaultSourceName,
  findSource,
  registrySources,
  resolveSource,
  type IamRegistrySource,
  type RegistrySource,
  type SsoRegistrySource,
  type SsoSourceConfig,
  colorForStage,
  DEFAULT_REGION,
  homeRegion,
  renderProfileName,
  type Registry,
  type RegistryAccount,
  type RegistryRole,
} from './registry.js';
