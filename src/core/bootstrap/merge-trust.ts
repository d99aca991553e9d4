import { normalizePolicy, type PolicyDocument } from './policies.js';

/**
 * How `bootstrap --apply` changes a role's existing trust policy: by merging crossbar's statement (Sid
 * `CrossbarSource`) into it, never by replacing what others put there. Statements that trust other principals
 * stay; crossbar's own statement is updated in place (its principals only ever grow); an ExternalId or MFA
 * condition the role demands today is carried into crossbar's statement unless dropping it is asked for by flag;
 * only a statement that trusts anyone (`*` with no condition) is removed. Every addition and removal is named,
 * statement by statement, for the plan. `--replace-trust` makes the trust exactly crossbar's statement, with the
 * removals listed. Pure.
 */
export interface TrustChange {
  change: 'add' | 'remove' | 'keep';
  text: string;
}

export interface MergeTrustOptions {
  /** `--replace-trust`: the trust becomes crossbar's statement alone; every other statement is removed. */
  replace?: boolean | undefined;
  /** `--drop-trust-conditions`: an ExternalId or MFA condition the role has today may be dropped. */
  dropConditions?: boolean | undefined;
  /** For the messages: the account the role is in. */
  accountName?: string | undefined;
}

export interface MergedTrust {
  document: PolicyDocument;
  changes: TrustChange[];
}

export const CROSSBAR_SID = 'CrossbarSource';

type Statement = Record<string, unknown>;

const EXTERNAL_ID = 'sts:ExternalId';
const MFA = 'aws:MultiFactorAuthPresent';

function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function statementsOf(doc: unknown): Statement[] {
  const statement = (doc as { Statement?: unknown } | null)?.Statement;
  return list(statement).filter((s): s is Statement => typeof s === 'object' && s !== null);
}

function awsPrincipals(s: Statement): string[] {
  const p = s['Principal'];
  if (p === '*') return ['*'];
  if (typeof p !== 'object' || p === null) return [];
  return list((p as Record<string, unknown>)['AWS']).map(String);
}

function principalText(s: Statement): string {
  const p = s['Principal'];
  if (p === '*') return '*';
  if (typeof p !== 'object' || p === null) return String(p);
  return Object.entries(p as Record<string, unknown>)
    .flatMap(([kind, v]) => list(v).map((x) => (kind === 'AWS' ? String(x) : `${kind}:${String(x)}`)))
    .join(', ');
}

function conditionBlock(s: Statement, operator: string): Record<string, unknown> {
  const condition = s['Condition'];
  if (typeof condition !== 'object' || condition === null) return {};
  const block = (condition as Record<string, unknown>)[operator];
  return typeof block === 'object' && block !== null ? (block as Record<string, unknown>) : {};
}

function externalIds(s: Statement): string[] {
  return list(conditionBlock(s, 'StringEquals')[EXTERNAL_ID]).map(String);
}

function requiresMfa(s: Statement): boolean {
  return String(conditionBlock(s, 'Bool')[MFA]).toLowerCase() === 'true';
}

function conditionWords(s: Statement): string {
  const words = [
    ...(externalIds(s).length > 0 ? ['ExternalId'] : []),
    ...(requiresMfa(s) ? ['MFA'] : []),
    ...(s['Condition'] !== undefined && externalIds(s).length === 0 && !requiresMfa(s) ? ['a condition'] : []),
  ];
  return words.length > 0 ? ` with ${words.join(' and ')}` : '';
}

function describeStatement(s: Statement, index: number): string {
  const name = typeof s['Sid'] === 'string' && s['Sid'] !== '' ? `'${s['Sid']}'` : `#${index + 1}`;
  const effect = s['Effect'] === 'Deny' ? 'denies' : 'trusts';
  return `statement ${name}: ${effect} ${principalText(s)}${conditionWords(s)}`;
}

/** Allow, for anyone, with nothing to narrow it: what no bootstrap keeps. */
function trustsAnyone(s: Statement): boolean {
  return s['Effect'] === 'Allow' && awsPrincipals(s).includes('*') && s['Condition'] === undefined;
}

function allowsAssume(s: Statement): boolean {
  return s['Effect'] === 'Allow' && list(s['Action']).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*');
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizePolicy(a)) === JSON.stringify(normalizePolicy(b));
}

/** A statement that lets a principal in without the ExternalId or MFA that crossbar's statement asks for. */
function weaker(s: Statement, ours: Statement): boolean {
  return (externalIds(ours).length > 0 && externalIds(s).length === 0) || (requiresMfa(ours) && !requiresMfa(s));
}

/** An existing statement that already grants everything crossbar's grants, under the same conditions. */
function covers(existing: Statement, ours: Statement): boolean {
  if (existing['Effect'] !== 'Allow') return false;
  const principals = new Set(awsPrincipals(existing));
  const actions = new Set(list(existing['Action']).map(String));
  return (
    awsPrincipals(ours).every((p) => principals.has(p)) &&
    list(ours['Action']).every((a) => actions.has(String(a)) || actions.has('sts:*') || actions.has('*')) &&
    same(existing['Condition'] ?? {}, ours['Condition'] ?? {})
  );
}

/** Crossbar's statement with the role's current ExternalId and MFA conditions carried in, unless dropping them. */
function withKeptConditions(
  ours: Statement,
  current: readonly Statement[],
  options: MergeTrustOptions,
): { statement: Statement; changes: TrustChange[] } {
  const granting = current.filter((s) => allowsAssume(s) && !trustsAnyone(s));
  const changes: TrustChange[] = [];
  const condition = { ...((ours['Condition'] as Record<string, Record<string, unknown>> | undefined) ?? {}) };
  const where = options.accountName ? ` for ${options.accountName}` : '';
  const currentIds = [...new Set(granting.flatMap(externalIds))];
  if (externalIds(ours).length === 0 && currentIds.length > 0) {
    if (options.dropConditions)
      changes.push({ change: 'remove', text: `drops the sts:ExternalId condition (--drop-trust-conditions)` });
    else {
      condition['StringEquals'] = {
        ...condition['StringEquals'],
        [EXTERNAL_ID]: currentIds.length === 1 ? currentIds[0] : currentIds,
      };
      changes.push({
        change: 'keep',
        text: `keeps the sts:ExternalId condition: crossbar.yaml has no external_id${where} (set it, or pass --drop-trust-conditions to drop the condition)`,
      });
    }
  }
  if (!requiresMfa(ours) && granting.some(requiresMfa)) {
    if (options.dropConditions)
      changes.push({ change: 'remove', text: 'drops the MFA condition (--drop-trust-conditions)' });
    else {
      condition['Bool'] = { ...condition['Bool'], [MFA]: 'true' };
      changes.push({
        change: 'keep',
        text: `keeps the MFA condition: crossbar.yaml does not ask for MFA on this role${where} (set mfa: required, or pass --drop-trust-conditions)`,
      });
    }
  }
  const statement = Object.keys(condition).length > 0 ? { ...ours, Condition: condition } : ours;
  return { statement, changes };
}

export function mergeTrust(current: unknown, wanted: PolicyDocument, options: MergeTrustOptions = {}): MergedTrust {
  const statements = statementsOf(current);
  const [wantedStatement] = wanted.Statement;
  if (!wantedStatement) return { document: wanted, changes: [] };
  const kept = withKeptConditions(wantedStatement, statements, options);
  let ours = kept.statement;
  const changes: TrustChange[] = [...kept.changes];
  const previous = statements.find((s) => s['Sid'] === CROSSBAR_SID);
  if (options.replace) {
    statements.forEach((s, i) => {
      if (s === previous && covers(ours, s)) return;
      changes.push({ change: 'remove', text: `removes ${describeStatement(s, i)} (--replace-trust)` });
    });
    if (!previous || !same(previous, ours)) changes.push({ change: 'add', text: `sets ${describeStatement(ours, 0)}` });
    return { document: { Version: '2012-10-17', Statement: [ours] }, changes };
  }
  const result: Statement[] = [];
  statements.forEach((s, i) => {
    if (trustsAnyone(s)) {
      changes.push({
        change: 'remove',
        text: `removes ${describeStatement(s, i)}: it trusts anyone, with no condition`,
      });
      return;
    }
    if (s !== previous) {
      const shared = awsPrincipals(s).filter((p) => awsPrincipals(ours).includes(p));
      if (allowsAssume(s) && shared.length > 0 && weaker(s, ours))
        changes.push({
          change: 'keep',
          text: `keeps ${describeStatement(s, i)}, which lets ${shared.join(', ')} in without the conditions crossbar.yaml asks for (--replace-trust removes it)`,
        });
      result.push(s);
      return;
    }
    // crossbar's own statement: its principals only grow, so a person added by hand is not dropped.
    const principals = [...new Set([...awsPrincipals(s), ...awsPrincipals(ours)])];
    ours = { ...ours, Principal: { AWS: principals } };
    if (!same(s, ours)) changes.push({ change: 'add', text: `updates ${describeStatement(ours, i)}` });
    result.push(ours);
  });
  if (!previous && !result.some((s) => covers(s, ours))) {
    result.push(ours);
    changes.push({ change: 'add', text: `adds ${describeStatement(ours, result.length - 1)}` });
  }
  return { document: { Version: '2012-10-17', Statement: result }, changes };
}
