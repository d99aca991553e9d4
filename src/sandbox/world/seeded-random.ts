import { createHash } from 'node:crypto';

/**
 * Deterministic randomness for resources the sandbox derives instead of storing: the same key always
 * gives the same sequence, so every request, every restart and every state file agree.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items, in the order of `items`. */
  sample<T>(items: readonly T[], count: number): T[];
  /** Lower-case hex of a given length. */
  hex(length: number): string;
  /** Characters from an alphabet. */
  text(length: number, alphabet: string): string;
}

/** 32-bit FNV-1a, to turn a key into the generator's seed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: tiny, fast and good enough for picking names and sizes. */
export function seededRandom(key: string): SeededRandom {
  let state = fnv1a(key);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const text = (length: number, alphabet: string) => {
    let out = '';
    while (out.length < length) out += alphabet.charAt(Math.floor(next() * alphabet.length));
    return out;
  };
  return {
    next,
    int,
    text,
    hex: (length) => text(length, '0123456789abcdef'),
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    sample<T>(items: readonly T[], count: number): T[] {
      const chosen = new Set<number>();
      while (chosen.size < Math.min(count, items.length)) chosen.add(Math.floor(next() * items.length));
      return items.filter((_, i) => chosen.has(i));
    },
  };
}

/** A UUID-shaped id, stable for its key (RevisionId, TableId, KMS key ids). */
export function stableUuid(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Base64 of a SHA-256, the form Lambda's CodeSha256 takes. */
export function stableSha256Base64(key: string): string {
  return createHash('sha256').update(key).digest('base64');
}
