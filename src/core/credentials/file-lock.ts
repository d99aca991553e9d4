import { linkSync, readFileSync, renameSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createFileAtomic, errnoOf, unlinkQuietly } from './atomic-file.js';
import { isWriterGone, processStartedAt } from '../process-liveness.js';

export interface FileLockOptions<T> {
  /** While another process holds the lock, look for its result (e.g. the cache entry it is writing). */
  peek?: () => Promise<T | undefined>;
  /**
   * The longest the locked operation can take. A lock taken longer ago than this is abandoned, and no waiter
   * waits longer than this in all.
   */
  staleMs?: number;
  /** Waiters poll with jitter between these two delays. */
  pollMinMs?: number;
  pollMaxMs?: number;
  now?: () => number;
}

/** What a lock file holds: who took it, where, and when. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Epoch milliseconds when the lock was taken. */
  startedAt: number;
  token: string;
}

const DEFAULT_STALE_MS = 30_000;

/**
 * Runs `work` while holding a lock file, so that across processes only one runs at a time. The lock appears
 * atomically with its owner, host and start time already in it (written to a temp file, then linked), so an empty
 * or unreadable lock is never one being taken: it is debris. Waiters poll (25–50 ms with jitter) until `peek`
 * finds the holder's result or the lock goes, and break a lock that is debris, older than the operation can take,
 * or (on this host) held by a process that is gone or is not the one that took it. A waiter never waits longer
 * than `staleMs` in all: past that it takes the lock over.
 */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions<T> = {},
): Promise<T> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const now = options.now ?? Date.now;
  const giveUpAt = now() + staleMs;
  for (;;) {
    const token = tryAcquire(lockPath, now());
    if (token !== undefined) return holdWhile(lockPath, token, work);
    breakIfStale(lockPath, staleMs, now(), now() >= giveUpAt);
    const min = options.pollMinMs ?? 25;
    const max = options.pollMaxMs ?? 50;
    await sleep(min + Math.random() * (max - min));
    // Look for the result before trying the lock again; a waiter that gets the lock anyway must re-check
    // inside `work`, since the holder may have finished between the two.
    const seen = await options.peek?.();
    if (seen !== undefined) return seen;
  }
}

function tryAcquire(lockPath: string, nowMs: number): string | undefined {
  const token = randomBytes(8).toString('hex');
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: nowMs, token };
  return createFileAtomic(lockPath, JSON.stringify(owner)) ? token : undefined;
}

async function holdWhile<T>(lockPath: string, token: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    if (readLockOwner(lockPath)?.token === token) unlinkQuietly(lockPath);
  }
}

type LockRead = { state: 'missing' } | { state: 'debris' } | { state: 'held'; owner: LockOwner };

function readLock(lockPath: string): LockRead {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (err) {
    return errnoOf(err) === 'ENOENT' ? { state: 'missing' } : { state: 'debris' };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isRecord(parsed)) return { state: 'debris' };
    const { pid, host, startedAt, token } = parsed;
    return typeof pid === 'number' &&
      typeof host === 'string' &&
      typeof startedAt === 'number' &&
      typeof token === 'string'
      ? { state: 'held', owner: { pid, host, startedAt, token } }
      : { state: 'debris' };
  } catch {
    return { state: 'debris' };
  }
}

/** The owner a lock file names, if it is a well-formed lock. */
export function readLockOwner(lockPath: string): LockOwner | undefined {
  const read = readLock(lockPath);
  return read.state === 'held' ? read.owner : undefined;
}

/**
 * Whether a well-formed lock is abandoned: taken longer ago than the operation can take (or implausibly far in
 * the future: a clock that far off cannot be trusted), or, on this host, naming a process that is gone or that
 * started after the lock was taken (its pid was reused).
 */
export function isLockStale(
  owner: LockOwner,
  staleMs: number,
  nowMs: number,
  startOf: (pid: number) => number | undefined = processStartedAt,
): boolean {
  const age = nowMs - owner.startedAt;
  if (age > staleMs || age < -staleMs) return true;
  return isWriterGone({ pid: owner.pid, host: owner.host, since: owner.startedAt }, startOf) === true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Removes an abandoned lock (or, with `force`, any lock: the waiter has waited as long as the operation can
 * take). The lock is renamed away first (atomic), then checked: if what was moved turns out to be a different
 * lock that replaced the judged one in between, it is put back.
 */
function breakIfStale(lockPath: string, staleMs: number, nowMs: number, force: boolean): void {
  const judged = readLock(lockPath);
  if (judged.state === 'missing') return;
  if (!force && judged.state === 'held' && !isLockStale(judged.owner, staleMs, nowMs)) return;
  const moved = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, moved);
  } catch {
    return;
  }
  const movedRead = readLock(moved);
  const sameLock =
    movedRead.state !== 'held' || (judged.state === 'held' && movedRead.owner.token === judged.owner.token);
  if (!sameLock) {
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
