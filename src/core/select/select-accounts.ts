import { CrossbarError } from '../errors.js';
import { findSource, homeRegion, type Registry, type RegistryAccount, type RegistryRole } from '../config/registry.js';
import { closest } from '../suggest.js';
import { checkTerm, matchSelector } from './match-selector.js';

/**
 * The accounts a selector picks, in registry order. A selector that matches nothing is an error. No selector at
 * all (`undefined`: the command's default) means every account; a given selector that says nothing (`''`, `' '`,
 * `','`, an unset shell variable) is a usage error, never "every account": that is only ever `all`.
 */
export function selectAccounts(registry: Registry, selector: string | undefined): RegistryAccount[] {
  if (selector !== undefined && selector.split(',').every((term) => term.trim() === ''))
    throw new CrossbarError('USAGE', `The account selector '${selector}' is empty: it names no account`, {
      hint: 'Name the accounts (names, ids, globs, stage=prod, tag:team=x, workspace=w), or pass all for every account',
    });
  if (registry.accounts.length === 0)
    throw new CrossbarError('CONFIG_INVALID', 'crossbar.yaml lists no accounts: there is nothing to select', {
      hint: 'Add accounts under `accounts:`, or write them with `crossbar init` (from your AWS Organization or ~/.aws/config)',
    });
  const sel = selector?.trim() || 'all';
  for (const term of sel.split(',')) {
    checkTerm(term.trim());
    // A source name that crossbar.yaml does not define is a typo, not a term that matches nothing.
    const source = /^!?source=(.+)$/.exec(term.trim())?.[1];
    if (source !== undefined) findSource(registry, source);
  }
  const picked = registry.accounts.filter((a) => matchSelector(registry.config.workspaces, a, sel));
  if (picked.length === 0) {
    const names = registry.accounts.map((a) => a.name);
    const near = closest(sel, names);
    throw new CrossbarError('UNKNOWN_ACCOUNT', `No account matches '${sel}'`, {
      hint: near
        ? `Did you mean '${near}'? See \`crossbar accounts list\``
        : 'See `crossbar accounts list` for names, ids, stages and tags',
    });
  }
  return picked;
}

export interface ResolvedTarget {
  account: RegistryAccount;
  role: RegistryRole;
  region: string;
  shortcut?: string;
}

/**
 * An account the registry does not list but a target may still name: the source's own account (the management
 * account, reached with the source identity), known by the names in `names` (its id, its Organizations name,
 * `management`).
 */
export interface ExtraTarget {
  account: RegistryAccount;
  names: readonly string[];
}

export interface ResolveOptions {
  extra?: readonly ExtraTarget[] | undefined;
}

function describeAccount(a: RegistryAccount): string {
  return `${a.name} (${a.id}${a.stage ? `, stage ${a.stage}` : ''})`;
}

/** One account from a tier of matches, or an error listing the candidates when the tier holds several. */
function onlyOne(ref: string, how: string, matches: readonly RegistryAccount[]): RegistryAccount | undefined {
  if (matches.length === 0) return undefined;
  const [first] = matches;
  if (matches.length === 1) return first;
  const shown = matches.slice(0, 8).map(describeAccount);
  throw new CrossbarError(
    'USAGE',
    `'${ref}' ${how} ${matches.length} accounts: ${shown.join(', ')}${matches.length > shown.length ? ', …' : ''}`,
    {
      hint: `Name one of them (e.g. ${first?.name ?? ref}), or run without a target on a terminal to pick one`,
    },
  );
}

/**
 * The account a single target names, most precise first: a name, alias or id; an extra account's name; a stage
 * (`prod` → production when it is the only prod account); a unique prefix of a name or alias (`prod`, `dev`).
 * Several accounts at the first tier that matches is an error listing them: a target is never a guess.
 */
export function findAccount(
  registry: Registry,
  ref: string,
  extra: readonly ExtraTarget[] = [],
): RegistryAccount | undefined {
  const { accounts } = registry;
  const exact =
    accounts.find((a) => a.name === ref) ??
    accounts.find((a) => a.alias === ref) ??
    accounts.find((a) => a.id === ref) ??
    extra.find((e) => e.names.includes(ref))?.account;
  if (exact) return exact;
  const lower = ref.toLowerCase();
  if (lower === '') return undefined;
  const caseless = accounts.filter((a) => a.name.toLowerCase() === lower || a.alias?.toLowerCase() === lower);
  const byStage = accounts.filter((a) => a.stage?.toLowerCase() === lower);
  const byPrefix = [
    ...accounts.filter((a) => a.name.toLowerCase().startsWith(lower) || a.alias?.toLowerCase().startsWith(lower)),
    ...extra.filter((e) => e.names.some((n) => n.toLowerCase().startsWith(lower))).map((e) => e.account),
  ];
  return (
    onlyOne(ref, 'names', caseless) ??
    onlyOne(ref, 'is the stage of', byStage) ??
    onlyOne(ref, 'starts the name of', byPrefix)
  );
}

/**
 * A single-account target: `NAME[:ROLE]` (a name, id, alias, stage or unique prefix), or a shortcut such as
 * `/switch-to-prod`.
 */
export function resolveTarget(registry: Registry, target: string, options: ResolveOptions = {}): ResolvedTarget {
  if (target.startsWith('/')) {
    const sc = registry.config.shortcuts.find((s) => s.name === target);
    if (!sc) {
      const near = closest(
        target,
        registry.config.shortcuts.map((s) => s.name),
      );
      throw new CrossbarError('UNKNOWN_SHORTCUT', `Unknown shortcut '${target}'`, {
        hint: near ? `Did you mean '${near}'? See \`crossbar shortcut list\`` : 'See `crossbar shortcut list`',
      });
    }
    const resolved = resolveTarget(registry, sc.role ? `${sc.account}:${sc.role}` : sc.account, options);
    return { ...resolved, region: sc.region ?? resolved.region, shortcut: sc.name };
  }
  const [accountRef = '', roleRef] = target.split(':');
  const extra = options.extra ?? [];
  const account = findAccount(registry, accountRef, extra);
  if (!account) {
    const names = [...registry.accounts.map((a) => a.name), ...extra.map((e) => e.account.name)];
    const near = closest(accountRef, names);
    const stages = [...new Set(registry.accounts.flatMap((a) => (a.stage ? [a.stage] : [])))];
    throw new CrossbarError(
      'UNKNOWN_ACCOUNT',
      `Unknown account '${accountRef}': no name, id, alias, stage or prefix matches`,
      {
        hint: `${near ? `Did you mean '${near}'? ` : ''}Accounts: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}${stages.length > 0 ? `; stages: ${stages.join(', ')}` : ''} (see \`crossbar accounts list\`)`,
      },
    );
  }
  const role =
    roleRef === undefined ? account.defaultRole : account.roles.find((r) => r.key === roleRef || r.name === roleRef);
  if (!role) {
    throw new CrossbarError('UNKNOWN_ROLE', `Account '${account.name}' has no role '${roleRef}'`, {
      hint: `Its roles: ${account.roles.map((r) => r.key).join(', ')}`,
    });
  }
  return { account, role, region: homeRegion(account) };
}
