import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../credentials/atomic-file.js';
import type { CostData, CostQuery } from './types.js';

/**
 * Cost Explorer charges per request and its numbers change once a day: answers are kept for a day under
 * CROSSBAR_HOME/cache/cost/, one 0600 file per question (query, payer and endpoint hashed into the name).
 */
export const COST_CACHE_TTL_MS = 24 * 3_600_000;

export interface CostCacheKey {
  query: CostQuery;
  /** Who asked: `source` or the --payer target, with the source's name, so two identities never share. */
  payer: string;
  endpoint: string | undefined;
}

interface CacheFile {
  version: 1;
  fetchedAt: number;
  key: CostCacheKey;
  data: CostData;
}

export function costCacheDir(home: string): string {
  return join(home, 'cache', 'cost');
}

export function costCachePath(home: string, key: CostCacheKey): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([key.endpoint ?? '', key.payer, key.query]))
    .digest('hex')
    .slice(0, 32);
  return join(costCacheDir(home), `${digest}.json`);
}

function isCacheFile(value: unknown): value is CacheFile {
  if (typeof value !== 'object' || value === null) return false;
  if (!('version' in value) || !('fetchedAt' in value) || !('data' in value)) return false;
  return (
    value.version === 1 && typeof value.fetchedAt === 'number' && typeof value.data === 'object' && value.data !== null
  );
}

/** The cached answer and its age, or undefined when absent, unreadable or older than a day. */
export function readCostCache(
  home: string,
  key: CostCacheKey,
  now: number,
): { data: CostData; ageMs: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(costCachePath(home, key), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isCacheFile(parsed)) return undefined;
  const ageMs = now - parsed.fetchedAt;
  if (ageMs < 0 || ageMs >= COST_CACHE_TTL_MS) return undefined;
  return { data: parsed.data, ageMs };
}

export function writeCostCache(home: string, key: CostCacheKey, data: CostData, now: number): string {
  const dir = costCacheDir(home);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = costCachePath(home, key);
  const file: CacheFile = { version: 1, fetchedAt: now, key, data };
  writeFileAtomic(path, JSON.stringify(file));
  return path;
}

/** `3h old`, `12m old`: the note on stderr when an answer is served from the cache. */
export function formatAge(ageMs: number): string {
  const minutes = Math.floor(ageMs / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m old`;
  return `${Math.floor(minutes / 60)}h old`;
}

export function cacheMtime(home: string, key: CostCacheKey): number | undefined {
  try {
    return statSync(costCachePath(home, key)).mtimeMs;
  } catch {
    return undefined;
  }
}
