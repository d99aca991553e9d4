import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpCode, totpStepOf, totpUri } from './member-totp.js';
import { openSecret, sealSecret } from './server-key.js';
import { randomBytes } from 'node:crypto';

const T = Date.parse('2026-12-05T12:00:10Z');

describe('member TOTP', () => {
  it('accepts the current code and one step either side, and says which step', () => {
    const secret = newTotpSecret();
    const step = Math.floor(T / 30_000);
    expect(totpStepOf(secret, totpCode(secret, T), T)).toBe(step);
    expect(totpStepOf(secret, totpCode(secret, T - 30_000), T)).toBe(step - 1);
    expect(totpStepOf(secret, totpCode(secret, T + 30_000), T)).toBe(step + 1);
    expect(totpStepOf(secret, totpCode(secret, T - 90_000), T)).toBeUndefined();
    expect(totpStepOf(secret, 'abcdef', T)).toBeUndefined();
    expect(totpStepOf(newTotpSecret(), totpCode(secret, T), T)).toBeUndefined();
  });

  it('writes an otpauth URL an authenticator reads', () => {
    const url = new URL(totpUri('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'alice', 'crossbar (team.example)'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    expect(url.searchParams.get('issuer')).toBe('crossbar (team.example)');
    expect(url.searchParams.get('digits')).toBe('6');
  });
});

describe('sealSecret', () => {
  it('opens with the same key and purpose only', () => {
    const key = randomBytes(32);
    const sealed = sealSecret(key, 'totp:u1', 'JBSWY3DP');
    expect(sealed).not.toContain('JBSWY3DP');
    expect(openSecret(key, 'totp:u1', sealed)).toBe('JBSWY3DP');
    expect(openSecret(key, 'totp:u2', sealed)).toBeUndefined();
    expect(openSecret(randomBytes(32), 'totp:u1', sealed)).toBeUndefined();
    expect(openSecret(key, 'totp:u1', 'garbage')).toBeUndefined();
  });
});
