import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CrossbarError } from '../errors.js';
import { withFileLock } from '../credentials/file-lock.js';

/**
 * The only I/O of aws-config: find the file, read it, write it back safely. Writing keeps a private backup,
 * goes through a temp file in the same folder (fsync, then rename), so a crash leaves the old file or the new
 * one, never half of one, and keeps the file's mode.
 */

/** `AWS_CONFIG_FILE`, else `~/.aws/config`, as the AWS CLI and SDKs look it up. */
export function resolveAwsConfigPath(
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
): string {
  const fromEnv = env['AWS_CONFIG_FILE'];
  if (fromEnv) return fromEnv.startsWith('~/') ? join(home, fromEnv.slice(2)) : fromEnv;
  return join(home, '.aws', 'config');
}

/** The file's text ('' when it does not exist). Bytes that are not UTF-8 would not survive a rewrite: refused. */
export function readAwsConfig(path: string): { text: string; exists: boolean } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { text: '', exists: false };
    throw new CrossbarError('CONFIG_INVALID', `Cannot read ${path}: ${errnoOf(err) ?? 'unknown error'}`, {
      cause: err,
      hint: 'Check the file permissions',
    });
  }
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw new CrossbarError(
      'CONFIG_INVALID',
      `${path} is not valid UTF-8, so crossbar cannot rewrite it byte for byte`,
      {
        hint: 'Convert the file to UTF-8 (the AWS CLI expects it too); nothing was written.',
      },
    );
  }
  return { text, exists: true };
}

/** A read-merge-write of the AWS config file takes milliseconds; a lock older than this was left behind. */
const AWS_CONFIG_LOCK_STALE_MS = 10_000;

/**
 * Runs a read-merge-write of the AWS config file at `path` under a lock beside it (`<file>.crossbar-lock`), so
 * that concurrent `aws-config --write` runs (two terminals, a script per workspace) each merge into what the
 * previous one wrote instead of overwriting it. `work` must read the file inside.
 */
export async function withAwsConfigLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const target = resolveTarget(path);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  return withFileLock(`${target}.crossbar-lock`, work, { staleMs: AWS_CONFIG_LOCK_STALE_MS });
}

export interface WriteOptions {
  /** Copy the current file to `<path>.crossbar-backup-<timestamp>` (0600) first. Default true. */
  backup?: boolean;
  now?: () => number;
}

export interface WriteResult {
  /** The file written: the target of a symlink, so a dotfiles link survives. */
  path: string;
  backupPath?: string;
}

export function writeAwsConfigAtomically(path: string, text: string, options: WriteOptions = {}): WriteResult {
  const target = resolveTarget(path);
  const existing = statOrUndefined(target);
  if (!existing) mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const mode = existing ? existing.mode & 0o7777 : 0o600;
  const backupPath = existing && options.backup !== false ? backupFile(target, options.now ?? Date.now) : undefined;
  const temp = `${target}.crossbar-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkQuietly(temp);
    throw err;
  }
  closeSync(fd);
  try {
    // The umask may have trimmed the mode at creation; set it exactly before the file becomes visible.
    chmodSync(temp, mode);
    renameSync(temp, target);
  } catch (err) {
    unlinkQuietly(temp);
    throw err;
  }
  syncDir(dirname(target));
  return { path: target, ...(backupPath ? { backupPath } : {}) };
}

function resolveTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function backupFile(path: string, now: () => number): string {
  const stamp = new Date(now())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const bytes = readFileSync(path);
  for (let n = 0; ; n += 1) {
    const candidate = `${path}.crossbar-backup-${stamp}${n === 0 ? '' : `-${n}`}`;
    let fd: number;
    try {
      fd = openSync(candidate, 'wx', 0o600);
    } catch (err) {
      if (errnoOf(err) === 'EEXIST' && n < 100) continue;
      throw err;
    }
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(candidate, 0o600);
    return candidate;
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
  }
}

function statOrUndefined(path: string): { mode: number } | undefined {
  try {
    return statSync(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}
