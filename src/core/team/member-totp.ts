import { Secret, TOTP } from 'otpauth';

/**
 * A member's own TOTP, enrolled in the server (RFC 6238: SHA-1, 6 digits, 30 s, what every authenticator app
 * reads from an otpauth:// URL). The secret is shown once at enrolment and stored sealed with the server key.
 */
export const TOTP_PERIOD_MS = 30_000;

function totp(secret: string, username = 'member', issuer = 'crossbar'): TOTP {
  return new TOTP({
    issuer,
    label: username,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_MS / 1000,
  });
}

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URL an authenticator app scans: `otpauth://totp/crossbar:alice?secret=…&issuer=crossbar…`. */
export function totpUri(secret: string, username: string, issuer: string): string {
  return totp(secret, username, issuer).toString();
}

/** The code of the step `atMs` falls in (tests, and a member's script with the secret). */
export function totpCode(secret: string, atMs: number): string {
  return totp(secret).generate({ timestamp: atMs });
}

/**
 * The time step a code belongs to (the current one, or one either side for clock drift), or undefined when it is
 * not a valid code now. A code is good once: the caller keeps the member's last used step and accepts only a
 * later one.
 */
export function totpStepOf(secret: string, code: string, atMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secret).validate({ token: code, timestamp: atMs, window: 1 });
  return delta === null ? undefined : Math.floor(atMs / TOTP_PERIOD_MS) + delta;
}
