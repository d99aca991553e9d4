import { mapBounded } from './map-bounded.js';
import { homeRegion, type RegistryAccount } from './config/registry.js';
import { RoleDenialError } from './credentials/explain-denial.js';
import { CrossbarError, isCrossbarError, type ErrorCode } from './errors.js';
import type { FanoutTarget, TargetError, TargetResult } from './fanout/types.js';

/**
 * The reachability matrix of `accounts check`: one row per account × role, each either reached (the assumed-role
 * ARN and the expiry) or denied with the reason the credential engine classified. A fan-out: bounded
 * concurrency, one result per target, never a throw halfway.
 */
/** An account × role to check, in the region its check calls are made: a fan-out target like any other. */
export type RoleTarget = FanoutTarget;

export interface Reach {
  assumedArn: string;
  expiration: Date | undefined;
}

export type { TargetResult } from './fanout/types.js';

/** Every configured role of the accounts, or only the one named by `--role` (its key or its IAM name). */
export function roleTargets(accounts: readonly RegistryAccount[], roleFilter?: string): RoleTarget[] {
  const targets = accounts.flatMap((account) =>
    account.roles
      .filter((role) => roleFilter === undefined || role.key === roleFilter || role.name === roleFilter)
      .map((role) => ({ account, role, region: homeRegion(account) })),
  );
  if (targets.length === 0 && roleFilter !== undefined) {
    const known = [...new Set(accounts.flatMap((a) => a.roles.map((r) => r.key)))];
    throw new CrossbarError('UNKNOWN_ROLE', `No selected account has a role '${roleFilter}'`, {
      hint: `Their roles: ${known.join(', ') || 'none'}`,
    });
  }
  return targets;
}

/**
 * Why a target failed, in the matrix's words: the engine's classification of a denied AssumeRole (trust policy,
 * ExternalId, MFA, caller policy, duration), `MFA` for a missing or rejected code, else the error code.
 */
export function failureReason(error: { code: ErrorCode; reason?: string | undefined }): string {
  if (error instanceof RoleDenialError) return error.reason;
  if (error.reason !== undefined) return error.reason;
  if (error.code === 'MFA_REQUIRED' || error.code === 'MFA_INVALID') return 'MFA';
  return error.code;
}

/** A probe's failure as a target error: its code, message and hint, the matrix's reason, and the cause kept. */
function targetError(err: unknown): TargetError {
  const known = isCrossbarError(err)
    ? err
    : new CrossbarError('ERROR', err instanceof Error ? err.message : String(err), { cause: err });
  return {
    code: known.code,
    message: known.message,
    reason: failureReason(known),
    ...(known.hint === undefined ? {} : { hint: known.hint }),
    cause: known,
  };
}

export interface CheckOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each target settles, for progress. */
  onResult?: (result: TargetResult<Reach>) => void;
}

/** Probes every target; a failure is data in its row, never an exception that loses the other rows. */
/** What a check needs of the root: a probe (credentials, then who they act as: the proof) and a clock. */
export interface ReachabilityRoot {
  probe(target: RoleTarget): Promise<Reach>;
  now(): number;
}

/**
 * Probes every target through the root (`crossbar.probe`: its credentials, then GetCallerIdentity with them); a
 * failure is data in its row, never an exception that loses the other rows.
 */
export async function checkReachability(
  root: ReachabilityRoot,
  targets: readonly RoleTarget[],
  options: CheckOptions = {},
): Promise<TargetResult<Reach>[]> {
  return mapBounded(targets, options.concurrency ?? 8, async (target): Promise<TargetResult<Reach>> => {
    const started = root.now();
    let result: TargetResult<Reach>;
    if (options.signal?.aborted) {
      const error = targetError(new CrossbarError('INTERRUPTED', 'interrupted before this target was checked'));
      result = { target, ok: false, error, ms: 0 };
    } else {
      try {
        const value = await root.probe(target);
        result = { target, ok: true, value, ms: root.now() - started };
      } catch (err) {
        result = { target, ok: false, error: targetError(err), ms: root.now() - started };
      }
    }
    options.onResult?.(result);
    return result;
  });
}

/** `7 ok, 2 denied (caller policy ×1, MFA ×1)` */
export function summarizeReachability(results: readonly TargetResult<Reach>[]): string {
  const ok = results.filter((r) => r.ok).length;
  const reasons = new Map<string, number>();
  for (const r of results)
    if (!r.ok) reasons.set(failureReason(r.error), (reasons.get(failureReason(r.error)) ?? 0) + 1);
  const failed = results.length - ok;
  if (failed === 0) return `${ok} ok`;
  return `${ok} ok, ${failed} denied (${[...reasons].map(([reason, n]) => `${reason} ×${n}`).join(', ')})`;
}
