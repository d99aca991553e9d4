import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../helpers/credentials.js';
import { startWorld, type World } from '../helpers/world.js';

/*
 * Issue 9 item 2: a lock file nobody holds (empty, a live but unrelated pid, another host's) made the next caller
 * wait 30 s for credentials and up to 120 s for the MFA session. Each case here must take well under a second
 * of waiting; a lock that is genuinely held still makes the next caller wait.
 */

let w: World;
beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
});
afterAll(async () => {
  await w.stop();
});

const cacheDir = (h: Harness) => join(h.home, 'cache');
const files = (h: Harness, ext: string) => readdirSync(cacheDir(h)).filter((f) => f.endsWith(ext));
const owner = (over: Record<string, unknown>) =>
  JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now(), token: 'theirs', ...over });

/** Warms development's entry once, then removes it and leaves `lock` where its lock goes. */
async function developmentWithLock(lock: string): Promise<Harness & { lockFile: string }> {
  const h = harness(w, 'alice');
  await h.engine().getCredentials(h.target('development'));
  const [entry] = files(h, '.cache');
  if (!entry) throw new Error('no cache entry');
  unlinkSync(join(cacheDir(h), entry));
  const lockFile = join(cacheDir(h), entry.replace(/\.cache$/, '.lock'));
  writeFileSync(lockFile, lock);
  return { ...h, lockFile };
}

async function timed<T>(p: Promise<T>): Promise<number> {
  const started = Date.now();
  await p;
  return Date.now() - started;
}

describe('credential cache lock', () => {
  const cases: [string, string][] = [
    ['an empty lock file', ''],
    ['a live, unrelated pid with an old start time', owner({ pid: process.ppid, startedAt: Date.now() - 600_000 })],
    [
      'another host, older than an AssumeRole can take',
      owner({ host: 'laptop-2', pid: 4242, startedAt: Date.now() - 60_000 }),
    ],
  ];
  for (const [name, content] of cases) {
    it(`${name} does not make credentials wait`, { timeout: 10_000 }, async () => {
      const h = await developmentWithLock(content);
      expect(await timed(h.engine().getCredentials(h.target('development')))).toBeLessThan(2_000);
      expect(h.counts).toMatchObject({ AssumeRoleCommand: 2 });
    });
  }

  it('denied twin: a fresh lock held by a live process makes the next caller wait for it', async () => {
    const h = await developmentWithLock(owner({ pid: process.ppid }));
    const got = h.engine().getCredentials(h.target('development'));
    const early = await Promise.race([got, new Promise((r) => setTimeout(() => r('still waiting'), 600))]);
    expect(early).toBe('still waiting');
    unlinkSync(h.lockFile); // the holder finishes
    expect((await got).accountId).toBe('222222222222');
  });
});

describe('MFA session lock', () => {
  it(
    'an empty MFA lock and another host’s old role lock do not make an MFA role wait 120 s',
    { timeout: 15_000 },
    async () => {
      const h = harness(w, 'alice');
      // The first attempt learns where the locks go: they exist while the code is asked for. It gives no code.
      let locks: string[] = [];
      await expect(
        h
          .engine({
            mfaCodeProvider: () => {
              locks = files(h, '.lock');
              return Promise.reject(new Error('no code this time'));
            },
          })
          .getCredentials(h.target('production:admin')),
      ).rejects.toThrow();
      expect(locks).toHaveLength(2); // the role's entry and the MFA session's
      const [a, b] = locks as [string, string];
      writeFileSync(join(cacheDir(h), a), '');
      writeFileSync(join(cacheDir(h), b), owner({ host: 'laptop-2', pid: 4242, startedAt: Date.now() - 130_000 }));
      const ms = await timed(
        h
          .engine({ mfaCodeProvider: () => Promise.resolve(w.sb.mfaCode('alice')) })
          .getCredentials(h.target('production:admin')),
      );
      expect(ms).toBeLessThan(3_000);
      expect(files(h, '.lock')).toEqual([]);
    },
  );
});
