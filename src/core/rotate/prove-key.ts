import { awsErrorFacts, isUnreachable } from '../credentials/sts-errors.js';
import type { CallerIdentity } from '../credentials/sts-calls.js';
import type { Credentials } from '../credentials/credentials.js';
import { CrossbarError } from '../errors.js';

export interface ProveOptions {
  credentials: Credentials;
  /** The ARN the new key must act as: the user whose old key it replaces. */
  expectedArn: string;
  /** GetCallerIdentity with the given credentials. */
  callerIdentity: (credentials: Credentials) => Promise<CallerIdentity>;
  /** How long the key may take to be accepted (IAM is eventually consistent: a new key can take seconds). */
  withinMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** The waits between tries: 1 s, 2 s, 4 s, then every 5 s, until `withinMs` is spent. */
function backoff(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 5000);
}

/**
 * Proves a new access key works before anything relies on it: GetCallerIdentity with it, tried again with backoff
 * while STS does not know the key yet, within a bound. Returns the number of tries; throws naming the last answer.
 */
export async function proveKey(options: ProveOptions): Promise<number> {
  const started = options.now();
  let lastError: unknown;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const caller = await options.callerIdentity(options.credentials);
      if (caller.arn === options.expectedArn) return attempt;
      throw new CrossbarError(
        'ERROR',
        `the new key ${options.credentials.accessKeyId} acts as ${caller.arn}, not ${options.expectedArn}`,
      );
    } catch (err) {
      if (err instanceof CrossbarError || isUnreachable(err)) throw err;
      lastError = err;
    }
    const wait = backoff(attempt);
    if (options.now() - started + wait > options.withinMs) break;
    await options.sleep(wait);
  }
  const { name, message } = awsErrorFacts(lastError);
  throw new CrossbarError(
    'ERROR',
    `STS did not accept the new key ${options.credentials.accessKeyId} within ${Math.round(options.withinMs / 1000)} s (last answer: ${name}: ${message})`,
    { cause: lastError },
  );
}
