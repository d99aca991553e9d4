import { CrossbarError } from '../errors.js';
import { homeRegion, type Registry, type RegistryAccount, type RegistryRole } from '../config/registry.js';
import { closest } from '../suggest.js';

/**
 * Selectors, as DESIGN.md lists them: a comma list of names, ids, aliases or globs, `stage=prod`,
 * `stage!=prod`, `ou=/Workloads/*`, `tag:team=payments`, `workspace=platform`, `all`; a leading `!` excludes.
 */
function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'i');
}

function matchTerm(registry: Registry, account: RegistryAccount, term: string, depth: number): boolean {
  if (term === 'all' || term === '*') return true;
  let m = /^stage(!?=)(.+)$/.exec(term);
  if (m) {
    const hit = globToRegExp(m[2] ?? '').test(account.stage ?? '');
    return m[1] === '=' ? hit : !hit;
  }
  m = /^ou=(.+)$/.exec(term);
  if (m)
    return account.ou !== undefined && (globToRegExp(m[1] ?? '').test(account.ou) || account.ou.startsWith(`${m[1]}/`));
  m = /^tag:([^=!]+)(!?=)(.*)$/.exec(term);
  if (m) {
    const value = account.tags[m[1] ?? ''];
    const hit = value !== undefined && globToRegExp(m[3] ?? '').test(value);
    return m[2] === '=' ? hit : !hit;
  }
  m = /^workspace=(.+)$/.exec(term);
  if (m) {
    if (depth > 4) throw new CrossbarError('USAGE', `Workspace '${m[1]}' refers to itself through other workspaces`);
    const ws = registry.config.workspaces.find((w) => w.name === m?.[1]);
    if (!ws)
      throw new CrossbarError('USAGE', `Unknown workspace '${m[1]}'`, {
        hint: `Known workspaces: ${registry.config.workspaces.map((w) => w.name).join(', ') || 'none'}`,
      });
    return matchSelector(registry, account, ws.accounts.join(','), depth + 1);
  }
  const re = globToRegExp(term);
  return re.test(account.name) || re.test(account.id) || (account.alias !== undefined && re.test(account.alias));
}

function matchSelector(registry: Registry, account: RegistryAccount, selector: string, depth = 0): boolean {
  const terms = selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const includes = terms.filter((t) => !t.startsWith('!'));
  const excludes = terms.filter((t) => t.startsWith('!')).map((t) => t.slice(1));
  const included = includes.length === 0 || includes.some((t) => matchTerm(registry, account, t, depth));
  return included && !excludes.some((t) => matchTerm(registry, account, t, depth));
}

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
  const sel = selector?.trim() || 'all';
  const picked = registry.accounts.filter((a) => matchSelector(registry, a, sel));
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

/** A single-account target: `NAME[:ROLE]`, an id or alias, or a shortcut such as `/switch-to-prod`. */
export function resolveTarget(registry: Registry, target: string): ResolvedTarget {
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
    const resolved = resolveTarget(registry, sc.role ? `${sc.account}:${sc.role}` : sc.account);
    return { ...resolved, region: sc.region ?? resolved.region, shortcut: sc.name };
  }
  const [accountRef = '', roleRef] = target.split(':');
  const account = registry.accounts.find((a) => a.name === accountRef || a.id === accountRef || a.alias === accountRef);
  if (!account) {
    const near = closest(
      accountRef,
      registry.accounts.map((a) => a.name),
    );
    throw new CrossbarError('UNKNOWN_ACCOUNT', `Unknown account '${accountRef}'`, {
      hint: near ? `Did you mean '${near}'? See \`crossbar accounts list\`` : 'See `crossbar accounts list`',
    });
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
