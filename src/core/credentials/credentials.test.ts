import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  needsRefresh,
  RedactedAccountCredentials,
  RedactedCredentials,
  redactCredentials,
  remainingMs,
} from './credentials.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKEN';
const plain = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: SECRET,
  sessionToken: TOKEN,
  expiration: new Date('2030-01-01T00:00:00Z'),
};

describe('RedactedCredentials', () => {
  it('gives the secret and token to whoever asks for them by name', () => {
    const c = new RedactedAccountCredentials(plain, '222222222222');
    expect(c.secretAccessKey).toBe(SECRET);
    expect(c.sessionToken).toBe(TOKEN);
    expect(c.accountId).toBe('222222222222');
  });

  it('never shows them in JSON, inspect, template strings, spreads or errors', () => {
    const c = new RedactedAccountCredentials(plain, '222222222222');
    const views = [
      JSON.stringify(c),
      JSON.stringify({ nested: { c } }),
      inspect(c, { showHidden: true, depth: 10 }),
      inspect({ c }, { showHidden: true, depth: 10 }),
      `${String(c)}`,
      JSON.stringify({ ...c }),
      Object.keys(c).join(','),
      new Error(`failed with ${String(c)}`).message,
    ];
    for (const view of views) {
      expect(view).not.toContain(SECRET);
      expect(view).not.toContain(TOKEN);
    }
    expect(JSON.parse(JSON.stringify(c))).toEqual({
      accountId: '222222222222',
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: '[redacted]',
      sessionToken: '[redacted]',
      expiration: '2030-01-01T00:00:00.000Z',
    });
  });

  it('wraps plain credentials once', () => {
    const c = redactCredentials(plain);
    expect(c).toBeInstanceOf(RedactedCredentials);
    expect(redactCredentials(c)).toBe(c);
    expect(JSON.stringify(redactCredentials({ accessKeyId: 'AKIA', secretAccessKey: SECRET }))).toBe(
      '{"accessKeyId":"AKIA","secretAccessKey":"[redacted]"}',
    );
  });
});

describe('refresh timing', () => {
  const at = plain.expiration.getTime();
  it('refreshes with less than 5 minutes left, not with more', () => {
    expect(needsRefresh(plain, at - 4 * 60_000)).toBe(true);
    expect(needsRefresh(plain, at - 6 * 60_000)).toBe(false);
    expect(needsRefresh(plain, at + 1)).toBe(true);
  });

  it('long-lived keys never expire', () => {
    expect(remainingMs({ accessKeyId: 'AKIA', secretAccessKey: 's' }, Date.now())).toBe(Number.POSITIVE_INFINITY);
    expect(needsRefresh({ accessKeyId: 'AKIA', secretAccessKey: 's' }, Date.now())).toBe(false);
  });
});
