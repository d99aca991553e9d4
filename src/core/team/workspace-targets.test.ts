import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { buildRegistry, type Registry } from '../config/registry.js';
import { isCrossbarError } from '../errors.js';
import { selectWorkspaceTargets } from './workspace-targets.js';

function registry(): Registry {
  const r = parseConfig(
    `defaults: { role: CrossbarReadOnly }
accounts:
  - { id: "222222222222", name: development, stage: dev, roles: { admin: { name: administrator } } }
  - { id: "333333333333", name: staging, stage: staging }
  - { id: "444444444444", name: production, stage: prod, tags: { team: payments } }
`,
    'c.yaml',
  );
  if (!r.config) throw new Error(JSON.stringify(r.problems));
  return buildRegistry(r.config);
}

/** The platform workspace: development and staging, not production. */
function targets(selector: string, role?: string) {
  const reg = registry();
  return selectWorkspaceTargets({
    registry: reg,
    workspaceAccounts: reg.accounts.filter((a) => a.name !== 'production'),
    workspaceName: 'platform',
    selector,
    role,
  });
}

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (isCrossbarError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('selectWorkspaceTargets', () => {
  it('all, * and exclusions alone mean the accounts of the workspace', () => {
    expect(targets('all').map((t) => t.account.name)).toEqual(['development', 'staging']);
    expect(targets('*').map((t) => t.account.name)).toEqual(['development', 'staging']);
    expect(targets('!staging').map((t) => t.account.name)).toEqual(['development']);
  });

  it("names, ids and keyed terms inside the workspace pick accounts with each one's default role", () => {
    const picked = targets('stage=dev,333333333333');
    expect(picked.map((t) => `${t.account.name}:${t.role.key}`)).toEqual([
      'development:CrossbarReadOnly',
      'staging:CrossbarReadOnly',
    ]);
  });

  it('refuses a term that reaches outside the workspace, naming the term and not what is out there', () => {
    expect(refusal(() => targets('development,444444444444'))).toEqual({
      code: 'FORBIDDEN',
      message: "'444444444444' reaches an account outside the workspace platform: a run stays within its workspace",
    });
    for (const selector of ['production', 'stage!=staging', 'tag:team=payments', 'development,prod*']) {
      const r = refusal(() => targets(selector));
      expect(r.code).toBe('FORBIDDEN');
      expect(r.message).toMatch(/outside the workspace platform/);
      if (!selector.includes('prod')) expect(r.message).not.toMatch(/production|444444444444/);
    }
  });

  it('a name that is nowhere is unknown, suggested only from the workspace', () => {
    const r = refusal(() => targets('productoin'));
    expect(r.code).toBe('UNKNOWN_ACCOUNT');
  });

  it('takes a role the accounts define, and refuses one some do not define rather than trying it by name', () => {
    expect(targets('development', 'admin').map((t) => t.role.name)).toEqual(['administrator']);
    expect(targets('development', 'administrator').map((t) => t.role.key)).toEqual(['admin']);
    const r = refusal(() => targets('all', 'admin'));
    expect(r).toEqual({ code: 'USAGE', message: "no role 'admin' in staging" });
  });
});
