import { describe, expect, it } from 'vitest';
import { resolveConfigPath, resolveCrossbarHome } from './config-location.js';

describe('resolveConfigPath', () => {
  const existing =
    (...paths: string[]) =>
    (p: string) =>
      paths.includes(p);

  it('looks at --config, then CROSSBAR_CONFIG, then ./crossbar.yaml, then ~/.config/crossbar/crossbar.yaml', () => {
    const all = existing('/w/flag.yaml', '/env.yaml', '/w/crossbar.yaml', '/h/.config/crossbar/crossbar.yaml');
    const env = { HOME: '/h', CROSSBAR_CONFIG: '/env.yaml' };
    expect(resolveConfigPath({ flag: 'flag.yaml', env, cwd: '/w', exists: all })).toBe('/w/flag.yaml');
    expect(resolveConfigPath({ env, cwd: '/w', exists: all })).toBe('/env.yaml');
    expect(resolveConfigPath({ env: { HOME: '/h' }, cwd: '/w', exists: all })).toBe('/w/crossbar.yaml');
    expect(resolveConfigPath({ env: { HOME: '/h' }, cwd: '/elsewhere', exists: all })).toBe(
      '/h/.config/crossbar/crossbar.yaml',
    );
  });

  it('an explicit file that does not exist is an error naming it, not a fallback', () => {
    const fallback = existing('/w/crossbar.yaml');
    expect(() => resolveConfigPath({ flag: 'nope.yaml', env: {}, cwd: '/w', exists: fallback })).toThrow(
      '/w/nope.yaml does not exist (from --config)',
    );
    expect(() => resolveConfigPath({ env: { CROSSBAR_CONFIG: '/x.yaml' }, cwd: '/w', exists: fallback })).toThrow(
      '/x.yaml does not exist (from CROSSBAR_CONFIG)',
    );
  });

  it('nothing found: says where it looked', () => {
    expect(() => resolveConfigPath({ env: { HOME: '/h' }, cwd: '/w', exists: () => false })).toThrow(
      'No crossbar.yaml found (looked for /w/crossbar.yaml and /h/.config/crossbar/crossbar.yaml)',
    );
  });
});

describe('resolveCrossbarHome', () => {
  it('is CROSSBAR_HOME, else ~/.crossbar', () => {
    expect(resolveCrossbarHome({ CROSSBAR_HOME: '/state' }, '/w')).toBe('/state');
    expect(resolveCrossbarHome({ CROSSBAR_HOME: 'rel' }, '/w')).toBe('/w/rel');
    expect(resolveCrossbarHome({ HOME: '/h' }, '/w')).toBe('/h/.crossbar');
  });
});
