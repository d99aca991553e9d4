import { describe, expect, it } from 'vitest';
import { ssoSessionsIn } from './sso-session-profiles.js';

describe('ssoSessionsIn', () => {
  it('finds [sso-session] sections and their start URLs, not profiles', () => {
    const text = [
      '[profile a]',
      'sso_start_url = https://no/start',
      '[sso-session acme]',
      'sso_region = eu-west-1',
      'sso_start_url = https://acme/start',
      '[sso-session bare]',
    ].join('\n');
    expect([...ssoSessionsIn(text)]).toEqual([
      ['acme', 'https://acme/start'],
      ['bare', ''],
    ]);
  });
});
