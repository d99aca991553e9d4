import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';

const dir = () => mkdtempSync(join(tmpdir(), 'crossbar-lock-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 999_999;
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

  it('breaks a lock whose holder process is dead, at once', async () => {
    const lock = join(dir(), 'x.lock');
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'gone' }));
    const started = Date.now();
    await expect(withFileLock(lock, () => Promise.resolve('mine'))).resolves.toBe('mine');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('breaks a lock not touched for staleMs, but waits on a fresh one', async () => {
    const lock = join(dir(), 'x.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: 'another-machine', token: 'old' }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await expect(withFileLock(lock, () => Promise.resolve('mine'), { staleMs: 30_000 })).resolves.toBe('mine');

    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: 'another-machine', token: 'fresh' }));
    const waited = await Promise.race([
      withFileLock(lock, () => Promise.resolve('stole it'), { staleMs: 30_000 }),
      sleep(300).then(() => 'still waiting'),
    ]);
    expect(waited).toBe('still waiting');
    expect(existsSync(lock)).toBe(true);
  });
});
