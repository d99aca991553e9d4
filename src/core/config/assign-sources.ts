import { isCrossbarError } from '../errors.js';
import { checkTerm, matchSelector } from '../select/match-selector.js';
import { closest } from '../suggest.js';
import type { Config, NamedSourceConfig, SourceConfig } from './schema.js';

/** The name of the unnamed `source:`. */
export const DEFAULT_SOURCE = 'default';

/** A problem of the source assignment, at a path of crossbar.yaml. */
export interface SourceProblem {
  path: (string | number)[];
  message: string;
}

export interface SourceAssignment {
  /** The source name of each account, in `config.accounts` order (undefined where a problem says why). */
  accounts: (string | undefined)[];
  /** The default source: `defaults.source`, else `source:` when it says anything or is alone, else the only named one. */
  defaultSource: string | undefined;
  problems: SourceProblem[];
}

/** Every source by name: `default` (the unnamed `source:`) first, then `sources:` in file order. */
export function sourceConfigs(config: Config): [string, SourceConfig | NamedSourceConfig][] {
  return [[DEFAULT_SOURCE, config.source], ...Object.entries(config.sources ?? {})];
}

/** `source:` says something (a profile, an MFA device, SSO…): it is a source in use, not the empty default. */
export function defaultSourceConfigured(config: Config): boolean {
  return Object.values(config.source).some((v) => v !== undefined);
}

export function defaultSourceOf(config: Config): string | undefined {
  if (config.defaults.source !== undefined) return config.defaults.source;
  const named = Object.keys(config.sources ?? {});
  if (named.length === 0 || defaultSourceConfigured(config)) return DEFAULT_SOURCE;
  return named.length === 1 ? named[0] : undefined;
}

function unknownSource(name: string, defined: string[]): string {
  const near = closest(name, defined);
  return `unknown source '${name}'${near ? ` (did you mean '${near}'?)` : ''}: the sources are ${defined.join(', ')}`;
}

/**
 * Which source serves each account, most specific first: the account's own `source:`, else the one source whose
 * `accounts:` selector picks it, else the default source. A selector that picks no account at all, or an account
 * picked by two selectors, is a problem (a typo there would silently move accounts to another identity); so is an
 * account left without a source when several sources exist and none is the default.
 */
export function assignSources(config: Config): SourceAssignment {
  const problems: SourceProblem[] = [];
  const defined = [...new Set(sourceConfigs(config).map(([name]) => name))];
  if (config.sources && Object.hasOwn(config.sources, DEFAULT_SOURCE))
    problems.push({
      path: ['sources', DEFAULT_SOURCE],
      message: `'${DEFAULT_SOURCE}' is the name of the unnamed source: (write it there, or pick another name)`,
    });
  let defaultSource = defaultSourceOf(config);
  if (config.defaults.source !== undefined && !defined.includes(config.defaults.source)) {
    problems.push({ path: ['defaults', 'source'], message: unknownSource(config.defaults.source, defined) });
    defaultSource = undefined;
  }
  const selectors: [string, string][] = [];
  for (const [name, source] of Object.entries(config.sources ?? {})) {
    if (!('accounts' in source) || source.accounts === undefined) continue;
    try {
      for (const term of source.accounts.split(',')) checkTerm(term.trim());
      const picks = config.accounts.filter((a) => matchSelector(config.workspaces, a, source.accounts ?? ''));
      if (picks.length === 0)
        problems.push({
          path: ['sources', name, 'accounts'],
          message: `source '${name}' selects '${source.accounts}', which matches no account: fix the selector or remove it`,
        });
      selectors.push([name, source.accounts]);
    } catch (err) {
      if (!isCrossbarError(err)) throw err;
      problems.push({ path: ['sources', name, 'accounts'], message: err.message });
    }
  }
  const accounts = config.accounts.map((account, i): string | undefined => {
    if (account.source !== undefined) {
      if (defined.includes(account.source)) return account.source;
      problems.push({ path: ['accounts', i, 'source'], message: unknownSource(account.source, defined) });
      return undefined;
    }
    const picking = selectors.filter(([, selector]) => matchSelector(config.workspaces, account, selector));
    const [only, second] = picking;
    if (only && second) {
      problems.push({
        path: ['accounts', i],
        message: `account '${account.name}' is selected by sources ${picking.map(([n]) => `'${n}'`).join(' and ')}: give it \`source:\` to say which`,
      });
      return undefined;
    }
    if (only) return only[0];
    if (defaultSource !== undefined) return defaultSource;
    if (config.defaults.source === undefined)
      problems.push({
        path: ['accounts', i],
        message: `account '${account.name}' has no source: there are several (${defined.slice(1).join(', ')}) and none is the default; give it \`source:\`, select it in a source's \`accounts:\`, or set defaults.source`,
      });
    return undefined;
  });
  problems.push(...checkSourceRoles(config, accounts));
  return { accounts, defaultSource, problems };
}

/**
 * Roles that cannot work from their account's source: a permission set in an account whose source is not SSO, and
 * in an SSO account without a hub, a plain role that is not reached `via` another (nothing could assume it).
 */
function checkSourceRoles(config: Config, assigned: (string | undefined)[]): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const byName = new Map(sourceConfigs(config));
  config.accounts.forEach((account, i) => {
    const name = assigned[i];
    const source = name === undefined ? undefined : byName.get(name);
    if (!source) return;
    const roles = Object.entries(account.roles);
    for (const [key, role] of roles) {
      if (role.permission_set !== undefined && !source.sso)
        problems.push({
          path: ['accounts', i, 'roles', key, 'permission_set'],
          message: `role '${key}' is a permission set, but account '${account.name}' is reached from source '${name}', which is not an sso source: give the account an sso source (\`source:\`)`,
        });
      if (source.sso && source.sso.account === undefined && role.permission_set === undefined && role.via === undefined)
        problems.push({
          path: ['accounts', i, 'roles', key],
          message: `role '${key}' of account '${account.name}' has neither permission_set nor via, and sso source '${name}' has no hub to assume it from: add \`via: ROLE\` (a permission_set role), or the hub (${name === DEFAULT_SOURCE ? 'source' : `sources.${name}`}.sso.account and .role)`,
        });
    }
    if (source.sso && source.sso.account === undefined && roles.length === 0)
      problems.push({
        path: ['accounts', i],
        message: `account '${account.name}' is reached from sso source '${name}' but lists no roles: add roles with permission_set (\`crossbar init --from-sso\` writes them)`,
      });
  });
  return problems;
}
