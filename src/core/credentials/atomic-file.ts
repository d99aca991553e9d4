import { chmodSync, closeSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';

/** A temp file beside the target, private from its first byte (mode 0600, O_EXCL). */
function writeTemp(path: string, data: Buffer | string): string {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, 'wx', 0o600);
  } catch (err) {
    // A private directory this process made was removed since (a test's temp home, `rm -rf ~/.crossbar`): make it
    // again, once, instead of trusting what ensurePrivateDir remembers.
    if (errnoOf(err) !== 'ENOENT' || !privateDirs.has(dirname(path))) throw err;
    privateDirs.clear();
    ensurePrivateDir(dirname(path));
    fd = openSync(temp, 'wx', 0o600);
  }
  try {
    writeFileSync(fd, data);
  } finally {
    closeSync(fd);
  }
  return temp;
}

/** Replaces `path` atomically: readers see the old file or the new one, never a torn one. */
export function writeFileAtomic(path: string, data: Buffer | string): void {
  const temp = writeTemp(path, data);
  try {
    renameSync(temp, path);
  } catch (err) {
    unlinkQuietly(temp);
    throw err;
  }
}

/**
 * Creates `path` atomically only if it does not exist (link fails with EEXIST): the first writer wins and
 * everyone else reads the winner's complete file. Returns false when the file already existed.
 */
export function createFileAtomic(path: string, data: Buffer | string): boolean {
  const temp = writeTemp(path, data);
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkQuietly(temp);
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone: nothing to clean up
  }
}

/**
 * Directories this process has made private. The cache writes after every AssumeRole; a mkdir and a chmod of the
 * home and the cache directory each time were ~1.2 ms of blocked event loop per call in a fan-out.
 */
const privateDirs = new Set<string>();

/** A private directory (0700), tightened if it already existed with looser permissions; once per process. */
export function ensurePrivateDir(path: string): void {
  if (privateDirs.has(path)) return;
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  privateDirs.add(path);
}

/** The `code` of a Node.js system error (ENOENT, EEXIST…), if it is one. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}
