import { describe, expect, it } from 'vitest';
import { buildRegistry, parseConfig } from '../core/config/index.js';
import { matchScore, pickEntries, rankEntries } from './pick-rank.js';

function entries() {
  const r = parseConfig(
    `accounts:
  - { id: "222222222222", name: development, stage: dev }
  - { id: "333333333333", name: staging, stage: staging }
  - { id: "444444444444", name: production, alias: prd, stage: prod, roles: { admin: { name: administrator, mfa: required, confirm: true } } }
  - { id: "555555555555", name: devtools-sandbox, stage: sandbox }
shortcuts:
  - { name: /switch-to-prod, account: production, region: eu-west-1 }
`,
    'c.yaml',
  );
  if (!r.config) throw new Error(JSON.stringify(r.problems));
  return pickEntries(buildRegistry(r.config));
}
const values = (query: string, recent: string[] = []) => rankEntries(entries(), query, recent).map((e) => e.value);

describe('the picker: what it offers and in which order', () => {
  it('offers every account, its other roles and every shortcut, in registry order when nothing is typed', () => {
    expect(values('')).toEqual([
      'development',
      'staging',
      'production',
      'production:admin',
      'devtools-sandbox',
      '/switch-to-prod',
    ]);
  });

  it('the most recently used come first when nothing is typed, and break ties when something is', () => {
    expect(values('', ['devtools-sandbox', 'staging']).slice(0, 3)).toEqual([
      'devtools-sandbox',
      'staging',
      'development',
    ]);
    expect(values('prod', ['/switch-to-prod'])[0]).toBe('/switch-to-prod');
  });

  it('finds by name, id, stage, alias and loose letters; a prefix beats a substring beats letters in order', () => {
    expect(values('dev')[0]).toBe('development');
    expect(values('4444')).toEqual(['production', 'production:admin', '/switch-to-prod']);
    expect(values('prd')[0]).toBe('production');
    expect(values('stgng')).toEqual(['staging']);
    expect(values('prod admin')).toEqual(['production:admin']);
    expect(values('zzz')).toEqual([]);
  });

  it('scores', () => {
    expect(matchScore('dev', 'dev')).toBeGreaterThan(matchScore('dev', 'development'));
    expect(matchScore('dev', 'development')).toBeGreaterThan(matchScore('dev', 'my-dev'));
    expect(matchScore('dev', 'my-dev')).toBeGreaterThan(matchScore('dvt', 'devtools'));
    expect(matchScore('xyz', 'development')).toBe(0);
  });
});
