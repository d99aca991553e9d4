import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLockStale, withFileLock, type LockOwner } from './file-lock.js';
import { processStartedAt } from '../process-liveness.js';

const dir = () => mkdtempSync(join(tmpdir(), 'crossbar-lock-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 999_999;
}

function lockOf(owner: Partial<LockOwner>): string {
  return JSON.stringify({ pid: process.pid, host: hostname(), startedAt: Date.now(), token: 'theirs', ...owner });
}

/** How long a caller takes to get a lock whose file already holds `content`, or 'still waiting' after `limitMs`. */
async function timeToAcquire(content: string, staleMs: number, limitMs = 1_500): Promise<number | 'still waiting'> {
  const lock = join(dir(), 'x.lock');
  writeFileSync(lock, content);
  const started = Date.now();
  return Promise.race([
    withFileLock(lock, () => Promise.resolve(Date.now() - started), { staleMs }),
    sleep(limitMs).then(() => 'still waiting' as const),
  ]);
}

describe('withFileLock', () => {
  it('lets one holder in at a time', async () => {
    const lock = join(dir(), 'x.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(
          lock,
          async () => {
            inside += 1;
            most = Math.max(most, inside);
            await sleep(2);
            inside -= 1;
          },
          { pollMinMs: 1, pollMaxMs: 3 },
        ),
      ),
    );
    expect(most).toBe(1);
    expect(existsSync(lock)).toBe(false);
  });

  it("waiters take the holder's result through peek instead of doing the work again", async () => {
    const lock = join(dir(), 'x.lock');
    let result: string | undefined;
    let runs = 0;
    const work = async () => {
      if (result !== undefined) return result; // the re-check every holder makes
      runs += 1;
      await sleep(30);
      result = 'done';
      return result;
    };
    const all = await Promise.all(
      Array.from({ length: 5 }, () => withFileLock(lock, work, { peek: () => Promise.resolve(result) })),
    );
    expect(all).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(runs).toBe(1);
  });

  it('releases the lock when the work throws', async () => {
    const lock = join(dir(), 'x.lock');
    await expect(withFileLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
    await expect(withFileLock(lock, () => Promise.resolve(1))).resolves.toBe(1);
  });

  it('the lock file names its owner, host and start time from the moment it exists', async () => {
    const lock = join(dir(), 'x.lock');
    const seen = await withFileLock(lock, () => Promise.resolve(JSON.parse(readFileSync(lock, 'utf8')) as unknown), {
      now: () => 1_700_000_000_000,
    });
    expect(seen).toMatchObject({ pid: process.pid, host: hostname(), startedAt: 1_700_000_000_000 });
  });
});

describe('withFileLock: locks nobody holds are broken at once', () => {
  for (const staleMs of [30_000, 120_000]) {
    it(`an empty lock file (staleMs ${staleMs})`, async () => {
      expect(await timeToAcquire('', staleMs)).toBeLessThan(1_000);
    });
  }

  it('an unparseable lock, or one from an older crossbar without a start time', async () => {
    expect(await timeToAcquire('{"pid":', 30_000)).toBeLessThan(1_000);
    expect(
      await timeToAcquire(JSON.stringify({ pid: process.ppid, host: hostname(), token: 'x' }), 30_000),
    ).toBeLessThan(1_000);
  });

  it('one whose holder process is dead', async () => {
    expect(await timeToAcquire(lockOf({ pid: deadPid() }), 30_000)).toBeLessThan(1_000);
  });

  it('one naming a live, unrelated process, taken longer ago than the operation can take', async () => {
    const old = lockOf({ pid: process.ppid, startedAt: Date.now() - 10 * 60_000 });
    expect(await timeToAcquire(old, 30_000)).toBeLessThan(1_000);
    expect(await timeToAcquire(old, 120_000)).toBeLessThan(1_000);
  });

  it.runIf(process.platform === 'linux')(
    'one naming a live process that started after the lock (a reused pid)',
    async () => {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await sleep(50);
        expect(processStartedAt(child.pid ?? 0)).toBeGreaterThan(Date.now() - 5_000);
        const content = lockOf({ pid: child.pid ?? 0, startedAt: Date.now() - 10_000 });
        expect(await timeToAcquire(content, 30_000)).toBeLessThan(1_000);
      } finally {
        child.kill();
      }
    },
  );

  it('one from another host older than the operation can take', async () => {
    const old = lockOf({ host: 'another-machine', pid: 1, startedAt: Date.now() - 130_000 });
    expect(await timeToAcquire(old, 30_000)).toBeLessThan(1_000);
    expect(await timeToAcquire(old, 120_000)).toBeLessThan(1_000);
  });

  it('one from another host judged on a fake clock: stale once the clock passes the operation time', async () => {
    const lock = join(dir(), 'x.lock');
    writeFileSync(lock, lockOf({ host: 'another-machine', startedAt: 1_000_000 }));
    let clock = 1_000_000 + 60_000;
    const got = withFileLock(lock, () => Promise.resolve('mine'), { staleMs: 120_000, now: () => clock });
    const early = await Promise.race([got, sleep(200).then(() => 'still waiting')]);
    expect(early).toBe('still waiting');
    clock = 1_000_000 + 121_000;
    expect(await Promise.race([got, sleep(1_000).then(() => 'still waiting')])).toBe('mine');
  });
});

describe('withFileLock: a lock that is held is respected', () => {
  it('a fresh lock of a live process on this host makes the next caller wait', async () => {
    expect(await timeToAcquire(lockOf({ pid: process.ppid }), 30_000, 500)).toBe('still waiting');
  });

  it('a fresh lock from another host makes the next caller wait', async () => {
    expect(await timeToAcquire(lockOf({ host: 'another-machine', pid: 1 }), 120_000, 500)).toBe('still waiting');
  });

  it('a second caller serializes behind a genuine holder and gets in when it finishes', async () => {
    const lock = join(dir(), 'x.lock');
    const order: string[] = [];
    let release = () => {};
    const first = withFileLock(lock, async () => {
      order.push('first in');
      await new Promise<void>((r) => (release = r));
      order.push('first out');
    });
    await sleep(20);
    const second = withFileLock(lock, () => Promise.resolve(order.push('second in')), { pollMinMs: 5, pollMaxMs: 10 });
    await sleep(300);
    expect(order).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });

  it('no caller waits longer than the operation can take, even behind a live holder', async () => {
    const lock = join(dir(), 'x.lock');
    let release = () => {};
    const first = withFileLock(lock, () => new Promise<void>((r) => (release = r)));
    await sleep(20);
    const started = Date.now();
    await withFileLock(lock, () => Promise.resolve(), { staleMs: 400 });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(350);
    expect(waited).toBeLessThan(1_500);
    release();
    await first;
  });
});

describe('isLockStale', () => {
  const mine = (over: Partial<LockOwner> = {}): LockOwner => ({
    pid: process.ppid,
    host: hostname(),
    startedAt: 1_000_000,
    token: 't',
    ...over,
  });
  it('judges age first, then (on this host) whether the pid is the one that took the lock', () => {
    const before = () => 900_000;
    expect(isLockStale(mine(), 30_000, 1_010_000, before)).toBe(false);
    expect(isLockStale(mine(), 30_000, 1_031_000, before)).toBe(true);
    expect(isLockStale(mine(), 30_000, 960_000, before)).toBe(true); // far in the future: an untrustworthy clock
    expect(isLockStale(mine(), 30_000, 1_010_000, () => 1_005_000)).toBe(true); // pid reused after the lock
    expect(isLockStale(mine({ host: 'elsewhere', pid: 1 }), 30_000, 1_010_000, () => 1_005_000)).toBe(false);
  });
});
