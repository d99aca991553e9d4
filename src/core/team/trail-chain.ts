import { createHash } from 'node:crypto';

/** The hash every chain starts from: the `prev_hash` of its first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What one trail entry says, before it is chained. No secret ever goes in: see `scrubDetails`. */
export interface TrailEvent {
  actor: string;
  action: string;
  workspace?: string | null | undefined;
  target?: string | null | undefined;
  outcome: 'ok' | 'denied' | 'failed';
  address?: string | null | undefined;
  details?: Record<string, unknown> | undefined;
}

/** An entry with the database's and the API's field names (`prev_hash`, not `prevHash`). */
export interface TrailRecordFields {
  chain: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  workspace: string | null;
  target: string | null;
  outcome: string;
  address: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface TrailEntry {
  chain: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  workspace: string | null;
  target: string | null;
  outcome: string;
  address: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** JSON with object keys sorted at every level: the same content always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * An entry's fields under their stored names (`prev_hash`), without its hash: what the hash covers, and the shape
 * the database row, the API and `trail export` build on. Listed one by one, so a full entry's hash never slips in.
 */
export function entryFields(entry: Omit<TrailEntry, 'hash'>): Omit<TrailRecordFields, 'hash'> {
  return {
    chain: entry.chain,
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    workspace: entry.workspace,
    target: entry.target,
    outcome: entry.outcome,
    address: entry.address,
    details: entry.details,
    prev_hash: entry.prevHash,
  };
}

/** The content an entry's hash covers: every field but the hash itself, the previous hash included. */
export function entryContent(entry: Omit<TrailEntry, 'hash'>): string {
  return canonicalJson(entryFields(entry));
}

export function hashEntry(entry: Omit<TrailEntry, 'hash'>): string {
  return createHash('sha256').update(entryContent(entry)).digest('hex');
}

const SECRET_KEY = /secret|password|passphrase|token|session_?token|private|totp|mfa_?code|credential/i;

/**
 * The trail holds no secret: callers pass names, ids and outcomes, and as a second line of defence any detail whose
 * key looks like a secret is replaced by `[redacted]`, and any value that looks like an AWS secret or session
 * token is too.
 */
export function scrubDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  const scrub = (value: unknown, key: string): unknown => {
    if (SECRET_KEY.test(key) && value !== null && value !== undefined && typeof value !== 'boolean')
      return '[redacted]';
    if (typeof value === 'string' && /^[A-Za-z0-9/+=]{40,}$/.test(value)) return '[redacted]';
    if (Array.isArray(value)) return value.map((v) => scrub(v, key));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrub(v, k)]));
    return value;
  };
  return scrub(details, '') as Record<string, unknown>;
}
