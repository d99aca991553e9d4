import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

/** `crossbar browser-config` through `main()`, on the registry `sandbox start --write-config` writes. */
let w: World;
beforeAll(async () => {
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
});
afterAll(async () => {
  await w.stop();
});

/** INI sections of the menu: name → settings. */
function sections(text: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      current = {};
      out.set(header[1], current);
    } else if (current && /^\w+ = /.test(line)) {
      const [key = '', value = ''] = line.split(' = ');
      current[key] = value;
    }
  }
  return out;
}

describe('crossbar browser-config', () => {
  it("prints a section per account × role, coloured by stage, based on alice's account", async () => {
    const run = await w.cli(['browser-config']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const menu = sections(run.stdout);
    expect(menu.get('alice')).toEqual({ aws_account_id: '111111111111' });
    const targets = [...menu].filter(([name]) => name !== 'alice');
    expect(targets.map(([name, s]) => [name, s.aws_account_id, s.role_name, s.color])).toEqual([
      ['demo-dev-CrossbarReadOnly', '222222222222', 'CrossbarReadOnly', 'b7ca9d'],
      ['demo-dev-admin', '222222222222', 'administrator', 'b7ca9d'],
      ['demo-staging-CrossbarReadOnly', '333333333333', 'CrossbarReadOnly', 'efda95'],
      ['demo-staging-admin', '333333333333', 'administrator', 'efda95'],
      ['demo-prod-CrossbarReadOnly', '444444444444', 'CrossbarReadOnly', 'f2b0a9'],
      ['demo-prod-admin', '444444444444', 'administrator', 'f2b0a9'],
      ['demo-client-CrossbarReadOnly', '555555555555', 'CrossbarReadOnly', '83d4e8'],
      ['demo-client-admin', '555555555555', 'administrator', '83d4e8'],
    ]);
    for (const [, s] of targets) expect(s).toMatchObject({ source_profile: 'alice', region: 'us-east-1' });
    expect(run.stdout.indexOf('; ---- dev ----')).toBeLessThan(run.stdout.indexOf('; ---- prod ----'));
  });

  it('--out writes the same menu to a file and says how many targets it has', async () => {
    const printed = (await w.cli(['browser-config'])).stdout;
    const out = join(w.dir, 'switch-roles.ini');
    const run = await w.cli(['browser-config', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `wrote ${out}: 8 switch-role targets; paste it into the aws-extend-switch-roles extension's configuration\n`,
    );
    expect(readFileSync(out, 'utf8')).toBe(printed);
  });

  it('a broken crossbar.yaml is reported with file:line:col, exit 2, and nothing is written', async () => {
    const bad = join(w.dir, 'bad.yaml');
    writeFileSync(bad, 'accounts:\n  - { id: 4444, name: production }\n');
    const out = join(w.dir, 'never.ini');
    const run = await w.cli(['browser-config', '--out', out], { CROSSBAR_CONFIG: bad });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(new RegExp(`^crossbar: ${bad}:2:\\d+ accounts\\[0\\]\\.id: `));
    expect(existsSync(out)).toBe(false);
  });
});
