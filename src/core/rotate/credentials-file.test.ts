import { describe, expect, it } from 'vitest';
import { readProfileKeys, replaceProfileKeys } from './credentials-file.js';

const FILE = `# my keys, by hand
[default]
aws_access_key_id = AKIADEFAULT000000000
aws_secret_access_key = default-secret

; the work identity
[ work ]
aws_access_key_id=AKIAOLD0000000000000
region = eu-west-1
aws_secret_access_key   =   old-secret   
# keep me
[temp]
aws_access_key_id = ASIATEMP000000000000
aws_secret_access_key = temp-secret
aws_session_token = token
`;

const NEW = { accessKeyId: 'AKIANEW0000000000000', secretAccessKey: 'new-secret' };

describe('readProfileKeys', () => {
  it('finds a profile key, with or without spaces in the header', () => {
    expect(readProfileKeys(FILE, 'work')).toEqual({ accessKeyId: 'AKIAOLD0000000000000', hasSessionToken: false });
    expect(readProfileKeys(FILE, 'temp')?.hasSessionToken).toBe(true);
  });
  it('says nothing of a profile that is not there (denied twin)', () => {
    expect(readProfileKeys(FILE, 'nope')).toBeUndefined();
  });
});

describe('replaceProfileKeys', () => {
  it('replaces only the two values of that profile, byte for byte elsewhere', () => {
    const out = replaceProfileKeys(FILE, 'work', 'AKIAOLD0000000000000', NEW);
    const expected = FILE.replace('=AKIAOLD0000000000000', '=AKIANEW0000000000000').replace(
      '=   old-secret   ',
      '=   new-secret   ',
    );
    expect(out).toBe(expected);
    expect(out).not.toContain('old-secret');
    expect(readProfileKeys(out, 'default')?.accessKeyId).toBe('AKIADEFAULT000000000');
  });
  it('keeps CRLF line ends', () => {
    const crlf = FILE.replaceAll('\n', '\r\n');
    const out = replaceProfileKeys(crlf, 'default', 'AKIADEFAULT000000000', NEW);
    expect(out).toBe(
      crlf.replace('AKIADEFAULT000000000', NEW.accessKeyId).replace('default-secret', NEW.secretAccessKey),
    );
  });
  it('refuses when the profile no longer holds the old key (denied twin)', () => {
    expect(() => replaceProfileKeys(FILE, 'work', 'AKIASOMETHINGELSE000', NEW)).toThrow(/no longer holds/);
    expect(() => replaceProfileKeys(FILE, 'nope', 'AKIAOLD0000000000000', NEW)).toThrow(/appears 0 times/);
  });
  it('refuses a profile defined twice rather than guess which one the SDK reads', () => {
    const twice = `${FILE}\n[work]\naws_access_key_id = AKIAOLD0000000000000\naws_secret_access_key = x\n`;
    expect(() => replaceProfileKeys(twice, 'work', 'AKIAOLD0000000000000', NEW)).toThrow(/appears 2 times/);
  });
});
