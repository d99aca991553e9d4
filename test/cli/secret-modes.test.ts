import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

/*
 * Issue 9 item 9: like ssh, crossbar does not accept its secrets open to others in silence. A cache.key (or
 * another secret file) readable by group/others, or a CROSSBAR_HOME others can enter, is tightened and reported
 * once on stderr, naming the file and the fix; private modes say nothing.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { NO_COLOR: '1' } });
});
afterAll(() => w.stop());

const mode = (path: string) => statSync(path).mode & 0o777;

async function envIn(home: string) {
  const out = await w.cli(['env', 'development', '--shell', 'sh'], { CROSSBAR_HOME: home });
  expect(out.code).toBe(0);
  return out.stderr;
}

describe('loose modes of CROSSBAR_HOME and its secrets', () => {
  it('cache.key at 0644: one warning naming the file and the fix, and the file is 0600 afterwards', async () => {
    const home = w.newHome();
    expect(await envIn(home)).not.toContain('warning');
    const key = join(home, 'cache.key');
    chmodSync(key, 0o644);
    const stderr = await envIn(home);
    const warnings = stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toEqual([
      `warning: ${key} was open to group/others (0644): crossbar made it 0600 (chmod 600 ${key}); whoever read it can decrypt the cached credentials: delete ${join(home, 'cache')} to drop them`,
    ]);
    expect(mode(key)).toBe(0o600);
    expect(await envIn(home)).not.toContain('warning');
  });

  it('CROSSBAR_HOME at 0755: a warning naming the folder and the fix', async () => {
    const home = w.newHome();
    await envIn(home);
    chmodSync(home, 0o755);
    const stderr = await envIn(home);
    expect(stderr).toContain(
      `warning: CROSSBAR_HOME ${home} was open to group/others (0755): crossbar made it 0700 (chmod 700 ${home})`,
    );
    expect(mode(home)).toBe(0o700);
  });

  it('denied twin: cache.key 0600 in a 0700 CROSSBAR_HOME says nothing', async () => {
    const home = w.newHome();
    await envIn(home);
    expect(mode(join(home, 'cache.key'))).toBe(0o600);
    expect(mode(home)).toBe(0o700);
    const stderr = await envIn(home);
    expect(stderr).not.toContain('warning');
    expect(stderr).not.toContain('open to group/others');
  });

  it('another secret file (unlocks.json at 0640) is reported the same way', async () => {
    const home = w.newHome();
    await envIn(home);
    const unlocks = join(home, 'unlocks.json');
    writeFileSync(unlocks, '{}', { mode: 0o640 });
    chmodSync(unlocks, 0o640);
    expect(await envIn(home)).toContain(`warning: ${unlocks} was open to group/others (0640): crossbar made it 0600`);
    expect(mode(unlocks)).toBe(0o600);
  });
});
