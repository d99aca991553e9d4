import { splitArn } from '../arn.js';

/**
 * IAM wildcards: `*` matches any run of characters (including none), `?` exactly one. Nothing else is special,
 * so every other character is escaped before the pattern becomes a regular expression.
 */
export function matchesWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern)) return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * ARN matching as IAM does it for Resource and the Arn* condition operators: each of the six colon-separated
 * parts is matched on its own, so `arn:aws:iam::*:role/x` lets `*` stand for an account but never spill into
 * the next part. A pattern or value that is not ARN-shaped falls back to matching the whole string.
 */
export function matchesArn(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const valueParts = splitArn(value);
  if (patternParts === undefined || valueParts === undefined) return matchesWildcard(pattern, value);
  return patternParts.every((part, i) => matchesWildcard(part, valueParts[i] ?? ''));
}
