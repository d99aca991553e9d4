import type { AwsClient } from './types.js';

/**
 * Settings an SDK client resolves from the environment and the shared config files when it is not given them:
 * FIPS, dual-stack, app id, auth scheme preference, defaults mode, S3's checksum and ARN-region settings,
 * DynamoDB's account-id endpoint mode and endpoint discovery. Each lookup of a client re-parses the ini files
 * and, for every setting that is not there (most of them), builds and throws a ProviderError; a fan-out makes
 * one client per account × region × service, so that was most of what a new client cost (0.37 s of CPU in a
 * 200-account inventory sync). So the first client of each service resolves them, by the SDK's own rules, and
 * every later client of the service in the process receives the answers.
 *
 * Each answer is passed as a provider that returns it, the form the SDK's own settings take: a setting whose
 * answer is "none" (no app id) would be looked up again if passed as undefined.
 */
const SHARED_SETTINGS = [
  'defaultsMode',
  'authSchemePreference',
  'sigv4aSigningRegionSet',
  'useDualstackEndpoint',
  'useFipsEndpoint',
  'userAgentAppId',
  // S3
  'useArnRegion',
  'disableS3ExpressSessionAuth',
  'requestChecksumCalculation',
  'responseChecksumValidation',
  // DynamoDB
  'accountIdEndpointMode',
  'endpointDiscoveryEnabledProvider',
] as const;

export type SharedSettings = Readonly<Record<string, unknown>>;

/** By service and by what picks the config files and the profile, so that a process that switches them re-reads. */
const known = new Map<string, SharedSettings>();
const pending = new Map<string, Promise<SharedSettings>>();

function keyOf(service: string): string {
  const env = process.env;
  return [service, env['AWS_PROFILE'], env['AWS_CONFIG_FILE'], env['AWS_SHARED_CREDENTIALS_FILE']].join('|');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function resolve(client: AwsClient): Promise<SharedSettings> {
  const config = client.config;
  if (!isRecord(config)) return {};
  const settings: Record<string, unknown> = {};
  for (const key of SHARED_SETTINGS) {
    if (!(key in config)) continue;
    const setting = config[key];
    const value: unknown = typeof setting === 'function' ? await (setting as () => Promise<unknown>)() : setting;
    settings[key] = () => Promise.resolve(value);
  }
  // The endpoint configured for the service (AWS_ENDPOINT_URL_<SERVICE>, a `services` section): looked up once
  // here; later clients get it as their endpoint, or are told that there is none.
  const configured = config['serviceConfiguredEndpoint'];
  if (typeof configured === 'function') {
    const url: unknown = await (configured as () => Promise<unknown>)();
    if (typeof url === 'string' && url !== '') settings['endpoint'] = url;
    else settings['ignoreConfiguredEndpointUrls'] = true;
  }
  return settings;
}

/** The settings already resolved for `service` in this process, if any: for a client made synchronously. */
export function knownSettings(service: string): SharedSettings | undefined {
  return known.get(keyOf(service));
}

/** The settings for `service` once some client has resolved them, or undefined when no client has started yet. */
export function pendingSettings(service: string): Promise<SharedSettings> | undefined {
  return pending.get(keyOf(service));
}

/**
 * Resolves the shared settings through `client`, the first of its service (unless another got there first).
 * A setting that fails to resolve (a malformed value) leaves every later client to resolve, and fail, its own.
 */
export function learnSettings(service: string, client: AwsClient): void {
  const key = keyOf(service);
  if (pending.has(key)) return;
  const settings = resolve(client).then(
    (s) => s,
    () => ({}),
  );
  pending.set(key, settings);
  void settings.then((s) => known.set(key, s));
}
