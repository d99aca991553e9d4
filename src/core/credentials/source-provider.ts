import { DEFAULT_REGION } from '../config/registry.js';
import { requireSdk } from '../aws-clients/require-sdk.js';
import { CrossbarError } from '../errors.js';
import type { SsoRoleAccess } from './sso-access.js';
import { redactCredentials, type Credentials, type RedactedCredentials } from './credentials.js';
import { awsErrorFacts, endpointUnreachable, isUnreachable } from './sts-errors.js';

/** A credential provider, as in the SDK: a function that resolves credentials. */
export type CredentialProvider = () => Promise<Credentials>;

export type Env = Readonly<Record<string, string | undefined>>;

export interface SourceOptions {
  /** `source.profile` from crossbar.yaml. */
  profile?: string;
  /** The environment to read (AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_SHARED_CREDENTIALS_FILE…); never process.env implicitly. */
  env: Env;
  endpoint?: string;
  region?: string;
  /** For source profiles that are themselves role profiles with `mfa_serial`. */
  mfaCodeProvider?: (serial: string) => Promise<string>;
  now?: () => number;
}

export interface SourceProvider {
  /** Names the source for messages: `profile acme-identity`, `AWS_ACCESS_KEY_ID from the environment`. */
  label: string;
  /** Identifies the source in cache keys without resolving it (resolving may cost a network call). */
  cacheKey: string;
  provider: () => Promise<RedactedCredentials>;
  /**
   * An SSO source: GetRoleCredentials for the permission-set roles of its accounts. `provider` then gives the
   * credentials of its hub (the session plain roles are assumed from).
   */
  sso?: SsoRoleAccess;
}

/**
 * The source identity everything starts from. The SDK's own providers do the work (fromIni for a named
 * profile, fromNodeProviderChain otherwise); this adds crossbar's errors and reads the environment it is given.
 * Precedence follows the SDK's default chain: a profile (configured, or AWS_PROFILE) wins over env keys.
 */
export function resolveSourceProvider(options: SourceOptions): SourceProvider {
  const { env } = options;
  const files = {
    ...(env['AWS_SHARED_CREDENTIALS_FILE'] ? { filepath: env['AWS_SHARED_CREDENTIALS_FILE'] } : {}),
    ...(env['AWS_CONFIG_FILE'] ? { configFilepath: env['AWS_CONFIG_FILE'] } : {}),
  };
  const clientConfig = {
    region: options.region ?? env['AWS_REGION'] ?? DEFAULT_REGION,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
  const mfa = options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {};
  const profile = options.profile ?? env['AWS_PROFILE'];
  if (profile) {
    const label = `profile ${profile}`;
    return wrap(
      label,
      `profile:${profile}:${files.filepath ?? ''}`,
      requireSdk('@aws-sdk/credential-providers').fromIni({ profile, ...files, ...mfa, clientConfig }),
      options,
      profileHint(profile),
    );
  }
  const keyId = env['AWS_ACCESS_KEY_ID'];
  const secret = env['AWS_SECRET_ACCESS_KEY'];
  if (keyId && secret) {
    // The SDK's fromEnv reads process.env only; the same three variables are read here from the env we were
    // given, so that tests and the server need no global state.
    const token = env['AWS_SESSION_TOKEN'];
    const expiry = env['AWS_CREDENTIAL_EXPIRATION'];
    const fromGivenEnv: CredentialProvider = () =>
      Promise.resolve({
        accessKeyId: keyId,
        secretAccessKey: secret,
        ...(token ? { sessionToken: token } : {}),
        ...(expiry ? { expiration: new Date(expiry) } : {}),
      });
    return wrap(
      'AWS_ACCESS_KEY_ID from the environment',
      `env:${keyId}`,
      fromGivenEnv,
      options,
      'Export fresh AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or set source.profile in crossbar.yaml',
    );
  }
  return wrap(
    'the default credential chain',
    'chain',
    requireSdk('@aws-sdk/credential-providers').fromNodeProviderChain({ ...files, ...mfa, clientConfig }),
    options,
    'Set source.profile in crossbar.yaml, export AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
  );
}

function profileHint(profile: string): string {
  return `Add [${profile}] to ~/.aws/credentials (aws configure --profile ${profile}), log in (aws sso login --profile ${profile}), or change source.profile in crossbar.yaml`;
}

function wrap(
  label: string,
  cacheKey: string,
  inner: CredentialProvider,
  options: SourceOptions,
  hint: string,
): SourceProvider {
  const now = options.now ?? Date.now;
  const provider = async (): Promise<RedactedCredentials> => {
    let creds: Credentials;
    try {
      creds = await inner();
    } catch (err) {
      throw sourceProviderError(err, label, hint, options);
    }
    if (creds.expiration && creds.expiration.getTime() <= now()) {
      throw new CrossbarError(
        'CREDENTIALS_EXPIRED',
        `The credentials of ${label} expired at ${creds.expiration.toISOString()}`,
        { hint },
      );
    }
    return redactCredentials(creds);
  };
  return { label, cacheKey, provider };
}

function sourceProviderError(err: unknown, label: string, hint: string, options: SourceOptions): CrossbarError {
  if (err instanceof CrossbarError) return err;
  if (isUnreachable(err)) return endpointUnreachable(options.endpoint, options.region ?? DEFAULT_REGION, err);
  const { message } = awsErrorFacts(err);
  if (/expired|refresh/i.test(message)) {
    return new CrossbarError('CREDENTIALS_EXPIRED', `The credentials of ${label} have expired`, { hint, cause: err });
  }
  return new CrossbarError('CREDENTIALS_MISSING', `No credentials found for ${label}`, { hint, cause: err });
}
