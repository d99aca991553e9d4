import type { RegistryAccount, RegistryRole } from '../config/registry.js';
import type { ErrorCode } from '../errors.js';

/**
 * The vocabulary of a run: a target is one account (+ role) in one region, and every target gets exactly one
 * result: ok with a value, or failed with a code, the AWS message and AWS's own error code.
 */
export { FAILURE_CODES, type FailureCode } from '../errors.js';

/** An account as a run reaches it: the registry account and the role whose credentials its calls use. */
export interface FanoutAccount {
  account: RegistryAccount;
  role: RegistryRole;
}

/** The region of a result that stands for a whole account (`--regions all` when its regions could not be read). */
export const ALL_REGIONS = '*';

export interface FanoutTarget extends FanoutAccount {
  region: string;
  /**
   * The call answers for the whole account (IAM, Organizations, S3's ListBuckets): one target per account,
   * in `region`, the partition's global region.
   */
  global?: true;
}

/** Why a target failed. Plain data, so that it prints and serializes as it is; the cause is kept for --debug. */
export interface TargetError {
  code: ErrorCode;
  /** What happened: AWS's own message where it says it, crossbar's where AWS's would mislead. */
  message: string;
  /** AWS's error code (`AccessDenied`, `RequestLimitExceeded`), when AWS answered. */
  awsCode?: string;
  /** AWS's message when `message` is crossbar's own. */
  awsMessage?: string;
  /** A denied role's classified reason (`trust policy`, `ExternalId`, `MFA`, …). */
  reason?: string;
  hint?: string;
  cause?: unknown;
}

export type TargetResult<T> =
  | { target: FanoutTarget; ok: true; value: T; ms: number }
  /** A failed target may still carry a value: `--exec` keeps the output of a command that exited non-zero. */
  | { target: FanoutTarget; ok: false; error: TargetError; ms: number; value?: T };

export interface FanoutProgress {
  /** Targets known so far; grows while `--regions all` reads each account's regions. */
  total: number;
  done: number;
  ok: number;
  failed: number;
  inFlight: number;
  elapsedMs: number;
  /** Estimated time left, from the pace so far; undefined until something finished. */
  etaMs: number | undefined;
}

/** Thrown by a run's work to fail a target with a chosen error while keeping its value (`--exec`'s output). */
export class TargetFailure<T> extends Error {
  readonly error: TargetError;
  readonly value: T | undefined;

  constructor(error: TargetError, value?: T) {
    super(error.message);
    this.name = 'TargetFailure';
    this.error = error;
    this.value = value;
  }
}
