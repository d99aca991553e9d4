import { CrossbarError } from '../errors.js';

/**
 * IAM policy documents, normalized so that evaluation never has to ask "string or array?": every list element
 * is an array, every condition value a string.
 *
 * The parser narrows `unknown` by hand rather than with a schema library: the brief for this module is "no
 * dependencies beyond node", and the checks mirror IAM's own MalformedPolicyDocument rules, which a generic
 * schema would not phrase the way IAM does.
 */
export type Effect = 'Allow' | 'Deny';

export interface PrincipalMap {
  AWS?: string[] | undefined;
  Service?: string[] | undefined;
  Federated?: string[] | undefined;
  CanonicalUser?: string[] | undefined;
}

export type Principal = PrincipalMap | '*';

/** `{ operator: { conditionKey: [values] } }`, e.g. `{ Bool: { 'aws:MultiFactorAuthPresent': ['true'] } }`. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface PolicyStatement {
  Sid?: string | undefined;
  Effect: Effect;
  Action?: string[] | undefined;
  NotAction?: string[] | undefined;
  Resource?: string[] | undefined;
  NotResource?: string[] | undefined;
  Principal?: Principal | undefined;
  NotPrincipal?: Principal | undefined;
  Condition?: ConditionBlock | undefined;
}

export interface PolicyDocument {
  Version?: string | undefined;
  Id?: string | undefined;
  Statement: PolicyStatement[];
}

/**
 * Which rules of IAM to apply on top of the grammar: identity policies name no principal and need resources,
 * trust policies need a principal and name no resource, resource policies need both.
 */
export type PolicyKind = 'identity' | 'trust' | 'resource';

export interface ParsePolicyOptions {
  kind?: PolicyKind | undefined;
}

const SYNTAX = 'Syntax errors in policy.';
const VERSIONS: ReadonlySet<string> = new Set(['2012-10-17', '2008-10-17']);
const DOCUMENT_FIELDS: ReadonlySet<string> = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'NotPrincipal',
  'Condition',
]);
const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

/**
 * Parses a policy document given as JSON text, URL-encoded JSON text (as IAM returns it) or an object.
 * Throws CrossbarError('INVALID_POLICY') whose message is what IAM would put in MalformedPolicyDocument.
 */
export function parsePolicyDocument(json: string | object, options: ParsePolicyOptions = {}): PolicyDocument {
  const raw: unknown = typeof json === 'string' ? parseJson(json) : json;
  if (!isRecord(raw)) throw malformed(SYNTAX, 'A policy document is a JSON object with a Statement field');
  checkFields(raw, DOCUMENT_FIELDS, 'document');
  const version = optionalString(raw, 'Version');
  if (version !== undefined && !VERSIONS.has(version)) {
    throw malformed(SYNTAX, `Version must be "2012-10-17" or "2008-10-17", not "${version}"`);
  }
  const id = optionalString(raw, 'Id');
  const rawStatements = raw['Statement'];
  if (rawStatements === undefined) throw malformed(SYNTAX, 'The policy document has no Statement field');
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  if (list.length === 0) throw malformed(SYNTAX, 'Statement is an empty list');
  const statements = list.map((s) => parseStatement(s, options.kind));
  checkUniqueSids(statements);
  return {
    ...(version === undefined ? {} : { Version: version }),
    ...(id === undefined ? {} : { Id: id }),
    Statement: statements,
  };
}

function parseJson(text: string): unknown {
  let decoded = text.trim();
  try {
    if (/^%7B/i.test(decoded)) decoded = decodeURIComponent(decoded);
    return JSON.parse(decoded);
  } catch (cause) {
    throw new CrossbarError('INVALID_POLICY', SYNTAX, { hint: 'The policy document is not valid JSON', cause });
  }
}

function parseStatement(raw: unknown, kind: PolicyKind | undefined): PolicyStatement {
  if (!isRecord(raw)) throw malformed(SYNTAX, 'Each statement is a JSON object');
  checkFields(raw, STATEMENT_FIELDS, 'statement');
  const statement: PolicyStatement = { Effect: parseEffect(raw['Effect']) };
  const sid = optionalString(raw, 'Sid');
  if (sid !== undefined) statement.Sid = sid;

  const action = stringList(raw, 'Action');
  const notAction = stringList(raw, 'NotAction');
  const actions = exactlyOne(action, notAction);
  if (actions === 'none')
    throw malformed('Policy statement must contain actions.', 'Add "Action": ["service:Operation"]');
  if (actions === 'both') throw malformed(SYNTAX, 'Give Action or NotAction, not both');
  for (const a of action ?? notAction ?? []) {
    if (a !== '*' && !a.includes(':')) {
      throw malformed(
        'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
        `Write "service:${a}"`,
      );
    }
  }
  assign(statement, 'Action', action);
  assign(statement, 'NotAction', notAction);

  const resource = stringList(raw, 'Resource');
  const notResource = stringList(raw, 'NotResource');
  const resources = exactlyOne(resource, notResource);
  if (resources === 'both') throw malformed(SYNTAX, 'Give Resource or NotResource, not both');
  assign(statement, 'Resource', resource);
  assign(statement, 'NotResource', notResource);

  const principal = optionalPrincipal(raw['Principal']);
  const notPrincipal = optionalPrincipal(raw['NotPrincipal']);
  const principals = exactlyOne(principal, notPrincipal);
  if (principals === 'both') throw malformed(SYNTAX, 'Give Principal or NotPrincipal, not both');
  assign(statement, 'Principal', principal);
  assign(statement, 'NotPrincipal', notPrincipal);

  if (raw['Condition'] !== undefined) statement.Condition = parseCondition(raw['Condition']);
  checkKind(kind, principals === 'one', resources === 'one');
  return statement;
}

function checkKind(kind: PolicyKind | undefined, hasPrincipal: boolean, hasResource: boolean): void {
  if (kind === 'identity' && hasPrincipal) {
    throw malformed(
      'Policy document should not specify a principal.',
      'Identity policies apply to whoever they are attached to',
    );
  }
  if ((kind === 'trust' || kind === 'resource') && !hasPrincipal) {
    throw malformed('Missing required field Principal', 'Name who may act, e.g. "Principal": {"AWS": "123456789012"}');
  }
  if (kind === 'trust' && hasResource) {
    throw malformed('Has prohibited field Resource', 'A trust policy is about the role itself; remove Resource');
  }
  if ((kind === 'identity' || kind === 'resource') && !hasResource) {
    throw malformed('Policy statement must contain resources.', 'Add "Resource": "*" or the ARNs the statement covers');
  }
}

function parseEffect(value: unknown): Effect {
  if (value === undefined)
    throw malformed('Missing required field Effect', 'Every statement needs "Effect": "Allow" or "Deny"');
  if (value === 'Allow' || value === 'Deny') return value;
  throw malformed(`Invalid effect: ${String(value)}`, 'Effect must be "Allow" or "Deny"');
}

function optionalPrincipal(value: unknown): Principal | undefined {
  if (value === undefined) return undefined;
  if (value === '*') return '*';
  if (!isRecord(value))
    throw malformed('Invalid principal in policy', 'A principal is "*" or an object such as {"AWS": "arn:..."}');
  const principal: PrincipalMap = {};
  for (const [type, entries] of Object.entries(value)) {
    const known = PRINCIPAL_TYPES.find((t) => t === type);
    const list = toStringList(entries);
    if (known === undefined || list === undefined || list.length === 0) {
      throw malformed(
        'Invalid principal in policy',
        `Principal types are ${PRINCIPAL_TYPES.join(', ')}, each with a string or a list of strings`,
      );
    }
    principal[known] = list;
  }
  if (Object.keys(principal).length === 0)
    throw malformed('Invalid principal in policy', 'The principal object is empty');
  return principal;
}

function parseCondition(value: unknown): ConditionBlock {
  if (!isRecord(value))
    throw malformed(SYNTAX, 'Condition is an object of operators, e.g. {"Bool": {"aws:SecureTransport": "true"}}');
  const block: ConditionBlock = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!isRecord(keys)) throw malformed(SYNTAX, `Condition operator ${operator} must map condition keys to values`);
    const entries: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = toStringList(values, true);
      if (list === undefined || list.length === 0) {
        throw malformed(
          SYNTAX,
          `Condition ${operator} ${key}: values are strings, numbers or booleans, or a list of them`,
        );
      }
      entries[key] = list;
    }
    block[operator] = entries;
  }
  return block;
}

function checkUniqueSids(statements: PolicyStatement[]): void {
  const seen = new Set<string>();
  for (const { Sid } of statements) {
    if (Sid === undefined) continue;
    if (seen.has(Sid))
      throw malformed('Statement IDs (SID) in a single policy must be unique.', `Sid "${Sid}" appears twice`);
    seen.add(Sid);
  }
}

function checkFields(raw: Record<string, unknown>, allowed: ReadonlySet<string>, where: string): void {
  for (const field of Object.keys(raw)) {
    if (!allowed.has(field))
      throw malformed(SYNTAX, `Unknown ${where} field "${field}"; allowed: ${[...allowed].join(', ')}`);
  }
}

function stringList(raw: Record<string, unknown>, field: string): string[] | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  const list = toStringList(value);
  if (list === undefined) throw malformed(SYNTAX, `${field} must be a string or a list of strings`);
  // IAM treats an empty list like a missing element.
  return list.length === 0 ? undefined : list;
}

/** Strings, or lists of strings; with `scalars`, numbers and booleans too, stringified as IAM compares them. */
function toStringList(value: unknown, scalars = false): string[] | undefined {
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') out.push(item);
    else if (scalars && (typeof item === 'number' || typeof item === 'boolean')) out.push(String(item));
    else return undefined;
  }
  return out;
}

function optionalString(raw: Record<string, unknown>, field: string): string | undefined {
  const value = raw[field];
  if (value === undefined || typeof value === 'string') return value;
  throw malformed(SYNTAX, `${field} must be a string`);
}

function exactlyOne(a: unknown, b: unknown): 'none' | 'one' | 'both' {
  if (a !== undefined && b !== undefined) return 'both';
  return a === undefined && b === undefined ? 'none' : 'one';
}

function assign<K extends keyof PolicyStatement>(
  statement: PolicyStatement,
  key: K,
  value: PolicyStatement[K] | undefined,
): void {
  if (value !== undefined) statement[key] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(message: string, hint: string): CrossbarError {
  return new CrossbarError('INVALID_POLICY', message, { hint });
}
