import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from './credentials/atomic-file.js';

/**
 * The guardrail's time-limited exception: `crossbar unlock production:admin` asks the person once, on a terminal,
 * for the confirmation a `confirm: true` role demands (and the MFA code, when the role needs one), and records
 * that until a given time this role may be used without asking. `credential-process`, which has no terminal of
 * its own, honours it, and so do `env`, `exec`, `console`, `shell` and `run`; without one they ask on a terminal
 * or refuse, naming `crossbar unlock`. Kept in `CROSSBAR_HOME/unlocks.json` (0600; no secret in it), every grant
 * and every use recorded in `CROSSBAR_HOME/guardrails.jsonl`. Node built-ins only: the warm credential-process
 * path reads it.
 */
export interface Unlock {
  accountId: string;
  roleArn: string;
  /** `production:admin`, for messages. */
  label: string;
  /** Epoch ms. */
  until: number;
  /** The person (source identity name) who unlocked. */
  by: string;
  at: number;
}

/** How long an unlock lasts unless `--for` says otherwise, and the most it may last. */
export const UNLOCK_DEFAULT_SECONDS = 3600;
export const UNLOCK_MAX_SECONDS = 12 * 3600;

function unlocksPath(home: string): string {
  return join(home, 'unlocks.json');
}

function isUnlock(value: unknown): value is Unlock {
  if (typeof value !== 'object' || value === null) return false;
  const u = value as Record<string, unknown>;
  return (
    typeof u['accountId'] === 'string' &&
    typeof u['roleArn'] === 'string' &&
    typeof u['label'] === 'string' &&
    typeof u['until'] === 'number' &&
    typeof u['by'] === 'string' &&
    typeof u['at'] === 'number'
  );
}

/** Every recorded unlock, expired ones included; a missing or unreadable file is none (it grants nothing). */
export function readUnlocks(home: string): Unlock[] {
  try {
    const raw = JSON.parse(readFileSync(unlocksPath(home), 'utf8')) as { v?: unknown; unlocks?: unknown };
    return raw.v === 1 && Array.isArray(raw.unlocks) ? raw.unlocks.filter(isUnlock) : [];
  } catch {
    return [];
  }
}

export function activeUnlock(
  home: string,
  accountId: string,
  roleArn: string,
  now: number,
  unlocks: readonly Unlock[] = readUnlocks(home),
): Unlock | undefined {
  return unlocks.find((u) => u.accountId === accountId && u.roleArn === roleArn && u.until > now);
}

function writeUnlocks(home: string, unlocks: readonly Unlock[], now: number): void {
  ensurePrivateDir(home);
  const live = unlocks.filter((u) => u.until > now);
  writeFileAtomic(unlocksPath(home), `${JSON.stringify({ v: 1, unlocks: live }, null, 2)}\n`);
}

/**
 * One line of `guardrails.jsonl`: what was unlocked, locked or used, by whom, when; and every write `run` was
 * allowed to send (`write-confirmed`, `write-refused`, then `write` per target with its outcome). No secret:
 * a write names its parameters, never their values.
 */
export interface GuardrailEvent {
  event: 'unlock' | 'lock' | 'use-unlock' | 'confirmed' | 'refused' | 'write-confirmed' | 'write-refused' | 'write';
  label: string;
  accountId: string;
  roleArn: string;
  by?: string;
  until?: number;
  /** The command that used the role (credential-process, exec, …). */
  command?: string;
  /** A write: `iam CreateUser`, the names of its parameters, where it went and how it ended (`ok` or a code). */
  operation?: string;
  parameters?: string[];
  region?: string;
  outcome?: string;
}

export function recordGuardrailEvent(home: string, event: GuardrailEvent, now: number): void {
  ensurePrivateDir(home);
  const line = JSON.stringify({ at: new Date(now).toISOString(), ...event });
  appendFileSync(join(home, 'guardrails.jsonl'), `${line}\n`, { mode: 0o600 });
}

export function grantUnlock(home: string, unlock: Unlock): void {
  const others = readUnlocks(home).filter((u) => !(u.accountId === unlock.accountId && u.roleArn === unlock.roleArn));
  writeUnlocks(home, [...others, unlock], unlock.at);
  recordGuardrailEvent(
    home,
    {
      event: 'unlock',
      label: unlock.label,
      accountId: unlock.accountId,
      roleArn: unlock.roleArn,
      by: unlock.by,
      until: unlock.until,
    },
    unlock.at,
  );
}

/** Ends unlocks early: the ones `match` picks, or every one. Returns those that were still active. */
export function revokeUnlocks(home: string, now: number, match: (u: Unlock) => boolean = () => true): Unlock[] {
  const all = readUnlocks(home);
  const ended = all.filter((u) => match(u) && u.until > now);
  writeUnlocks(
    home,
    all.filter((u) => !match(u)),
    now,
  );
  for (const u of ended)
    recordGuardrailEvent(home, { event: 'lock', label: u.label, accountId: u.accountId, roleArn: u.roleArn }, now);
  return ended;
}
