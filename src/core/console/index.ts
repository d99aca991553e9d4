export {
  signInToConsole,
  MAX_CONSOLE_SESSION_SECONDS,
  type SignInOptions,
  type ConsoleCredentials,
  type FetchLike,
} from './sign-in.js';
export { federationUrls, consoleDestination, type FederationTarget, type FederationUrls } from './federation-urls.js';
export { switchRoleUrl, switchRoleUrlFor, type SwitchRoleLink } from './switch-role-url.js';
export { colorHex, consoleColorHex } from './colors.js';
export { partitionOfRegion, isPartition, type Partition } from './partition.js';
