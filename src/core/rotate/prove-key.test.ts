import { describe, expect, it } from 'vitest';
import type { CallerIdentity } from '../credentials/sts-calls.js';
import { proveKey } from './prove-key.js';

const USER = 'arn:aws:iam::111111111111:user/carol';
const KEY = { accessKeyId: 'AKIANEW0000000000000', secretAccessKey: 'secret' };

/** STS as IAM's eventual consistency makes it: InvalidClientTokenId for the first `misses` calls. */
function eventually(misses: number, arn = USER) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    callerIdentity: (): Promise<CallerIdentity> => {
      calls += 1;
      if (calls <= misses)
        return Promise.reject(
          Object.assign(new Error('The security token included in the request is invalid.'), {
            name: 'InvalidClientTokenId',
            $metadata: { httpStatusCode: 403 },
          }),
        );
      return Promise.resolve({ arn, accountId: '111111111111' });
    },
  };
}

function clock() {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: (ms: number) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

describe('proveKey', () => {
  it('tries again with backoff while STS does not know the new key yet', async () => {
    const sts = eventually(3);
    const c = clock();
    const attempts = await proveKey({ credentials: KEY, expectedArn: USER, withinMs: 60_000, ...c, ...sts });
    expect(attempts).toBe(4);
    expect(c.slept).toEqual([1000, 2000, 4000]);
  });

  it('gives up at its bound, naming the last answer (denied twin)', async () => {
    const sts = eventually(Number.POSITIVE_INFINITY);
    const c = clock();
    await expect(proveKey({ credentials: KEY, expectedArn: USER, withinMs: 20_000, ...c, ...sts })).rejects.toThrow(
      'STS did not accept the new key AKIANEW0000000000000 within 20 s (last answer: InvalidClientTokenId: The security token included in the request is invalid.)',
    );
    expect(c.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
    expect(c.slept).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('refuses a key that acts as someone else, without retrying', async () => {
    const sts = eventually(0, 'arn:aws:iam::111111111111:user/mallory');
    const c = clock();
    await expect(proveKey({ credentials: KEY, expectedArn: USER, withinMs: 60_000, ...c, ...sts })).rejects.toThrow(
      /acts as arn:aws:iam::111111111111:user\/mallory/,
    );
    expect(sts.calls).toBe(1);
  });
});
