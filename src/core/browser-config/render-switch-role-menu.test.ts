import { describe, expect, it } from 'vitest';
import { renderSwitchRoleMenu } from './render-switch-role-menu.js';
import { DEMO_YAML, registryFrom } from '../../../test/aws-config/registry-fixture.js';

/** The extension's own reading (aesr-config): comments cut at ; or #, `[name]` sections, `key = value` lines. */
function readAsExtension(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/[;#].*$/, '').trim();
    if (!line) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = {};
      sections.set((header[1] ?? '').replace(/^profile\s+/i, ''), current);
      continue;
    }
    if (!current) throw new Error(`Unexpected text: ${line}`);
    const [key = '', value] = line.split('=', 2);
    if (!value?.trim()) throw new Error(`Invalid parameter definition: ${line}`);
    current[key.trim()] = value.trim();
  }
  return sections;
}

describe('renderSwitchRoleMenu', () => {
  const registry = registryFrom(DEMO_YAML);
  const text = renderSwitchRoleMenu(registry);
  const sections = readAsExtension(text);

  it('writes a base account for the source and one coloured target per account × role', () => {
    expect(sections.get('crossbar-source')).toEqual({ aws_account_id: '111111111111' });
    expect(sections.get('acme-production-admin')).toEqual({
      aws_account_id: '444444444444',
      role_name: 'administrator',
      color: 'f2b0a9',
      region: 'eu-west-1',
      source_profile: 'crossbar-source',
    });
    expect(sections.get('acme-development-CrossbarReadOnly')).toMatchObject({ color: 'b7ca9d', region: 'us-east-1' });
    expect(sections.get('acme-client-acme-CrossbarReadOnly')).toMatchObject({
      aws_account_id: '555555555555',
      color: '83d4e8',
    });
  });

  it('groups by stage: dev, then prod, then other stages', () => {
    const order = [...text.matchAll(/^; ---- (.+) ----$/gm)].map((m) => m[1]);
    expect(order).toEqual(['dev', 'prod', 'client']);
  });

  it('leaves out chained roles, which the console cannot switch to, with a comment saying why', () => {
    expect(sections.has('acme-production-deploy')).toBe(false);
    expect(text).toContain(
      '; acme-production-deploy: reached through admin; the console cannot switch to a chained role',
    );
  });

  it('writes targets without a base account when the source account is unknown', () => {
    const noSource = registryFrom('accounts:\n  - { id: "222222222222", name: dev, stage: dev }\n');
    const menu = readAsExtension(renderSwitchRoleMenu(noSource));
    expect([...menu.keys()]).toEqual(['crossbar-dev-CrossbarReadOnly']);
    expect(menu.get('crossbar-dev-CrossbarReadOnly')).not.toHaveProperty('source_profile');
    const named = readAsExtension(
      renderSwitchRoleMenu(noSource, { sourceAccount: 'acme-identity', sourceName: 'acme' }),
    );
    expect(named.get('acme')).toEqual({ aws_account_id: 'acme-identity' });
    expect(named.get('crossbar-dev-CrossbarReadOnly')?.['source_profile']).toBe('acme');
  });
});
