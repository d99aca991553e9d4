import { describe, expect, it } from 'vitest';
import { externalIdsFromAwsConfig, withKnownExternalIds } from './import-external-ids.js';
import type { InitConfig } from './init-config.js';

const config: InitConfig = {
  defaults: { role: 'OrganizationAccountAccessRole' },
  accounts: [
    { id: '555555555555', name: 'client-acme' },
    { id: '666666666666', name: 'client-beta' },
  ],
};

describe('ExternalIds init takes from what the person has', () => {
  it('fills an account from a role profile of the AWS config, and notes where from', () => {
    const text = '[profile acme]\nrole_arn = arn:aws:iam::555555555555:role/Any\nexternal_id = acme-7f3a\n';
    const known = externalIdsFromAwsConfig(text, '/h/.aws/config');
    const { config: out, notes } = withKnownExternalIds(config, known);
    expect(out.accounts[0]?.external_id).toBe('acme-7f3a');
    expect(out.accounts[1]?.external_id).toBeUndefined();
    expect(notes).toEqual(['external_id of client-acme (555555555555) taken from [profile acme] (/h/.aws/config:1)']);
  });

  it('denied twin: two different ExternalIds for one account are not guessed between', () => {
    const text =
      '[profile a]\nrole_arn = arn:aws:iam::555555555555:role/A\nexternal_id = one\n' +
      '[profile b]\nrole_arn = arn:aws:iam::555555555555:role/B\nexternal_id = two\n';
    const { config: out, notes } = withKnownExternalIds(config, externalIdsFromAwsConfig(text, 'c'));
    expect(out.accounts[0]?.external_id).toBeUndefined();
    expect(notes[0]).toMatch(/client-acme \(555555555555\) has different ExternalIds in \[profile a\].*\[profile b\]/);
  });

  it('keeps an ExternalId the account already has', () => {
    const has: InitConfig = { ...config, accounts: [{ id: '555555555555', name: 'c', external_id: 'mine' }] };
    const known = [{ accountId: '555555555555', externalId: 'other', from: 'x' }];
    expect(withKnownExternalIds(has, known).config.accounts[0]?.external_id).toBe('mine');
  });
});
