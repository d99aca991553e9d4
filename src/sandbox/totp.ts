import { TOTP, Secret } from 'otpauth';

/** Real RFC 6238 TOTP (SHA1, 6 digits, 30 s), as virtual MFA devices use. */
export function totpFor(secret: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: atMs,
  });
}

/** Accepts the current code and one step either side, as AWS tolerates small clock drift. */
export function verifyTotp(secret: string, code: string, atMs: number): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.validate({ token: code, timestamp: atMs, window: 1 }) !== null;
}

export const TOTP_STEP_MS = 30_000;

/**
 * The time step a code belongs to (current, or one either side for clock drift), or undefined when it is not a
 * valid code now. A code is good once: the caller compares the step with the device's last used one.
 */
export function totpStep(secret: string, code: string, atMs: number): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  const delta = totp.validate({ token: code, timestamp: atMs, window: 1 });
  return delta === null ? undefined : Math.floor(atMs / TOTP_STEP_MS) + delta;
}
