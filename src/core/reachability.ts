import type { RegistryAccount, RegistryRole } from './config/registry.js';
import { RoleDenialError } from './credentials/explain-denial.js';
import { CrossbarError, isCrossbarError } from './errors.js';

/**
 * The reachability matrix of `accounts check`: one row per account × role, each either reached (the assumed-role
 * ARN and the expiry) or denied with the reason the credential engine classified. A fan-out: bounded
 * concurrency, one result per target, never a throw halfway.
 */
export interface RoleTarget {
  account: RegistryAccount;
  role: RegistryRole;
  region: string;
}

export interface Reach {
  assumedArn: string;
  expiration: Date | undefined;
}

export type TargetResult<T> =
  { target: RoleTarget; ok: true; value: T } | { target: RoleTarget; ok: false; error: CrossbarError };

/** Every configured role of the accounts, or only the one named by `--role` (its key or its IAM name). */
export function roleTargets(accounts: readonly RegistryAccount[], roleFilter?: string): RoleTarget[] {
  const targets = accounts.flatMap((account) =>
    account.roles
      .filter((role) => roleFilter === undefined || role.key === roleFilter || role.name === roleFilter)
      .map((role) => ({ account, role, region: account.regions[0] ?? 'us-east-1' })),
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
export function failureReason(error: CrossbarError): string {
  if (error instanceof RoleDenialError) return error.reason;
  if (error.code === 'MFA_REQUIRED' || error.code === 'MFA_INVALID') return 'MFA';
  return error.code;
}

function asCrossbarError(err: unknown): CrossbarError {
  if (isCrossbarError(err)) return err;
  return new CrossbarError('ERROR', err instanceof Error ? err.message : String(err), { cause: err });
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export interface CheckOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each target settles, for progress. */
  onResult?: (result: TargetResult<Reach>) => void;
}

/** Probes every target; a failure is data in its row, never an exception that loses the other rows. */
export async function checkReachability(
  targets: readonly RoleTarget[],
  probe: (target: RoleTarget) => Promise<Reach>,
  options: CheckOptions = {},
): Promise<TargetResult<Reach>[]> {
  return mapBounded(targets, options.concurrency ?? 8, async (target): Promise<TargetResult<Reach>> => {
    let result: TargetResult<Reach>;
    if (options.signal?.aborted) {
      result = {
        target,
        ok: false,
        error: new CrossbarError('INTERRUPTED', 'interrupted before this target was checked'),
      };
    } else {
      try {
        result = { target, ok: true, value: await probe(target) };
      } catch (err) {
        result = { target, ok: false, error: asCrossbarError(err) };
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
