import type { ConditionBlock } from './policy-document.js';
import { matchesArn, matchesWildcard } from './wildcard.js';

/**
 * Request context: condition keys such as `aws:MultiFactorAuthPresent` or `sts:ExternalId` with their values.
 * A key that is undefined or an empty list is absent. Keys are looked up case-insensitively, as IAM does.
 */
export type ConditionContext = Record<string, string | string[] | undefined>;

/** The context with lower-cased keys and every value a list, built once per evaluation. */
export type NormalizedContext = ReadonlyMap<string, readonly string[]>;

export type ConditionOutcome =
  { satisfied: true } | { satisfied: false; operator: string; key: string; keyPresent: boolean; supported: boolean };

type Compare = (contextValue: string, policyValue: string) => boolean;
interface BaseOperator {
  compare: Compare;
  /** Negated operators (StringNotEquals, ...) hold when the context value matches none of the policy values. */
  negated: boolean;
}

export function normalizeContext(context: ConditionContext): NormalizedContext {
  const normalized = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(context)) {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    if (values.length > 0) normalized.set(key.toLowerCase(), values);
  }
  return normalized;
}

/**
 * All operators of a block must hold, and within an operator every key; the first one that does not is
 * reported so that a denial can say which condition failed. An operator this module does not know makes the
 * block unsatisfied rather than throwing: a statement we cannot read is a statement that does not apply.
 */
export function evaluateCondition(block: ConditionBlock | undefined, context: NormalizedContext): ConditionOutcome {
  for (const [operator, keys] of Object.entries(block ?? {})) {
    for (const [key, policyValues] of Object.entries(keys)) {
      const contextValues = context.get(key.toLowerCase());
      const result = evaluateOperator(operator, policyValues, contextValues);
      if (result !== true) {
        return {
          satisfied: false,
          operator,
          key,
          keyPresent: contextValues !== undefined,
          supported: result === false,
        };
      }
    }
  }
  return { satisfied: true };
}

/** true or false for a known operator; 'unsupported' for an operator this module cannot evaluate. */
function evaluateOperator(
  operator: string,
  policyValues: readonly string[],
  contextValues: readonly string[] | undefined,
): boolean | 'unsupported' {
  const { set, base, ifExists } = parseOperator(operator);
  if (base === 'Null')
    return set === undefined && !ifExists ? evaluateNull(policyValues, contextValues !== undefined) : 'unsupported';
  const known = OPERATORS.get(base);
  if (known === undefined) return 'unsupported';
  const { compare, negated } = known;

  // What IAM documents for an absent key: IfExists and ForAllValues hold, ForAnyValue does not, and a plain
  // operator holds only if it is negated ("the key must not match" is true of a key that is not there).
  if (contextValues === undefined) {
    if (ifExists || set === 'ForAllValues') return true;
    return set === undefined && negated;
  }
  const matchesAny = (value: string): boolean => policyValues.some((policyValue) => compare(value, policyValue));
  const holds = (value: string): boolean => (negated ? !matchesAny(value) : matchesAny(value));
  if (set === 'ForAllValues') return contextValues.every(holds);
  if (set === 'ForAnyValue') return contextValues.some(holds);
  // No set operator on a key with several values: a positive operator needs one value to match, a negated
  // one needs every value to match none of the policy values.
  return negated ? contextValues.every(holds) : contextValues.some(holds);
}

function parseOperator(operator: string): {
  set: 'ForAnyValue' | 'ForAllValues' | undefined;
  base: string;
  ifExists: boolean;
} {
  let rest = operator;
  let set: 'ForAnyValue' | 'ForAllValues' | undefined;
  for (const prefix of ['ForAnyValue', 'ForAllValues'] as const) {
    if (rest.startsWith(`${prefix}:`)) {
      set = prefix;
      rest = rest.slice(prefix.length + 1);
    }
  }
  const ifExists = rest.endsWith('IfExists');
  return { set, base: ifExists ? rest.slice(0, -'IfExists'.length) : rest, ifExists };
}

/** `Null: true` holds when the key is absent, `Null: false` when it is present; several values are ORed. */
function evaluateNull(policyValues: readonly string[], present: boolean): boolean {
  return policyValues.some((value) => {
    const wanted = value.toLowerCase();
    return (wanted === 'true' && !present) || (wanted === 'false' && present);
  });
}

const equals: Compare = (a, b) => a === b;
const equalsIgnoreCase: Compare = (a, b) => a.toLowerCase() === b.toLowerCase();
const like: Compare = (value, pattern) => matchesWildcard(pattern, value);
const arnLike: Compare = (value, pattern) => matchesArn(pattern, value);

function numeric(test: (a: number, b: number) => boolean): Compare {
  return (a, b) => {
    const x = toNumber(a);
    const y = toNumber(b);
    return x !== undefined && y !== undefined && test(x, y);
  };
}

function date(test: (a: number, b: number) => boolean): Compare {
  return (a, b) => {
    const x = toTime(a);
    const y = toTime(b);
    return x !== undefined && y !== undefined && test(x, y);
  };
}

function toNumber(s: string): number | undefined {
  const n = s.trim() === '' ? Number.NaN : Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** IAM accepts ISO 8601 dates and epoch seconds. */
function toTime(s: string): number | undefined {
  const t = /^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** IPv4 only: an address matches a CIDR block (`10.0.0.0/8`) or a single address (`/32` implied). */
const inCidr: Compare = (address, cidr) => {
  const [network, bitsText = '32', ...extra] = cidr.split('/');
  const ip = toIpv4(address);
  const net = network === undefined ? undefined : toIpv4(network);
  const bits = /^\d{1,2}$/.test(bitsText) ? Number(bitsText) : Number.NaN;
  if (ip === undefined || net === undefined || extra.length > 0 || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ip & mask) >>> 0 === (net & mask) >>> 0;
};

function toIpv4(s: string): number | undefined {
  const octets = s.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return undefined;
  return octets.reduce((acc, o) => acc * 256 + Number(o), 0);
}

const positive = (compare: Compare): BaseOperator => ({ compare, negated: false });
const negative = (compare: Compare): BaseOperator => ({ compare, negated: true });

// A Map, not an object literal, so that an operator named `constructor` or `toString` is simply unknown.
const OPERATORS: ReadonlyMap<string, BaseOperator> = new Map([
  ['StringEquals', positive(equals)],
  ['StringNotEquals', negative(equals)],
  ['StringEqualsIgnoreCase', positive(equalsIgnoreCase)],
  ['StringNotEqualsIgnoreCase', negative(equalsIgnoreCase)],
  ['StringLike', positive(like)],
  ['StringNotLike', negative(like)],
  ['ArnEquals', positive(arnLike)],
  ['ArnLike', positive(arnLike)],
  ['ArnNotEquals', negative(arnLike)],
  ['ArnNotLike', negative(arnLike)],
  ['Bool', positive(equalsIgnoreCase)],
  ['BinaryEquals', positive(equals)],
  ['NumericEquals', positive(numeric((a, b) => a === b))],
  ['NumericNotEquals', negative(numeric((a, b) => a === b))],
  ['NumericLessThan', positive(numeric((a, b) => a < b))],
  ['NumericLessThanEquals', positive(numeric((a, b) => a <= b))],
  ['NumericGreaterThan', positive(numeric((a, b) => a > b))],
  ['NumericGreaterThanEquals', positive(numeric((a, b) => a >= b))],
  ['DateEquals', positive(date((a, b) => a === b))],
  ['DateNotEquals', negative(date((a, b) => a === b))],
  ['DateLessThan', positive(date((a, b) => a < b))],
  ['DateLessThanEquals', positive(date((a, b) => a <= b))],
  ['DateGreaterThan', positive(date((a, b) => a > b))],
  ['DateGreaterThanEquals', positive(date((a, b) => a >= b))],
  ['IpAddress', positive(inCidr)],
  ['NotIpAddress', negative(inCidr)],
]);
