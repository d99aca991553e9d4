import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRegistry } from './config/registry.js';
import { parseConfig } from './config/load-config.js';
import { loadRegistryCached, registryCachePath } from './registry-cache.js';

const YAML = `organization: { name: acme, namespace: acme }
defaults: { role: CrossbarReadOnly, regions: [us-east-1] }
accounts:
  - { id: "222222222222", name: development, stage: dev }
  - id: "444444444444"
    name: production
    stage: prod
    roles:
      admin: { name: administrator, mfa: required }
`;

let dir: string;
let home: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossbar-registry-cache-'));
  home = join(dir, 'home');
  file = join(dir, 'crossbar.yaml');
  writeFileSync(file, YAML);
  // A file edited long ago, as most are: its mtime is then surely not the one of a later edit.
  utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Rewrites the cached registry's namespace (keeping the entry self-consistent): a load that then reports
 * 'from-the-cache' answered from the entry, one that reports 'acme' parsed the file.
 */
function markEntry(): void {
  const path = registryCachePath(home, file);
  const text = readFileSync(path, 'utf8');
  const newline = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
  const body = text.slice(newline + 1).replaceAll('"namespace":"acme"', '"namespace":"from-the-cache"');
  expect(body).toContain('from-the-cache');
  writeFileSync(path, `${JSON.stringify({ ...header, registrySha256: sha256(body) })}\n${body}`);
}

describe('loadRegistryCached', () => {
  it('parses the file once and then answers from a 0600 entry while its path, mtime, size and text are unchanged', async () => {
    const first = await loadRegistryCached(file, { home });
    expect(first).toEqual(buildRegistry(parseConfig(YAML, file).config ?? expect.fail('invalid')));
    const entry = registryCachePath(home, file);
    expect(statSync(entry).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'cache')).mode & 0o777).toBe(0o700);
    markEntry();
    const second = await loadRegistryCached(file, { home });
    expect(second.namespace).toBe('from-the-cache');
    // The default role is one of the account's roles, as buildRegistry makes it (code compares them by identity).
    for (const account of second.accounts) expect(account.roles).toContain(account.defaultRole);
    expect(second.accounts.map((a) => a.defaultRole.name)).toEqual(first.accounts.map((a) => a.defaultRole.name));
  });

  it('parses the file again when it changes: another size, another mtime, or the same of both with other text', async () => {
    await loadRegistryCached(file, { home });
    markEntry();
    expect((await loadRegistryCached(file, { home })).namespace).toBe('from-the-cache');

    // Another size.
    writeFileSync(file, `${YAML}# a comment\n`);
    const grown = await loadRegistryCached(file, { home });
    expect(grown.namespace).toBe('acme');

    // Same text and size, another mtime.
    markEntry();
    utimesSync(file, new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
    expect((await loadRegistryCached(file, { home })).namespace).toBe('acme');

    // Same size and mtime, other text (an edit within one tick of the file system's clock).
    markEntry();
    const before = statSync(file);
    writeFileSync(file, `${YAML}# a cOmment\n`.replace('development', 'developmenX'));
    utimesSync(file, before.atime, before.mtime);
    expect(statSync(file).size).toBe(before.size);
    const edited = await loadRegistryCached(file, { home });
    expect(edited.namespace).toBe('acme');
    expect(edited.accounts.map((a) => a.name)).toContain('developmenX');
  });

  it('ignores an entry that is corrupt, truncated or empty, and replaces it', async () => {
    await loadRegistryCached(file, { home });
    const entry = registryCachePath(home, file);
    const good = readFileSync(entry, 'utf8');
    for (const broken of [
      '',
      'not json at all',
      good.slice(0, good.length - 20),
      good.replace('"namespace":"acme"', '"namespace":"tampered"'),
      `${good.slice(0, good.indexOf('\n'))}\n{"config":{},"accounts":[{"roles":[],"defaultRole":3}]}`,
      good.replace(/"v":1/, '"v":99'),
    ]) {
      writeFileSync(entry, broken);
      const registry = await loadRegistryCached(file, { home });
      expect(registry.namespace).toBe('acme');
      expect(registry.accounts.map((a) => a.name)).toEqual(['development', 'production']);
      expect(readFileSync(entry, 'utf8')).toBe(good);
    }
  });

  it('keys entries by the file path: two configs do not answer for each other', async () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(other, YAML.replace('namespace: acme', 'namespace: other'));
    utimesSync(other, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    expect((await loadRegistryCached(file, { home })).namespace).toBe('acme');
    expect((await loadRegistryCached(other, { home })).namespace).toBe('other');
    expect((await loadRegistryCached(file, { home })).namespace).toBe('acme');
    expect(readdirSync(join(home, 'cache')).filter((f) => f.startsWith('registry-'))).toHaveLength(2);
  });

  it('an invalid file is an error with every problem, never cached; a missing one is CONFIG_NOT_FOUND', async () => {
    writeFileSync(file, 'accounts:\n  - { id: "12", name: x }\n');
    await expect(loadRegistryCached(file, { home })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(() => statSync(registryCachePath(home, file))).toThrow();
    await expect(loadRegistryCached(join(dir, 'missing.yaml'), { home })).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
    });
  });

  it('a home it cannot write costs a parse, not an error', async () => {
    // A file where the cache directory would go.
    writeFileSync(home, 'not a directory');
    expect((await loadRegistryCached(file, { home })).namespace).toBe('acme');
    expect((await loadRegistryCached(file, { home })).namespace).toBe('acme');
  });
});
