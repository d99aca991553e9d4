import { describe, expect, it } from 'vitest';
import { secondFactorFresh, vendNeeds, vendRefusal } from './vend-guard.js';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('secondFactorFresh', () => {
  it('is fresh within 5 minutes, stale after, never without one or from the future', () => {
    expect(secondFactorFresh(ago(4 * 60_000), NOW)).toBe(true);
    expect(secondFactorFresh(ago(5 * 60_000), NOW)).toBe(false);
    expect(secondFactorFresh(null, NOW)).toBe(false);
    expect(secondFactorFresh(ago(-60_000), NOW)).toBe(false);
    expect(secondFactorFresh('not a date', NOW)).toBe(false);
  });
});

describe('vendRefusal', () => {
  const admin = vendNeeds({ mfa: 'required', confirm: false });
  const production = vendNeeds({ mfa: 'required', confirm: true });
  const readonly = vendNeeds({ mfa: 'none', confirm: false });
  const offer = { confirm: false, secondFactor: false, totpEnrolled: true };

  it('lets a plain role through with nothing', () => {
    expect(vendRefusal(readonly, offer, 'dev:readonly')).toBeUndefined();
  });

  it('asks an admin role for a fresh second factor (401), and lets it through with one', () => {
    const refused = vendRefusal(admin, offer, 'dev:admin');
    expect(refused?.code).toBe('MFA_REQUIRED');
    expect(refused?.message).toContain('dev:admin');
    expect(vendRefusal(admin, { ...offer, secondFactor: true }, 'dev:admin')).toBeUndefined();
  });

  it('tells a member without TOTP to enrol', () => {
    expect(vendRefusal(admin, { ...offer, totpEnrolled: false }, 'dev:admin')?.hint).toContain('POST /api/me/totp');
  });

  it('asks a guarded role for confirm first, naming the second factor too when it is missing', () => {
    const both = vendRefusal(production, offer, 'production:admin');
    expect(both?.code).toBe('CONFIRM_REQUIRED');
    expect(both?.message).toMatch(/confirm: true and a fresh second factor/);
    const onlyConfirm = vendRefusal(production, { ...offer, secondFactor: true }, 'production:admin');
    expect(onlyConfirm?.code).toBe('CONFIRM_REQUIRED');
    expect(onlyConfirm?.message).not.toContain('second factor');
    expect(vendRefusal(production, { ...offer, confirm: true }, 'production:admin')?.code).toBe('MFA_REQUIRED');
    expect(vendRefusal(production, { ...offer, confirm: true, secondFactor: true }, 'p:a')).toBeUndefined();
  });

  it('treats a confirm-only role as an admin role', () => {
    expect(vendNeeds({ mfa: 'none', confirm: true })).toEqual({ secondFactor: true, confirm: true });
  });
});
