import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_LIST } from '../../src/core/audit/rules.js';
import { trustDocument } from '../../src/sandbox/world/build-org.js';
import { createRole } from '../../src/sandbox/world/iam-entities.js';
import { ACME_EXTERNAL_ID, DEVELOPMENT, MANAGEMENT } from '../helpers/sandbox-clients.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar audit` end to end against the sandbox's demo organization: the real CLI in-process, the real
 * credential engine and SDK clients. The expected findings are listed in full, so an extra or a missing
 * finding fails the test.
 */
let w: World;
const TWIN = '666666666666';
const TWIN_OPEN = '777777777777';

interface AuditJson {
  findings: {
    id: string;
    severity: string;
    accountId: string;
    accountName: string;
    resource: string;
    title: string;
    evidence: string;
    fix: string;
  }[];
  notCovered: { accountId: string; accountName: string; code: string; reason: string; message: string }[];
  acceptedExceptions: { rule: string; accountId: string; resource: string }[];
  covered: { id: string; name: string }[];
}

/** A member account of the sandbox with only the given role (a copy of development with its IAM emptied). */
function addTwin(id: string, withMfa: boolean): void {
  const base = w.sb.world.accounts[DEVELOPMENT];
  if (!base) throw new Error('no development account');
  const twin = structuredClone(base);
  twin.id = id;
  twin.name = `twin-${id}`;
  twin.iam = { ...twin.iam, users: {}, groups: {}, roles: {}, policies: {}, mfaDevices: {} };
  w.sb.world.accounts[id] = twin;
  const role = createRole(w.sb.world, twin, 'CrossbarReadOnly', {
    createDate: new Date(Date.now() - 200 * 86_400_000).toISOString(),
    trust: trustDocument([
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:user/alice` },
        Action: 'sts:AssumeRole',
        ...(withMfa ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
      },
    ]),
  });
  role.attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');
}

const twinAccounts = (yaml: string) =>
  yaml.replace(
    /^accounts:\n/m,
    [
      'accounts:',
      `  - { id: "${TWIN}", name: twin, stage: dev, roles: { readonly: { name: CrossbarReadOnly, mfa: required } } }`,
      `  - { id: "${TWIN_OPEN}", name: twin-open, stage: dev-open, roles: { readonly: { name: CrossbarReadOnly, mfa: none } } }`,
      '',
    ].join('\n'),
  );

beforeAll(async () => {
  w = await startWorld();
  addTwin(TWIN, true);
  addTwin(TWIN_OPEN, false);
});
afterAll(() => w.stop());

async function audit(args: string[], extra: Record<string, string> = {}) {
  const out = await w.cli(['audit', ...args], extra);
  return { ...out, report: args.includes('json') && out.stdout ? (JSON.parse(out.stdout) as AuditJson) : undefined };
}

const key = (f: { id: string; accountName: string; resource: string }) =>
  `${f.id} ${f.accountName} ${f.resource.replace(/^arn:aws:iam::\d+:/, '')}`;

describe('crossbar audit on the demo organization', () => {
  it("finds exactly the planted unsafe roles, bob's credentials, and what the rules say about the rest", async () => {
    const { code, report, stderr } = await audit(['--format', 'json']);
    expect(stderr).toMatch(/✓ 25 findings \(1 critical, 2 high, 6 medium, 16 low\), 5\/5 accounts covered/);
    expect(code).toBe(0);
    const members = ['client-acme', 'development', 'production', 'staging'];
    const expected = [
      'XB001 production role/legacy-public-access',
      'XB003 production role/vendor-monitoring',
      'XB010 production role/legacy-public-access',
      'XB010 production role/vendor-monitoring',
      ...members.flatMap((m) => [
        `XB002 ${m} role/administrator`,
        `XB005 ${m} role/administrator`,
        `XB010 ${m} role/administrator`,
        `XB004 ${m} role/CrossbarReadOnly`,
      ]),
      `XB007 source:${MANAGEMENT} user/bob`,
      `XB008 source:${MANAGEMENT} user/bob`,
      `XB009 source:${MANAGEMENT} user/bob`,
      `XB004 source:${MANAGEMENT} role/CrossbarHub`,
      `XB010 source:${MANAGEMENT} role/CrossbarHub`,
    ];
    expect(report?.findings.map(key).sort()).toEqual(expected.sort());
    const byKey = new Map(report?.findings.map((f) => [key(f), f]));
    expect(byKey.get('XB001 production role/legacy-public-access')).toMatchObject({
      severity: 'critical',
      accountId: '444444444444',
    });
    expect(byKey.get('XB001 production role/legacy-public-access')?.evidence).toContain('"AWS":["*"]');
    expect(byKey.get('XB003 production role/vendor-monitoring')).toMatchObject({ severity: 'high' });
    expect(byKey.get('XB003 production role/vendor-monitoring')?.title).toContain('arn:aws:iam::999999999999:root');
    // OrganizationAccountAccessRole trusting the management root: AWS's default, accepted and reported as such.
    expect(report?.acceptedExceptions.map((e) => e.resource).sort()).toEqual(
      ['222222222222', '333333333333', '444444444444', '555555555555'].map(
        (id) => `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
      ),
    );
    expect(report?.notCovered).toEqual([]);
  });

  it('a clean twin account has zero findings; its twin without the MFA condition has one', async () => {
    const clean = await audit(['twin', '--format', 'json', '--mfa-code', w.mfaCode()], {
      CROSSBAR_CONFIG: w.variant('twins', twinAccounts),
    });
    expect(clean.report?.covered).toEqual([{ id: TWIN, name: 'twin' }]);
    expect(clean.report?.findings).toEqual([]);
    expect(clean.code).toBe(0);
    const open = await audit(['twin-open', '--format', 'json', '--fail-on', 'low'], {
      CROSSBAR_CONFIG: w.variant('twins', twinAccounts),
    });
    expect(open.report?.findings.map(key)).toEqual(['XB004 twin-open role/CrossbarReadOnly']);
    expect(open.code).toBe(1);
  });

  it('lists an account it cannot read as not covered, with the reason, in every format, and exits 1', async () => {
    const config = w.variant('no-external-id', (yaml) => yaml.replace(`    external_id: ${ACME_EXTERNAL_ID}\n`, ''));
    const json = await audit(['client-acme,development', '--format', 'json'], { CROSSBAR_CONFIG: config });
    expect(json.code).toBe(1);
    expect(json.report?.notCovered).toEqual([
      expect.objectContaining({
        accountId: '555555555555',
        accountName: 'client-acme',
        code: 'DENIED',
        reason: 'ExternalId',
      }),
    ]);
    expect(json.report?.covered).toEqual([{ id: DEVELOPMENT, name: 'development' }]);
    const table = await audit(['client-acme', '--format', 'table'], { CROSSBAR_CONFIG: config });
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/NOT COVERED \(1\)\n.*\n\s+client-acme\s+555555555555\s+DENIED\s+ExternalId/);
    const sarif = await audit(['client-acme', '--format', 'sarif'], { CROSSBAR_CONFIG: config });
    const log = JSON.parse(sarif.stdout) as {
      runs: {
        invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[];
      }[];
    };
    expect(log.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(log.runs[0]?.invocations[0]?.toolExecutionNotifications[0]?.message.text).toMatch(
      /^not covered: client-acme \(555555555555\): DENIED \(ExternalId\)/,
    );
    // Its denied twin: with the ExternalId the account is read.
    const ok = await audit(['client-acme', '--format', 'json']);
    expect(ok.report?.notCovered).toEqual([]);
    expect(ok.code).toBe(0);
  });

  it('writes SARIF 2.1.0 with rules, results with ruleId, level, message and a logical location', async () => {
    const { stdout } = await audit(['production', '--format', 'sarif']);
    const log = JSON.parse(stdout) as {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { logicalLocations: { fullyQualifiedName: string; kind: string }[] }[];
        }[];
      }[];
    };
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    const ruleIds = run?.tool.driver.rules.map((r) => r.id) ?? [];
    expect(ruleIds).toEqual(RULE_LIST.map((r) => r.id));
    expect(run?.results.length).toBe(8);
    for (const r of run?.results ?? []) {
      expect(ruleIds[r.ruleIndex]).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      expect(r.message.text.length).toBeGreaterThan(10);
      expect(r.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toMatch(/^arn:aws:iam::444444444444:role\//);
    }
    expect(run?.results.find((r) => r.ruleId === 'XB001')?.level).toBe('error');
  });

  it('--fail-on exits 1 only for a finding at or above the severity', async () => {
    expect((await audit(['development', '--format', 'json', '--fail-on', 'high'])).code).toBe(0);
    expect((await audit(['development', '--format', 'json', '--fail-on', 'medium'])).code).toBe(1);
    expect((await audit(['production', '--format', 'json', '--fail-on', 'critical'])).code).toBe(1);
    expect((await audit(['production', '--fail-on', 'severe'])).code).toBe(2);
  });

  it('flags long-lived keys in [default] of the local credentials file without printing the secret; not without [default]', async () => {
    const original = readFileSync(w.paths.awsCredentials, 'utf8');
    const alice = w.sb.users().find((u) => u.userName === 'alice');
    if (!alice) throw new Error('no alice');
    const withDefault = join(w.dir, 'credentials-with-default');
    writeFileSync(
      withDefault,
      `${original}\n[default]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`,
    );
    const flagged = await audit(['development', '--format', 'json'], { AWS_SHARED_CREDENTIALS_FILE: withDefault });
    const local = flagged.report?.findings.filter((f) => f.id === 'XB011');
    expect(local).toEqual([expect.objectContaining({ accountId: 'local', resource: withDefault, severity: 'medium' })]);
    expect(flagged.stdout).not.toContain(alice.secretAccessKey);
    expect(flagged.stdout).not.toContain(alice.accessKeyId);
    const clean = await audit(['development', '--format', 'json']);
    expect(clean.report?.findings.filter((f) => f.id === 'XB011')).toEqual([]);
  });
});

describe('crossbar audit who-can', () => {
  it('production:administrator: alice via her group with MFA, not bob', async () => {
    const out = await w.cli(['audit', 'who-can', 'production:administrator', '--format', 'json']);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout) as {
      entries: { principal: string; can: boolean; via: string[]; needs: string[] }[];
    };
    const can = result.entries.filter((e) => e.can);
    expect(can).toEqual([
      expect.objectContaining({
        principal: `arn:aws:iam::${MANAGEMENT}:user/alice`,
        via: ['group production_administrator'],
        needs: ['MFA'],
      }),
    ]);
    expect(result.entries.find((e) => e.principal.endsWith(':user/bob'))).toMatchObject({ can: false });
    const table = await w.cli(['audit', 'who-can', 'production:administrator', '--format', 'table']);
    expect(table.stdout).toContain('user/alice');
    expect(table.stdout).not.toContain('user/bob');
  });

  it('production:vendor-monitoring: the foreign account, outside what the audit can see', async () => {
    const out = await w.cli([
      'audit',
      'who-can',
      'arn:aws:iam::444444444444:role/vendor-monitoring',
      '--format',
      'json',
    ]);
    const result = JSON.parse(out.stdout) as { entries: { principal: string; kind: string; can: boolean }[] };
    expect(result.entries).toEqual([
      expect.objectContaining({ principal: 'arn:aws:iam::999999999999:root', kind: 'foreign', can: true }),
    ]);
  });
});
