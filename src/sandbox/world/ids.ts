import { createHash } from 'node:crypto';
import type { World } from './types.js';

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The kinds that are credentials: drawn from the world's secret seed, not its public one. */
const SECRET_KINDS = new Set(['AKIA', 'ASIA', 'secret', 'token', 'totp']);

/**
 * Deterministic pseudo-random text from the world's seed and counter, so a seed rebuilds the same org. Keys,
 * secrets, tokens and MFA secrets come from the secret seed instead, which differs between sandboxes.
 */
function draw(world: World, kind: string, length: number, alphabet: string): string {
  world.nextId += 1;
  const seed = SECRET_KINDS.has(kind) ? (world.secretSeed ?? String(world.seed)) : String(world.seed);
  let out = '';
  let round = 0;
  while (out.length < length) {
    const digest = createHash('sha256').update(`${seed}:${world.nextId}:${kind}:${round}`).digest();
    for (const byte of digest) {
      if (out.length >= length) break;
      out += alphabet[byte % alphabet.length];
    }
    round += 1;
  }
  return out;
}

/** AWS unique ids: a 4-letter prefix (AIDA user, AROA role, AGPA group, ANPA policy, AKIA key, ASIA session). */
export function newUniqueId(world: World, prefix: 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'AKIA' | 'ASIA'): string {
  return prefix + draw(world, prefix, prefix === 'AKIA' || prefix === 'ASIA' ? 16 : 17, UPPER);
}

export function newSecretKey(world: World): string {
  return draw(world, 'secret', 40, SECRET);
}

export function newSessionToken(world: World): string {
  return 'IQoJb3JpZ2luX2Vj' + draw(world, 'token', 200, SECRET);
}

export function newTotpSecret(world: World): string {
  return draw(world, 'totp', 32, UPPER);
}

/** Lower-case hex-ish ids such as EC2's i-0abc… */
export function newResourceId(world: World, prefix: string, length = 17): string {
  return `${prefix}-${draw(world, prefix, length, '0123456789abcdef')}`;
}

export function newLowerId(world: World, prefix: string, length: number): string {
  return prefix + draw(world, prefix, length, LOWER);
}

export function newEventId(world: World): string {
  const hex = draw(world, 'event', 32, '0123456789abcdef');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
