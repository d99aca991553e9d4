import { ApiError } from '../api-error.js';
import { list, obj, str, strList } from '../service.js';
import { TAX, type BillLine } from './ce-bill.js';

/**
 * Cost Explorer's filter expressions and group definitions over the sandbox's bill lines. Cost allocation
 * tags are the account's tags (stage, team, cost-center…): every cost of an account carries them.
 */

export const validation = (message: string): ApiError => new ApiError('ValidationException', message, 400);

/** The dimensions GetCostAndUsage accepts in GroupBy, in the order AWS lists them in its error. */
const GROUPABLE = [
  'AZ',
  'INSTANCE_TYPE',
  'LINKED_ACCOUNT',
  'OPERATION',
  'PURCHASE_TYPE',
  'SERVICE',
  'USAGE_TYPE',
  'PLATFORM',
  'TENANCY',
  'RECORD_TYPE',
  'LEGAL_ENTITY_NAME',
  'INVOICING_ENTITY',
  'DEPLOYMENT_OPTION',
  'DATABASE_ENGINE',
  'CACHE_ENGINE',
  'INSTANCE_TYPE_FAMILY',
  'REGION',
  'BILLING_ENTITY',
  'RESERVATION_ID',
  'SAVINGS_PLANS_TYPE',
  'SAVINGS_PLAN_ARN',
  'OPERATING_SYSTEM',
];

/** What the sandbox's bill knows about each line; other dimensions are refused rather than invented. */
const DIMENSIONS: Readonly<Record<string, (line: BillLine, payer: string) => string>> = {
  LINKED_ACCOUNT: (l) => l.account.id,
  LINKED_ACCOUNT_NAME: (l) => l.account.name,
  PAYER_ACCOUNT: (_l, payer) => payer,
  SERVICE: (l) => l.service.name,
  SERVICE_CODE: (l) => l.service.code,
  REGION: (l) => l.region,
  USAGE_TYPE: (l) => l.usageType,
  RECORD_TYPE: (l) => (l.service === TAX ? 'Tax' : 'Usage'),
  PURCHASE_TYPE: () => 'On Demand Instances',
  LEGAL_ENTITY_NAME: () => 'Amazon Web Services, Inc.',
  INVOICING_ENTITY: () => 'Amazon Web Services, Inc.',
  BILLING_ENTITY: () => 'AWS',
};
export const MODELLED_DIMENSIONS = Object.keys(DIMENSIONS);

export type LinePredicate = (line: BillLine) => boolean;

export function dimensionReader(key: string, payer: string): (line: BillLine) => string {
  const read = DIMENSIONS[key];
  if (!read)
    throw validation(`The sandbox does not model the ${key} dimension. Use one of ${MODELLED_DIMENSIONS.join(', ')}.`);
  return (line) => read(line, payer);
}

function matcher(values: string[], options: string[]): (value: string | undefined) => boolean {
  const insensitive = options.includes('CASE_INSENSITIVE');
  const norm = (s: string) => (insensitive ? s.toLowerCase() : s);
  const wanted = values.map(norm);
  const absent = options.includes('ABSENT');
  const compare = options.includes('STARTS_WITH')
    ? (v: string, w: string) => v.startsWith(w)
    : options.includes('ENDS_WITH')
      ? (v: string, w: string) => v.endsWith(w)
      : options.includes('CONTAINS')
        ? (v: string, w: string) => v.includes(w)
        : (v: string, w: string) => v === w;
  return (value) => {
    // An empty value stands for "no such tag", as in the console's "No tag key" choice.
    if (value === undefined || value === '') return absent || wanted.includes('');
    const v = norm(value);
    return wanted.some((w) => w !== '' && compare(v, w));
  };
}

const ROOTS = ['And', 'Or', 'Not', 'Dimensions', 'Tags', 'CostCategories'] as const;

/** Compiles an Expression into a predicate, validating it as Cost Explorer does. */
export function compileExpression(expression: unknown, payer: string): LinePredicate {
  const e = obj(expression);
  const present = ROOTS.filter((k) => e[k] !== undefined && e[k] !== null);
  if (present.length !== 1) {
    throw validation(
      present.length === 0
        ? 'Expression has no root operator. One root operator is required for each expression: And, Or, Not, Dimensions, Tags, CostCategories'
        : 'Expression has more than one roots. Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories',
    );
  }
  const root = present[0] ?? 'And';
  if (root === 'And' || root === 'Or') {
    const parts = list(e, root).map((x) => compileExpression(x, payer));
    if (parts.length < 2) throw validation(`${root} expression must have at least 2 operands`);
    return root === 'And' ? (l) => parts.every((p) => p(l)) : (l) => parts.some((p) => p(l));
  }
  if (root === 'Not') {
    const inner = compileExpression(e['Not'], payer);
    return (l) => !inner(l);
  }
  const spec = obj(e[root]);
  const values = strList(spec, 'Values');
  const options = strList(spec, 'MatchOptions');
  if (root === 'Dimensions') {
    const key = str(spec, 'Key');
    if (!key) throw validation('Dimension key must be specified');
    if (values.length === 0) throw validation(`Values of dimension ${key} must not be empty`);
    const read = dimensionReader(key, payer);
    const match = matcher(values, options);
    return (l) => match(read(l));
  }
  if (root === 'Tags') {
    const key = str(spec, 'Key');
    // Without Key and Values, ABSENT applies to every tag: the untagged costs.
    if (key === undefined || key === '')
      return values.length === 0 ? (l) => Object.keys(l.account.tags).length === 0 : () => false;
    const match = matcher(values, values.length === 0 ? ['ABSENT', ...options] : options);
    return (l) => match(l.account.tags[key]);
  }
  // The sandbox defines no cost categories: every cost is outside all of them.
  return () => options.includes('ABSENT');
}

export interface GroupDefinition {
  Type: 'DIMENSION' | 'TAG';
  Key: string;
}

/** Validates GroupBy and returns, with the definitions, a function that names a line's group. */
export function compileGroupBy(
  groupBy: unknown[],
  payer: string,
): { definitions: GroupDefinition[]; keysOf: (line: BillLine) => string[] } {
  if (groupBy.length > 2)
    throw validation(
      'Group Definitions can have at most 2 elements: group by up to two dimensions, tags or cost categories',
    );
  const definitions: GroupDefinition[] = [];
  const readers = groupBy.map((raw) => {
    const g = obj(raw);
    const type = str(g, 'Type') ?? '';
    const key = str(g, 'Key') ?? '';
    if (type === '' || key === '')
      throw validation('Group Definition is invalid. Both type an key need to be set to a non-empty value.');
    if (type === 'DIMENSION') {
      if (!GROUPABLE.includes(key))
        throw validation(`Group Definition dimension is invalid. Valid values are ${GROUPABLE.join(', ')}`);
      definitions.push({ Type: 'DIMENSION', Key: key });
      return dimensionReader(key, payer);
    }
    if (type === 'TAG') {
      definitions.push({ Type: 'TAG', Key: key });
      return (l: BillLine) => `${key}$${l.account.tags[key] ?? ''}`;
    }
    if (type === 'COST_CATEGORY') throw validation(`Cost category ${key} does not exist.`);
    throw validation('Group Definition type is invalid.');
  });
  if (new Set(definitions.map((d) => `${d.Type}:${d.Key}`)).size < definitions.length)
    throw validation('Group Definitions must not contain duplicates');
  return { definitions, keysOf: (line) => readers.map((read) => read(line)) };
}
