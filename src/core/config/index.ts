/** crossbar.yaml: its one schema, the loader that reports every problem at once, and the registry built from it. */
export { formatProblem, loadConfigFile, parseConfig, type ConfigProblem } from './load-config.js';
export { addShortcut, removeShortcut, type ShortcutEntry } from './edit-shortcuts.js';
export { configSchema, COLORS, type AccountConfig, type Config, type RoleConfig } from './schema.js';
export {
  buildRegistry,
  colorForStage,
  DEFAULT_REGION,
  homeRegion,
  renderProfileName,
  type Registry,
  type RegistryAccount,
  type RegistryRole,
} from './registry.js';
