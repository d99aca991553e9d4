import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAwsConfig, resolveAwsConfigPath, writeAwsConfigAtomically } from './write-aws-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossbar-aws-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const NOW = () => Date.parse('2026-03-04T05:06:07.890Z');

describe('writeAwsConfigAtomically', () => {
  it('creates a missing folder 0700 and a new file 0600, with no backup', () => {
    const path = join(dir, 'home', '.aws', 'config');
    const result = writeAwsConfigAtomically(path, '[profile a]\nregion = x\n', { now: NOW });
    expect(readFileSync(path, 'utf8')).toBe('[profile a]\nregion = x\n');
    expect(mode(path)).toBe(0o600);
    expect(mode(join(dir, 'home', '.aws'))).toBe(0o700);
    expect(result).toEqual({ path });
  });

  it('keeps the file mode, backs the old bytes up in a 0600 file, and leaves no temp file', () => {
    const path = join(dir, 'config');
    writeFileSync(path, 'old\r\ncontent');
    chmodSync(path, 0o640);
    const result = writeAwsConfigAtomically(path, 'new\n', { now: NOW });
    expect(readFileSync(path, 'utf8')).toBe('new\n');
    expect(mode(path)).toBe(0o640);
    expect(result.backupPath).toBe(`${path}.crossbar-backup-20260304T050607Z`);
    expect(readFileSync(result.backupPath ?? '', 'utf8')).toBe('old\r\ncontent');
    expect(mode(result.backupPath ?? '')).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual(['config', 'config.crossbar-backup-20260304T050607Z']);
  });

  it('never overwrites an earlier backup from the same second', () => {
    const path = join(dir, 'config');
    writeFileSync(path, 'v1');
    writeAwsConfigAtomically(path, 'v2', { now: NOW });
    const second = writeAwsConfigAtomically(path, 'v3', { now: NOW });
    expect(second.backupPath).toBe(`${path}.crossbar-backup-20260304T050607Z-1`);
    expect(readFileSync(`${path}.crossbar-backup-20260304T050607Z`, 'utf8')).toBe('v1');
    expect(readFileSync(second.backupPath ?? '', 'utf8')).toBe('v2');
  });

  it('skips the backup when told to', () => {
    const path = join(dir, 'config');
    writeFileSync(path, 'v1');
    expect(writeAwsConfigAtomically(path, 'v2', { backup: false }).backupPath).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['config']);
  });

  it('writes through a symlink, so a dotfiles link stays a link', () => {
    const real = join(dir, 'dotfiles-aws-config');
    writeFileSync(real, 'v1');
    const link = join(dir, 'config');
    symlinkSync(real, link);
    writeAwsConfigAtomically(link, 'v2', { backup: false });
    expect(readFileSync(real, 'utf8')).toBe('v2');
    expect(readFileSync(link, 'utf8')).toBe('v2');
  });
});

describe('readAwsConfig', () => {
  it('reads a missing file as empty', () => {
    expect(readAwsConfig(join(dir, 'nope'))).toEqual({ text: '', exists: false });
  });

  it('refuses bytes that are not UTF-8, since they would not survive a rewrite', () => {
    const path = join(dir, 'config');
    writeFileSync(path, Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0xff, 0xfe, 0x0a]));
    expect(() => readAwsConfig(path)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('not valid UTF-8') }),
    );
  });
});

describe('resolveAwsConfigPath', () => {
  it('follows AWS_CONFIG_FILE, else ~/.aws/config', () => {
    expect(resolveAwsConfigPath({ AWS_CONFIG_FILE: '/etc/aws' }, '/home/me')).toBe('/etc/aws');
    expect(resolveAwsConfigPath({ AWS_CONFIG_FILE: '~/x' }, '/home/me')).toBe('/home/me/x');
    expect(resolveAwsConfigPath({}, '/home/me')).toBe('/home/me/.aws/config');
  });
});
