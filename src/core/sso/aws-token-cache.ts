import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, unlinkQuietly, writeFileAtomic } from '../credentials/atomic-file.js';
import type { SsoToken } from './sso-token.js';

/**
 * The AWS tools' own SSO token cache, `~/.aws/sso/cache/<sha1(session name)>.json`: what `aws sso login` writes
 * and what botocore's and the JS SDK's SSO providers read (and refresh, through SSO OIDC) for `sso_session`
 * profiles. crossbar writes it only for sessions whose profiles use that style (`aws-config --sso-style
 * sso-session`), so that those profiles work after `crossbar login` without the AWS CLI v2. It is plain JSON by
 * the AWS tools' design: 0600 in a 0700 directory, replaced atomically.
 */
export function awsTokenCacheDir(home: string): string {
  return join(home, '.aws', 'sso', 'cache');
}

export function awsTokenCachePath(home: string, session: string): string {
  return join(awsTokenCacheDir(home), `${createHash('sha1').update(session).digest('hex')}.json`);
}

/** ISO 8601 in UTC without milliseconds, as the AWS CLI writes it (botocore and the SDK both parse it). */
function awsTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function writeAwsTokenCache(home: string, token: SsoToken): string {
  const f = token.fields();
  const path = awsTokenCachePath(home, f.session);
  ensurePrivateDir(join(home, '.aws', 'sso'));
  ensurePrivateDir(awsTokenCacheDir(home));
  const body = {
    startUrl: f.startUrl,
    region: f.region,
    accessToken: f.accessToken,
    expiresAt: awsTime(f.expiresAt),
    clientId: f.client.clientId,
    clientSecret: f.client.clientSecret,
    registrationExpiresAt: awsTime(f.client.expiresAt),
    ...(f.refreshToken ? { refreshToken: f.refreshToken } : {}),
  };
  writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

export function hasAwsTokenCache(home: string, session: string): boolean {
  return existsSync(awsTokenCachePath(home, session));
}

export function deleteAwsTokenCache(home: string, session: string): void {
  unlinkQuietly(awsTokenCachePath(home, session));
}

/** The AWS tools' copy of a session's token, when they refreshed it since (their refresh spends crossbar's). */
export interface AwsCachedToken {
  startUrl: string;
  accessToken: string;
  expiresAt: Date;
  refreshToken?: string;
}

export function readAwsTokenCache(home: string, session: string): AwsCachedToken | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(awsTokenCachePath(home, session), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(raw)) return undefined;
  const { startUrl, accessToken, expiresAt, refreshToken } = raw;
  if (typeof startUrl !== 'string' || typeof accessToken !== 'string' || typeof expiresAt !== 'string')
    return undefined;
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) return undefined;
  return { startUrl, accessToken, expiresAt: at, ...(typeof refreshToken === 'string' ? { refreshToken } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
