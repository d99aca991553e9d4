import { CrossbarError } from '../errors.js';
import type { RegistryRole } from '../config/registry.js';

/** How recent a member's second factor must be for an admin role: proved within the last five minutes. */
export const SECOND_FACTOR_MAX_AGE_MS = 5 * 60_000;

/** Whether a session's or token's last second factor (`second_factor_at`) is recent enough. */
export function secondFactorFresh(at: string | null, now: number, maxAgeMs = SECOND_FACTOR_MAX_AGE_MS): boolean {
  if (at === null) return false;
  const proved = Date.parse(at);
  return Number.isFinite(proved) && proved <= now && now - proved < maxAgeMs;
}

/** What a role asks of the member before the server vends it. */
export interface VendNeeds {
  /** An admin role (crossbar.yaml `mfa: required`, or `confirm: true`): a fresh second factor. */
  secondFactor: boolean;
  /** A guarded role (`confirm: true`, production): `confirm: true` in the request. */
  confirm: boolean;
}

export function vendNeeds(role: Pick<RegistryRole, 'mfa' | 'confirm'>): VendNeeds {
  return { secondFactor: role.mfa === 'required' || role.confirm, confirm: role.confirm };
}

export interface VendOffer {
  /** The request said `confirm: true`. */
  confirm: boolean;
  /** The session or token proved a second factor recently, or the request carries a TOTP code to check. */
  secondFactor: boolean;
  /** The member has a TOTP enrolled (else the hint says how to enrol). */
  totpEnrolled: boolean;
}

/**
 * Why the server refuses to vend `target` (`production:admin`) before any AWS call, naming everything missing:
 * CONFIRM_REQUIRED (403) when a guarded role was asked for without `confirm: true`, MFA_REQUIRED (401) when an
 * admin role has no fresh second factor. Undefined when nothing is missing. Confirmation is checked first: a
 * request refused for it must not spend the TOTP code it carries.
 */
export function vendRefusal(needs: VendNeeds, offer: VendOffer, target: string): CrossbarError | undefined {
  const factorMissing = needs.secondFactor && !offer.secondFactor;
  const factorHint = offer.totpEnrolled
    ? 'send totp_code (your current authenticator code) with the request, or POST /api/me/second-factor { code } first'
    : 'enrol your own TOTP first (POST /api/me/totp, then /api/me/totp/confirm), then send totp_code with the request';
  if (needs.confirm && !offer.confirm)
    return new CrossbarError(
      'CONFIRM_REQUIRED',
      `${target} is a guarded role: the request needs confirm: true${factorMissing ? ' and a fresh second factor' : ''}`,
      {
        hint: factorMissing
          ? `say confirm: true to show you mean it, and ${factorHint}`
          : 'say confirm: true to show you mean it',
      },
    );
  if (factorMissing)
    return new CrossbarError(
      'MFA_REQUIRED',
      `${target} is an admin role: it needs a second factor proved within the last ${SECOND_FACTOR_MAX_AGE_MS / 60_000} minutes`,
      { hint: factorHint },
    );
  return undefined;
}
