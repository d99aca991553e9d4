import { describe, expect, it } from 'vitest';
import { pickSsoSource } from './sso-login.js';

const sso = (name: string) => ({
  name,
  kind: 'sso',
  sso: { startUrl: `https://${name}/start`, region: 'eu-west-1', session: name },
});
const iam = (name: string) => ({ name, kind: 'iam' });

describe('pickSsoSource', () => {
  it('takes the named one, else the only one, else the default when it is SSO', () => {
    expect(pickSsoSource([iam('default'), sso('acme-sso'), sso('client')], undefined, 'client').name).toBe('client');
    expect(pickSsoSource([iam('default'), sso('acme-sso'), iam('own')], 'own', undefined).name).toBe('acme-sso');
    expect(pickSsoSource([sso('default'), sso('client')], 'default', undefined).name).toBe('default');
  });

  it('several SSO sources and no name: one line listing them (a usage error)', () => {
    expect(() => pickSsoSource([iam('default'), sso('a'), sso('b')], 'default', undefined)).toThrow(
      expect.objectContaining({ code: 'USAGE', message: 'which SSO source? crossbar.yaml has 2: a, b' }),
    );
  });

  it('a name that is not an SSO source, or no source at all', () => {
    expect(() => pickSsoSource([iam('own'), sso('a')], undefined, 'own')).toThrow(/'own' is not an SSO source/);
    expect(() => pickSsoSource([iam('own'), sso('a')], undefined, 'nope')).toThrow(
      /no source 'nope' in crossbar.yaml: the SSO sources are a/,
    );
  });
});
