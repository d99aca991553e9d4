import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { errnoOf, unlinkQuietly } from './atomic-file.js';

export interface FileLockOptions<T> {
  /** While another process holds the lock, look for its result (e.g. the cache entry it is writing). */
  peek?: () => Promise<T | undefined>;
  /** A lock whose holder stopped touching it this long ago is abandoned. */
  staleMs?: number;
  /** Waiters poll with jitter between these two delays. */
  pollMinMs?: number;
  pollMaxMs?: number;
  now?: () => number;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

const DEFAULT_STALE_MS = 30_000;

/**
 * Runs `work` while holding a lock file created with O_EXCL, so that across processes only one runs at a time.
 * Waiters poll (25–50 ms with jitter) until `peek` finds the holder's result or the lock vanishes, and break a
 * lock whose holder died (same host, pid gone) or stopped its heartbeat for `staleMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions<T> = {},
): Promise<T> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const now = options.now ?? Date.now;
  for (;;) {
    const token = tryAcquire(lockPath);
    if (token !== undefined) return holdWhile(lockPath, token, staleMs, work);
    breakIfStale(lockPath, staleMs, now());
    const min = options.pollMinMs ?? 25;
    const max = options.pollMaxMs ?? 50;
    await sleep(min + Math.random() * (max - min));
    // Look for the result before trying the lock again; a waiter that gets the lock anyway must re-check
    // inside `work`, since the holder may have finished between the two.
    const seen = await options.peek?.();
    if (seen !== undefined) return seen;
  }
}

function tryAcquire(lockPath: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return undefined;
    throw err;
  }
  const token = randomBytes(8).toString('hex');
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), token } satisfies LockOwner));
  } finally {
    closeSync(fd);
  }
  return token;
}

async function holdWhile<T>(lockPath: string, token: string, staleMs: number, work: () => Promise<T>): Promise<T> {
  // The heartbeat keeps a slow holder (an MFA prompt, a slow STS) from being taken for a dead one.
  const heartbeat = setInterval(
    () => {
      try {
        const at = new Date();
        utimesSync(lockPath, at, at);
      } catch {
        // the lock was broken by a waiter; finishing the work is still right
      }
    },
    Math.max(1_000, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    if (readOwner(lockPath)?.token === token) unlinkQuietly(lockPath);
  }
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(lockPath, 'utf8'));
    if (!isRecord(parsed)) return undefined;
    const { pid, host, token } = parsed;
    return typeof pid === 'number' && typeof host === 'string' && typeof token === 'string'
      ? { pid, host, token }
      : undefined;
  } catch {
    // missing, or created but not yet written: the holder is alive and about to write it
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

/**
 * Removes an abandoned lock. The lock is renamed away first (atomic), then checked: if what was moved turns
 * out to be a fresh lock that replaced the stale one in between, it is put back.
 */
function breakIfStale(lockPath: string, staleMs: number, nowMs: number): void {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lockPath).mtimeMs;
  } catch {
    return;
  }
  const owner = readOwner(lockPath);
  const dead = owner !== undefined && owner.host === hostname() && !isAlive(owner.pid);
  if (!dead && nowMs - mtimeMs < staleMs) return;
  const moved = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, moved);
  } catch {
    return;
  }
  const movedOwner = readOwner(moved);
  if (owner !== undefined && movedOwner !== undefined && movedOwner.token !== owner.token) {
    try {
      // link, not rename: it fails rather than overwrite a lock taken in the meantime
      linkSync(moved, lockPath);
    } catch {
      // someone else holds it now; the moved lock's holder finishes without it
    }
  }
  unlinkQuietly(moved);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
