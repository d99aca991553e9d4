import { describe, expect, it } from 'vitest';
import { crossbarOnPath, resolveSelfCommand, type SelfCommandDeps } from './self-command.js';

/** A file system of executables and symlinks, as the PATH lookup sees it. */
function fs(files: Record<string, string>): SelfCommandDeps {
  return {
    realpath: (p) => {
      const target = files[p];
      if (target === undefined) throw new Error(`ENOENT ${p}`);
      return target;
    },
    isExecutable: (p) => p in files,
  };
}

const program = {
  node: '/usr/bin/node',
  execArgv: ['--inspect', '--import', 'file:///x/tsx.mjs'],
  script: '/opt/cb/bin/crossbar.js',
};

describe('which crossbar credential_process runs', () => {
  it('plain crossbar when the crossbar on PATH is this program (an npm -g symlink)', () => {
    const deps = fs({
      '/usr/local/bin/crossbar': '/opt/cb/bin/crossbar.js',
      '/opt/cb/bin/crossbar.js': '/opt/cb/bin/crossbar.js',
    });
    expect(resolveSelfCommand(program, { PATH: '/usr/bin:/usr/local/bin' }, deps).words).toBeUndefined();
  });

  it('absolute node + flags (no debugger) + script when PATH has none, or another crossbar', () => {
    const self = fs({ '/opt/cb/bin/crossbar.js': '/opt/cb/bin/crossbar.js' });
    const none = resolveSelfCommand(program, { PATH: '/usr/bin' }, self);
    expect(none.words).toEqual(['/usr/bin/node', '--import', 'file:///x/tsx.mjs', '/opt/cb/bin/crossbar.js']);
    expect(none.note).toContain('`crossbar` is not on PATH');
    const other = resolveSelfCommand(
      program,
      { PATH: '/usr/bin' },
      fs({ '/usr/bin/crossbar': '/usr/lib/kazoo/crossbar', '/opt/cb/bin/crossbar.js': '/opt/cb/bin/crossbar.js' }),
    );
    expect(other.words?.at(-1)).toBe('/opt/cb/bin/crossbar.js');
    expect(other.note).toContain('`crossbar` on PATH (/usr/bin/crossbar) is another program');
  });

  it("npx's node_modules/.bin is on PATH only for its own run: it does not count", () => {
    const deps = fs({
      '/home/u/.npm/_npx/ab/node_modules/.bin/crossbar':
        '/home/u/.npm/_npx/ab/node_modules/crossbar-aws/bin/crossbar.js',
    });
    expect(crossbarOnPath('/home/u/.npm/_npx/ab/node_modules/.bin:/usr/bin', deps)).toBeUndefined();
    const npx = resolveSelfCommand(
      { ...program, script: '/home/u/.npm/_npx/ab/node_modules/crossbar-aws/bin/crossbar.js' },
      { PATH: '/home/u/.npm/_npx/ab/node_modules/.bin:/usr/bin' },
      deps,
    );
    expect(npx.words?.at(-1)).toBe('/home/u/.npm/_npx/ab/node_modules/crossbar-aws/bin/crossbar.js');
    expect(npx.note).toContain('npm install -g crossbar-aws');
  });
});
