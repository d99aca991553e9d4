import { describe, expect, it } from 'vitest';
import { buildRegistry, type Registry } from '../config/registry.js';
import { formatProblem, parseConfig } from '../config/load-config.js';
import { resolveTarget } from '../select/select-accounts.js';
import { resolveRoleChain } from './role-chain.js';

function registry(accounts: string): Registry {
  const parsed = parseConfig(`accounts:\n${accounts}`, 'crossbar.yaml');
  if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  return buildRegistry(parsed.config);
}

const ORG =
  registry(`  - { id: "111111111111", name: management, roles: { hub: { name: CrossbarHub, duration: 14400 }, jump: { name: Jump, via: hub } } }
  - id: "444444444444"
    name: production
    roles:
      direct: { name: CrossbarReadOnly, duration: 7200 }
      chained: { name: CrossbarReadOnly, via: "management:hub", duration: 7200 }
      deep: { name: Deep, via: "111111111111:jump", external_id: ext-1234 }
`);

const hops = (reg: Registry, target: string) =>
  resolveRoleChain(resolveTarget(reg, target), reg).map((h) => [h.role.arn, h.durationSeconds, h.chained]);

describe('resolveRoleChain', () => {
  it('a role without via is one hop with its own duration', () => {
    expect(hops(ORG, 'production:direct')).toEqual([['arn:aws:iam::444444444444:role/CrossbarReadOnly', 7200, false]]);
  });

  it('follows via across accounts, first hop first, and caps every later hop at 3600 s', () => {
    expect(hops(ORG, 'production:chained')).toEqual([
      ['arn:aws:iam::111111111111:role/CrossbarHub', 14400, false],
      ['arn:aws:iam::444444444444:role/CrossbarReadOnly', 3600, true],
    ]);
  });

  it('follows several hops, by account name or id, and within an account by role key', () => {
    const chain = resolveRoleChain(resolveTarget(ORG, 'production:deep'), ORG);
    expect(chain.map((h) => `${h.account.name}:${h.role.key}`)).toEqual([
      'management:hub',
      'management:jump',
      'production:deep',
    ]);
    expect(chain.map((h) => h.durationSeconds)).toEqual([14400, 3600, 3600]);
    expect(chain[2]?.role.externalId).toBe('ext-1234');
  });

  it('refuses a loop as CONFIG_INVALID', () => {
    const loop = registry(`  - { id: "111111111111", name: a, roles: { x: { name: X, via: "b:y" } } }
  - { id: "222222222222", name: b, roles: { y: { name: Y, via: "a:x" } } }
`);
    expect(() => resolveRoleChain(resolveTarget(loop, 'a:x'), loop)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: 'Role chain loops back to a:x: a:x → b:y → a:x' }),
    );
    const self = registry(`  - { id: "111111111111", name: a, roles: { x: { name: X, via: x } } }\n`);
    expect(() => resolveRoleChain(resolveTarget(self, 'a:x'), self)).toThrow(/loops back to a:x/);
  });

  it('refuses a via naming an unknown account or role', () => {
    const bad = registry(
      `  - { id: "111111111111", name: a, roles: { x: { name: X, via: "nowhere:hub" }, y: { name: Y, via: "a:nothing" } } }\n`,
    );
    expect(() => resolveRoleChain(resolveTarget(bad, 'a:x'), bad)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: "accounts[a].roles.x.via: unknown account 'nowhere' in 'nowhere:hub'",
      }),
    );
    expect(() => resolveRoleChain(resolveTarget(bad, 'a:y'), bad)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: "accounts[a].roles.y.via: account 'a' has no role 'nothing'",
      }),
    );
  });
});
