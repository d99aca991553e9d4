import { isUsageError } from '../errors.js';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrossbarError } from '../errors.js';
import { writeConfigFile } from './write-config-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossbar-init-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function errorOf(fn: () => unknown): CrossbarError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CrossbarError) return err;
    throw err;
  }
  throw new Error('expected a CrossbarError');
}

describe('writeConfigFile', () => {
  it('creates the folder and writes the file, private to its owner, leaving no temp file behind', () => {
    const path = join(dir, 'nested', 'deeper', 'crossbar.yaml');
    writeConfigFile(path, 'accounts: []\n');
    expect(readFileSync(path, 'utf8')).toBe('accounts: []\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'nested', 'deeper'))).toEqual(['crossbar.yaml']);
  });

  it('never replaces an existing file without force, and leaves it byte for byte', () => {
    const path = join(dir, 'crossbar.yaml');
    writeFileSync(path, '# mine, hand-written\n');
    const err = errorOf(() => writeConfigFile(path, 'accounts: []\n'));
    expect(err.code).toBe('USAGE');
    expect(isUsageError(err)).toBe(true);
    expect(err.message).toBe(`${path} exists: pass --force to replace it`);
    expect(readFileSync(path, 'utf8')).toBe('# mine, hand-written\n');
    expect(readdirSync(dir)).toEqual(['crossbar.yaml']);
  });

  it('replaces it with force, atomically', () => {
    const path = join(dir, 'crossbar.yaml');
    writeFileSync(path, 'old\n');
    writeConfigFile(path, 'new\n', { force: true });
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['crossbar.yaml']);
  });

  it('refuses a folder in the way, even with force', () => {
    const path = join(dir, 'crossbar.yaml');
    mkdirSync(path);
    const err = errorOf(() => writeConfigFile(path, 'x\n', { force: true }));
    expect(err.code).toBe('USAGE');
    expect(err.message).toBe(`${path} is a folder, not a file`);
  });

  it('says which path it could not write when the folder cannot be created', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const err = errorOf(() => writeConfigFile(join(blocker, 'crossbar.yaml'), 'x\n'));
    expect(err.code).toBe('ERROR');
    expect(err.message).toContain(`Cannot write ${join(blocker, 'crossbar.yaml')}`);
    expect(err.cause).toBeDefined();
  });
});
