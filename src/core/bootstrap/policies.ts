import { parseArn } from '../arn.js';
import type { AccessLevel, BootstrapGroup, BootstrapRole, BootstrapSpec } from './spec.js';

/**
 * The IAM documents of a bootstrap: the trust policy of each role and the inline policy of each source group.
 * Also how documents are compared when `--apply` decides whether anything changed: IAM returns them
 * URL-encoded, with its own key order and single-element arrays collapsed, so comparison is on a normal form.
 */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Record<string, unknown>[];
}

/** AWS's limit for the inline policies of one group, counted without whitespace. */
export const GROUP_POLICY_LIMIT = 5120;
export const GROUP_POLICY_NAME = 'crossbar-assume-roles';
/** SetSourceIdentity beside AssumeRole: crossbar passes the person's name as SourceIdentity on every hop. */
export const TRUST_ACTIONS = ['sts:AssumeRole', 'sts:SetSourceIdentity'];

export function trustPolicy(role: BootstrapRole, principals: readonly string[]): PolicyDocument {
  const condition: Record<string, unknown> = {
    ...(role.externalId ? { StringEquals: { 'sts:ExternalId': role.externalId } } : {}),
    ...(role.mfa ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } : {}),
  };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CrossbarSource',
        Effect: 'Allow',
        Principal: { AWS: [...principals] },
        Action: TRUST_ACTIONS,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
}

export interface GroupPolicy {
  document: PolicyDocument;
  /** Minified size in bytes. */
  bytes: number;
  /** True when the ARN list would pass the group limit and `arn:aws:iam::*:role/NAME` patterns were used. */
  wildcard: boolean;
  /** Bytes the exact list would take (what decided `wildcard`). */
  exactBytes: number;
}

function assumeStatements(
  arns: readonly string[],
  mfaArns: ReadonlySet<string>,
  sid: string,
): Record<string, unknown>[] {
  const plain = arns.filter((a) => !mfaArns.has(a));
  const withMfa = arns.filter((a) => mfaArns.has(a));
  const mfa = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
  return [
    ...(plain.length > 0 ? [{ Sid: sid, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: plain }] : []),
    // The role demands MFA anyway; asking for it here too keeps the group from ever being the weaker side.
    ...(withMfa.length > 0
      ? [{ Sid: `${sid}WithMfa`, Effect: 'Allow', Action: 'sts:AssumeRole', Resource: withMfa, Condition: mfa }]
      : []),
  ];
}

/** The role ARNs with the account as `*`: one pattern per role name, for organizations past the size limit. */
function wildcardArns(arns: readonly string[], partition: string): string[] {
  return [...new Set(arns.map((arn) => `arn:${partition}:iam::*:${parseArn(arn).resource}`))];
}

export function minifiedBytes(doc: unknown): number {
  return Buffer.byteLength(JSON.stringify(doc), 'utf8');
}

export function groupPolicy(group: BootstrapGroup, spec: BootstrapSpec): GroupPolicy {
  const roles = spec.roles.filter((r) => group.roleArns.includes(r.arn));
  const mfaArns = new Set(roles.filter((r) => r.mfa).map((r) => r.arn));
  const sid = sidFor(group.level);
  const exact: PolicyDocument = { Version: '2012-10-17', Statement: assumeStatements(group.roleArns, mfaArns, sid) };
  const exactBytes = minifiedBytes(exact);
  if (exactBytes <= GROUP_POLICY_LIMIT) return { document: exact, bytes: exactBytes, wildcard: false, exactBytes };
  const patterns = wildcardArns(group.roleArns, spec.partition);
  const mfaPatterns = new Set(wildcardArns([...mfaArns], spec.partition));
  const document: PolicyDocument = { Version: '2012-10-17', Statement: assumeStatements(patterns, mfaPatterns, sid) };
  return { document, bytes: minifiedBytes(document), wildcard: true, exactBytes };
}

function sidFor(level: AccessLevel): string {
  return level === 'admin' ? 'AssumeCrossbarAdmin' : 'AssumeCrossbarReadOnly';
}

/** IAM hands documents back URL-encoded (GetRole, GetGroupPolicy); the SDK does not decode them. */
export function decodePolicyText(text: string): unknown {
  const decoded = /^\s*[{[]/.test(text) ? text : decodeURIComponent(text);
  return JSON.parse(decoded);
}

/**
 * A normal form for comparison: keys sorted, a one-element array equal to its element, arrays of strings
 * sorted (IAM treats Action, Resource and Principal lists as sets), Sids ignored.
 */
export function normalizePolicy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalizePolicy);
    if (items.length === 1) return items[0];
    return items.every((i): i is string => typeof i === 'string') ? [...items].sort() : items;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([k]) => k !== 'Sid')
      .sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, normalizePolicy(v)]));
  }
  return value;
}

export function samePolicy(current: unknown, wanted: unknown): boolean {
  return JSON.stringify(normalizePolicy(current)) === JSON.stringify(normalizePolicy(wanted));
}
