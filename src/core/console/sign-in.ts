import { CrossbarError } from '../errors.js';
import { consoleDestination, federationUrls } from './federation-urls.js';
import type { Partition } from './partition.js';

/**
 * Federated console sign-in: trade a role session's credentials for a sign-in token (getSigninToken), then
 * build the login URL. The longest console session is asked for (12 hours) except for credentials from role
 * chaining, where AWS refuses SessionDuration and the console session simply lasts as long as the credentials.
 */
export const MAX_CONSOLE_SESSION_SECONDS = 43_200;
const MIN_CONSOLE_SESSION_SECONDS = 900;

export interface ConsoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** The part of `fetch` used here; the global `fetch` fits, tests pass a fake. */
export type FetchLike = (
  url: string,
  init?: { method?: string; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface SignInOptions {
  credentials: ConsoleCredentials;
  /** Who the credentials are, for messages: `production:CrossbarReadOnly`. */
  target: string;
  region?: string | undefined;
  partition?: Partition | undefined;
  /** Console service to open (`ec2`, `s3`, …); the console home by default. */
  service?: string | undefined;
  /** A configured endpoint (the sandbox) that serves `/federation`. */
  endpoint?: string | undefined;
  /** Seconds; defaults to the longest allowed. Ignored for chained credentials. */
  sessionDuration?: number | undefined;
  /** True when the credentials came from role chaining (a role assumed from another role's session). */
  chained?: boolean | undefined;
  /** Shown by AWS on the "session expired" page as where to sign in again. */
  issuer?: string | undefined;
  fetch: FetchLike;
  timeoutMs?: number | undefined;
}

export async function signInToConsole(options: SignInOptions): Promise<string> {
  const { credentials, target } = options;
  if (!credentials.sessionToken) {
    throw new CrossbarError(
      'CREDENTIALS_MISSING',
      `The console needs temporary credentials for ${target}, and these are long-term access keys`,
      {
        hint: 'Sign in through a role: crossbar console ACCOUNT[:ROLE] assumes it first',
      },
    );
  }
  const urls = federationUrls({
    region: options.region,
    endpoint: options.endpoint,
    ...(options.partition ? { partition: options.partition } : {}),
  });
  const host = new URL(urls.federation).host;
  const query = new URLSearchParams({ Action: 'getSigninToken' });
  const duration = sessionDurationFor(options);
  if (duration !== undefined) query.set('SessionDuration', String(duration));
  query.set(
    'Session',
    JSON.stringify({
      sessionId: credentials.accessKeyId,
      sessionKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    }),
  );
  const token = await requestSigninToken(`${urls.federation}?${query.toString()}`, host, options);
  const login = new URLSearchParams({
    Action: 'login',
    Issuer: options.issuer ?? 'crossbar',
    Destination: consoleDestination({
      region: options.region,
      service: options.service,
      ...(options.partition ? { partition: options.partition } : {}),
    }),
    SigninToken: token,
  });
  return `${urls.federation}?${login.toString()}`;
}

function sessionDurationFor(options: SignInOptions): number | undefined {
  if (options.chained) return undefined;
  const seconds = options.sessionDuration ?? MAX_CONSOLE_SESSION_SECONDS;
  if (!Number.isInteger(seconds) || seconds < MIN_CONSOLE_SESSION_SECONDS || seconds > MAX_CONSOLE_SESSION_SECONDS) {
    throw new CrossbarError('USAGE', `Console session duration ${seconds} for ${options.target} is out of range`, {
      hint: 'Use 900 to 43200 seconds',
    });
  }
  return seconds;
}

async function requestSigninToken(url: string, host: string, options: SignInOptions): Promise<string> {
  const { target } = options;
  let status: number;
  let body: string;
  try {
    const res = await options.fetch(url, { method: 'GET', signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
    status = res.status;
    body = await res.text();
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new CrossbarError(
      timedOut ? 'TIMEOUT' : 'ENDPOINT_UNREACHABLE',
      `The sign-in endpoint ${host} did not answer for ${target}`,
      {
        cause: err,
        hint: options.endpoint
          ? `Is the endpoint ${options.endpoint} running? (crossbar sandbox start)`
          : 'Check your network connection and proxy settings',
      },
    );
  }
  if (status !== 200) throw signinRefusal(status, body, host, options);
  const token = parseToken(body);
  if (!token) {
    throw new CrossbarError('ERROR', `The sign-in endpoint ${host} answered without a SigninToken for ${target}`, {
      hint: 'Is this endpoint an AWS federation endpoint?',
    });
  }
  return token;
}

/**
 * Why the sign-in endpoint did not give a token, named for what it is: an endpoint without federation (404: moto,
 * LocalStack, a proxy), a server failure, an expired session, or a refusal whose own words say why. Role chaining
 * is blamed only when the endpoint says so.
 */
function signinRefusal(status: number, body: string, host: string, options: SignInOptions): CrossbarError {
  const { target } = options;
  const detail = redact(summarize(body), options);
  const said = detail ? `: ${detail}` : '';
  if (status === 404 || status === 405 || status === 501) {
    return new CrossbarError(
      'NOT_FOUND',
      `The federation endpoint ${host} answered HTTP ${status}: it has no console sign-in`,
      {
        hint: options.endpoint
          ? `${options.endpoint} does not implement AWS federation (getSigninToken); crossbar's sandbox and AWS do, moto and LocalStack do not`
          : 'Check the partition and any proxy between you and AWS',
      },
    );
  }
  if (status >= 500) {
    return new CrossbarError(
      'ERROR',
      `The federation endpoint ${host} failed with HTTP ${status} for ${target}${said}`,
      {
        hint: 'Retry in a moment; if it persists, check the endpoint',
      },
    );
  }
  const expired = /expired/i.test(body);
  const chaining = /chain/i.test(body);
  return new CrossbarError(
    expired ? 'CREDENTIALS_EXPIRED' : 'DENIED',
    `The sign-in endpoint ${host} refused the session of ${target} (HTTP ${status})${said}`,
    {
      hint: expired
        ? 'The role session has expired; run the command again for fresh credentials'
        : chaining
          ? 'Role-chained sessions cannot ask for a SessionDuration: the console session lasts as long as the credentials'
          : "The console needs role session credentials (from AssumeRole), not an IAM user's own keys",
    },
  );
}

function parseToken(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'SigninToken' in parsed &&
      typeof parsed.SigninToken === 'string'
    )
      return parsed.SigninToken;
  } catch {
    // not JSON: reported by the caller
  }
  return undefined;
}

/** The first line of text in a response (AWS answers errors with an HTML page), kept short. */
function summarize(body: string): string {
  const text = body.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ');
  const line =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** An endpoint that echoes the request must not carry the secrets into our messages. */
function redact(text: string, options: SignInOptions): string {
  const secrets = [options.credentials.secretAccessKey, options.credentials.sessionToken].filter(
    (s): s is string => !!s && s.length >= 8,
  );
  return secrets.reduce((t, s) => t.split(s).join('***'), text);
}
