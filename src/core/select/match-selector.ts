import { CrossbarError } from '../errors.js';

/** What a selector looks at in an account: a registry account, or an account of crossbar.yaml before the registry. */
export interface SelectableAccount {
  id: string;
  name: string;
  alias?: string | undefined;
  stage?: string | undefined;
  ou?: string | undefined;
  tags: Record<string, string>;
  /** The source it is reached from (`source=NAME`). */
  source?: string | undefined;
}

/** A workspace as `workspace=NAME` resolves it. */
export interface WorkspaceRef {
  name: string;
  accounts: readonly string[];
}

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

/**
 * `ou=/Workloads` and `ou=/Workloads/*` both mean the accounts of the Workloads OU and of every OU below it (the
 * documented pattern reads as "under /Workloads", and an account sits directly in its OU); other globs match the
 * whole path (`ou=/Clients/A*`).
 */
function matchOu(ou: string, pattern: string): boolean {
  const base = pattern.replace(/\/\*+$/, '');
  return ou === base || ou.startsWith(`${base}/`) || globToRegExp(pattern).test(ou);
}

const KEYED = /^(stage|ou|workspace|tag|source)\b/;

/** A keyed term that says nothing (`tag:`, `tag:team`, `stage=`) is a typo to report, not a term that matches nothing. */
export function checkTerm(term: string): void {
  const bare = term.startsWith('!') ? term.slice(1) : term;
  if (!KEYED.test(bare)) return;
  const valid =
    /^stage!?=.+$/.test(bare) ||
    /^ou=.+$/.test(bare) ||
    /^workspace=.+$/.test(bare) ||
    /^source=.+$/.test(bare) ||
    /^tag:[^=!]+!?=.*$/.test(bare) ||
    // A plain account name that happens to start with a key word (`stagehand`, `outpost`) is a name glob.
    !/^(stage|ou|workspace|source)[!=]|^tag:/.test(bare);
  if (valid) return;
  throw new CrossbarError(
    'USAGE',
    `'${term}' is not a selector: ${bare.startsWith('tag:') ? 'tag: needs a key and a value' : 'it needs a value'}`,
    {
      hint: 'Write tag:KEY=VALUE (tag:team=payments), stage=prod, ou=/Workloads/*, source=NAME or workspace=NAME',
    },
  );
}

function matchTerm(
  workspaces: readonly WorkspaceRef[],
  account: SelectableAccount,
  term: string,
  depth: number,
): boolean {
  if (term === 'all' || term === '*') return true;
  let m = /^stage(!?=)(.+)$/.exec(term);
  if (m) {
    const hit = globToRegExp(m[2] ?? '').test(account.stage ?? '');
    return m[1] === '=' ? hit : !hit;
  }
  m = /^ou=(.+)$/.exec(term);
  if (m) return account.ou !== undefined && matchOu(account.ou, m[1] ?? '');
  m = /^tag:([^=!]+)(!?=)(.*)$/.exec(term);
  if (m) {
    const value = account.tags[m[1] ?? ''];
    const hit = value !== undefined && globToRegExp(m[3] ?? '').test(value);
    return m[2] === '=' ? hit : !hit;
  }
  m = /^source=(.+)$/.exec(term);
  if (m) return account.source === m[1];
  m = /^workspace=(.+)$/.exec(term);
  if (m) {
    if (depth > 4) throw new CrossbarError('USAGE', `Workspace '${m[1]}' refers to itself through other workspaces`);
    const ws = workspaces.find((w) => w.name === m?.[1]);
    if (!ws)
      throw new CrossbarError('USAGE', `Unknown workspace '${m[1]}'`, {
        hint: `Known workspaces: ${workspaces.map((w) => w.name).join(', ') || 'none'}`,
      });
    return matchSelector(workspaces, account, ws.accounts.join(','), depth + 1);
  }
  const re = globToRegExp(term);
  return re.test(account.name) || re.test(account.id) || (account.alias !== undefined && re.test(account.alias));
}

/** Whether one account is picked by a selector (`workspace=` terms look the workspace up in `workspaces`). */
export function matchSelector(
  workspaces: readonly WorkspaceRef[],
  account: SelectableAccount,
  selector: string,
  depth = 0,
): boolean {
  const terms = selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const includes = terms.filter((t) => !t.startsWith('!'));
  const excludes = terms.filter((t) => t.startsWith('!')).map((t) => t.slice(1));
  const included = includes.length === 0 || includes.some((t) => matchTerm(workspaces, account, t, depth));
  return included && !excludes.some((t) => matchTerm(workspaces, account, t, depth));
}
