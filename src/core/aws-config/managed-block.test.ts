import { describe, expect, it } from 'vitest';
import { BLOCK_BEGIN, BLOCK_END, mergeManagedBlock } from './managed-block.js';
import { renderProfiles } from './render-profiles.js';
import { findIniProblems } from './validate-aws-config.js';
import { DEMO_YAML, registryFrom } from '../../../test/aws-config/registry-fixture.js';

/** A user's own ~/.aws/config: comments everywhere, a [default], odd spacing, continuation lines, no final newline. */
const HAND_WRITTEN = [
  '# My AWS config -- hand written, please keep my comments',
  '; semicolon comments too',
  '',
  '[default]',
  'region = eu-central-1   ',
  'output=json',
  '',
  '',
  '[profile personal]  ',
  '  # indented comment',
  'aws_access_key_id = AKIAEXAMPLE',
  's3 =',
  '    addressing_style = path',
  '    signature_version = s3v4',
  '',
  '[sso-session corp]',
  'sso_start_url = https://corp.awsapps.com/start',
  '[profile "with space"]',
  'region: us-west-2',
  '# trailing comment without newline',
].join('\n');

const registry = registryFrom(DEMO_YAML);
const profiles = renderProfiles(registry, { mode: 'role-arn' });

function outsideBlock(text: string): string {
  const begin = text.indexOf(BLOCK_BEGIN);
  const end = text.indexOf(BLOCK_END);
  if (begin < 0) return text;
  const afterEnd = text.slice(end + BLOCK_END.length).replace(/^\r?\n/, '');
  return text.slice(0, begin) + afterEnd;
}

describe('mergeManagedBlock', () => {
  it('appends the block after one blank line and keeps the rest byte for byte', () => {
    const result = mergeManagedBlock(HAND_WRITTEN, profiles);
    expect(result.text.startsWith(`${HAND_WRITTEN}\n\n${BLOCK_BEGIN}\n`)).toBe(true);
    expect(result.text.endsWith(`${BLOCK_END}\n`)).toBe(true);
    expect(result.text).toContain('do not edit; regenerate with crossbar aws-config');
    expect(result.added).toEqual([
      'acme-development-CrossbarReadOnly',
      'acme-production-CrossbarReadOnly',
      'acme-production-admin',
      'acme-production-deploy',
      'acme-client-acme-CrossbarReadOnly',
    ]);
    expect(result).toMatchObject({ changed: [], removed: [], stale: [] });
    expect(findIniProblems(result.text)).toEqual([]);
  });

  it('writes the whole file as the block when the file is empty', () => {
    const { text } = mergeManagedBlock('', profiles);
    expect(text.startsWith(`${BLOCK_BEGIN}\n`)).toBe(true);
  });

  it('regenerates only the block: the user text before and after it is untouched', () => {
    const first = mergeManagedBlock(HAND_WRITTEN, profiles).text;
    const userAfter = '\n# added by hand after crossbar ran\n[profile later]\nregion = ap-south-1';
    const edited = first + userAfter;
    const changedRegistry = registryFrom(DEMO_YAML.replace('regions: [eu-west-1]', 'regions: [eu-north-1]'));
    const result = mergeManagedBlock(edited, renderProfiles(changedRegistry, { mode: 'role-arn' }));
    expect(outsideBlock(result.text)).toBe(outsideBlock(edited));
    expect(result.text.endsWith(userAfter)).toBe(true);
    expect(result.changed).toEqual([
      'acme-production-CrossbarReadOnly',
      'acme-production-admin',
      'acme-production-deploy',
    ]);
    expect(result.added).toEqual([]);
  });

  it('is idempotent: the same profiles give the same text and no changes', () => {
    const first = mergeManagedBlock(HAND_WRITTEN, profiles).text;
    const again = mergeManagedBlock(first, profiles);
    expect(again.text).toBe(first);
    expect(again).toMatchObject({ added: [], changed: [], removed: [], stale: [] });
  });

  it('keeps a CRLF file CRLF, block included, and its text byte for byte', () => {
    const crlf = `${HAND_WRITTEN.replace(/\n/g, '\r\n')}\r\n`;
    const { text } = mergeManagedBlock(crlf, profiles);
    expect(text.startsWith(`${crlf}\r\n${BLOCK_BEGIN}\r\n`)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    const again = mergeManagedBlock(
      text,
      renderProfiles(registryFrom(DEMO_YAML.replace('eu-west-1', 'eu-north-1')), { mode: 'role-arn' }),
    );
    expect(outsideBlock(again.text)).toBe(outsideBlock(text));
    expect(again.text.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('refuses to shadow a profile the user defined outside the block, naming it and its line', () => {
    const mine = `${HAND_WRITTEN}\n\n[profile acme-production-admin]\nregion = us-east-1\n`;
    const line = mine.split('\n').indexOf('[profile acme-production-admin]') + 1;
    expect(() => mergeManagedBlock(mine, profiles, { path: '/home/me/.aws/config' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: `/home/me/.aws/config:${line}: profile 'acme-production-admin' is already defined outside crossbar's managed block`,
      }),
    );
  });

  it('keeps the profiles of an account that left the registry as stale, and removes them with prune', () => {
    const first = mergeManagedBlock(HAND_WRITTEN, profiles).text;
    const withoutAcme = registryFrom(DEMO_YAML.replace(/ {2}- \{ id: "555555555555".*\n/, ''));
    const next = renderProfiles(withoutAcme, { mode: 'role-arn' });

    const kept = mergeManagedBlock(first, next);
    expect(kept.stale).toEqual(['acme-client-acme-CrossbarReadOnly']);
    expect(kept.removed).toEqual([]);
    expect(kept.text).toContain('[profile acme-client-acme-CrossbarReadOnly]');

    const pruned = mergeManagedBlock(first, next, { prune: true });
    expect(pruned.removed).toEqual(['acme-client-acme-CrossbarReadOnly']);
    expect(pruned.stale).toEqual([]);
    expect(pruned.text).not.toContain('client-acme');
    expect(outsideBlock(pruned.text)).toBe(outsideBlock(first));
  });

  it('removes, without prune, a role no longer configured on an account that is still there', () => {
    const first = mergeManagedBlock(HAND_WRITTEN, profiles).text;
    const noDeploy = registryFrom(DEMO_YAML.replace(/ {6}deploy: .*\n/, ''));
    const result = mergeManagedBlock(first, renderProfiles(noDeploy, { mode: 'role-arn' }));
    expect(result).toMatchObject({ removed: ['acme-production-deploy'], stale: [] });
  });

  it('refuses a file the AWS CLI cannot parse, naming the file and line', () => {
    const broken = `${HAND_WRITTEN}\n[profile x]\nthis line is not a setting\n`;
    const line = broken.split('\n').indexOf('this line is not a setting') + 1;
    expect(() => mergeManagedBlock(broken, profiles, { path: '/h/.aws/config' })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining(`/h/.aws/config:${line}: cannot parse`),
      }),
    );
  });

  it('refuses a damaged block (begin marker without end)', () => {
    const damaged = `${HAND_WRITTEN}\n${BLOCK_BEGIN}\n[profile x]\nregion = us-east-1\n`;
    expect(() => mergeManagedBlock(damaged, profiles)).toThrow(
      /managed block is damaged: a begin marker without an end marker/,
    );
  });
});

describe('sso-session sections in the block', () => {
  const session = [
    '[sso-session acme]',
    '# crossbar: sso-session of source acme-sso',
    'sso_start_url = https://x/start',
  ];
  const profile = (name: string) => [
    `[profile ${name}]`,
    '# crossbar: account 333333333333 (acme-prod), role admin',
    'sso_session = acme',
  ];

  it('are written, and dropped once no profile of the block uses them', () => {
    const first = mergeManagedBlock('', [...session, '', ...profile('acme-prod-admin')].join('\n') + '\n');
    expect(first.added).toEqual(['sso-session acme', 'acme-prod-admin']);
    const still = mergeManagedBlock(first.text, profile('acme-prod-admin').join('\n') + '\n');
    expect(still.removed).toEqual([]);
    expect(still.text).toContain('[sso-session acme]');
    const processStyle = ['[profile acme-prod-admin]', '# crossbar: account 333333333333 (acme-prod), role admin'];
    const again = mergeManagedBlock(first.text, processStyle.join('\n') + '\n');
    expect(again.removed).toEqual(['sso-session acme']);
    expect(again.text).not.toContain('[sso-session acme]');
    const kept = mergeManagedBlock(first.text, '[profile other]\n# crossbar: account 444444444444 (o), role r\n');
    // the profile's account left the registry: it stays (stale) and so does the session it uses
    expect(kept.stale).toEqual(['acme-prod-admin', 'sso-session acme']);
  });

  it('refuses to write an [sso-session] the user already defines outside the block', () => {
    expect(() => mergeManagedBlock(HAND_WRITTEN, '[sso-session corp]\nsso_start_url = https://y/start\n')).toThrow(
      /\[sso-session corp\] is already defined outside crossbar's managed block/,
    );
  });
});
