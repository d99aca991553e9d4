import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceEnv } from '../../src/cli/config-context.js';
import { loadSourceContext, parseSince, runTrail } from '../../src/core/audit/trail/index.js';
import { loadConfigFile } from '../../src/core/config/load-config.js';
import { createCrossbar } from '../../src/core/crossbar.js';
import { keysOf, MANAGEMENT, PRODUCTION, STAGING } from '../helpers/sandbox-clients.js';
import { startWorld, type World } from '../helpers/world.js';
import { FOREIGN, makeEvidence } from './evidence.js';

/**
 * `crossbar audit trail` end to end: the real CLI in-process, the real credential engine and SDK clients, the
 * sandbox's CloudTrail (LookupEvents) and IAM, after assumptions made through its real STS and federation.
 */
let w: World;
const DAY = 86_400_000;

interface Principal {
  accountId: string;
  accountName?: string;
  knowledge: string;
  arn?: string;
  principalId?: string;
}
interface AssumptionJson {
  event: string;
  accountName?: string;
  region: string;
  roleName?: string;
  who: string;
  sourceIdentity?: string;
  sessionName?: string;
  principal: Principal;
  mfa?: boolean;
  errorCode?: string;
  errorMessage?: string;
}
interface EdgeJson {
  account: string;
  role: string;
  principal: string;
  kind: string;
  count?: number;
  by?: string[];
  lastUsed?: string | null;
}
interface TrailJson {
  since: string;
  assumptions: AssumptionJson[];
  trusts: { used: EdgeJson[]; unused: EdgeJson[]; unknownUse: EdgeJson[] };
  unknownPrincipals: AssumptionJson[];
  notCovered: { accountName: string; region: string; what: string; code: string; reason: string }[];
}

async function trail(args: string[], extra: Record<string, string> = {}) {
  const out = await w.cli(['audit', 'trail', ...args, '-o', 'json'], extra);
  return { ...out, report: out.code !== 2 && out.stdout ? (JSON.parse(out.stdout) as TrailJson) : undefined };
}

const bySession = (r: TrailJson | undefined, session: string) => r?.assumptions.find((a) => a.sessionName === session);
const edge = (list: EdgeJson[] | undefined, account: string, role: string, principal: string) =>
  list?.find((e) => e.account === account && e.role === role && e.principal === principal);

beforeAll(async () => {
  w = await startWorld();
  await makeEvidence(w.sb);
}, 60_000);
afterAll(() => w.stop());

describe('crossbar audit trail', () => {
  it('names who assumed which role, from which account, with or without MFA', async () => {
    const out = await trail(['all', '--since', '1d']);
    expect(out.stderr).toMatch(
      /✓ \d+ assumptions, \d+ trusts used, \d+ unused, 1 by unknown principals, 0 not covered/,
    );
    expect(out.code).toBe(0);
    const r = out.report;
    const alice = {
      accountId: MANAGEMENT,
      accountName: 'management',
      knowledge: 'source',
      arn: `arn:aws:iam::${MANAGEMENT}:user/alice`,
    };
    // crossbar itself reads each account as alice (session and SourceIdentity alice): the test's assumption is the other one.
    expect(
      r?.assumptions.filter(
        (a) => a.sessionName === 'alice' && a.accountName === 'production' && a.roleName === 'CrossbarReadOnly',
      ),
    ).toHaveLength(2);
    // crossbar's own reads of every account end in the same second: pick production's.
    expect(r?.assumptions.find((a) => a.sessionName === 'alice' && a.accountName === 'production')).toMatchObject({
      event: 'AssumeRole',
      accountName: 'production',
      region: 'us-east-1',
      roleName: 'CrossbarReadOnly',
      who: 'alice',
      sourceIdentity: 'alice',
      principal: alice,
      mfa: false,
    });
    expect(bySession(r, 'alice-admin')).toMatchObject({
      accountName: 'production',
      roleName: 'administrator',
      who: 'alice',
      principal: alice,
      mfa: true,
    });
    expect(bySession(r, 'bob')).toMatchObject({
      accountName: 'staging',
      roleName: 'CrossbarReadOnly',
      who: 'bob',
      principal: { accountName: 'management', arn: `arn:aws:iam::${MANAGEMENT}:user/bob` },
      mfa: false,
    });
    // A denied attempt is listed with CloudTrail's errorCode and errorMessage (issue 9 item 21).
    expect(bySession(r, 'bob-no-mfa')).toMatchObject({
      event: 'AssumeRole',
      accountName: 'production',
      roleName: 'administrator',
      who: 'bob',
      principal: { accountName: 'management', arn: `arn:aws:iam::${MANAGEMENT}:user/bob` },
      errorCode: 'AccessDenied',
      errorMessage: `User: arn:aws:iam::${MANAGEMENT}:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${PRODUCTION}:role/administrator`,
    });
    // Its twin: granted assumptions carry no error.
    expect(bySession(r, 'alice-admin')?.errorCode).toBeUndefined();
    // The sign-in's own identity is the role session; the AssumeRole that opened it names alice.
    const login = r?.assumptions.find((a) => a.event === 'ConsoleLogin');
    expect(login).toMatchObject({
      accountName: 'development',
      roleName: 'CrossbarReadOnly',
      sessionName: 'alice-console',
      who: 'alice',
      principal: alice,
      mfa: false,
    });
  });

  it('joins with the trust graph: trusts used by whom, unsafe and idle trusts unused, the foreign principal flagged', async () => {
    const r = (await trail(['all', '--since', '1d'])).report;
    expect(edge(r?.trusts.used, PRODUCTION, 'administrator', `arn:aws:iam::${MANAGEMENT}:root`)).toMatchObject({
      count: 1,
      by: ['alice'],
    });
    expect(edge(r?.trusts.used, STAGING, 'CrossbarReadOnly', `arn:aws:iam::${MANAGEMENT}:user/bob`)).toMatchObject({
      count: 1,
      by: ['bob'],
    });
    expect(edge(r?.trusts.used, PRODUCTION, 'vendor-monitoring', `arn:aws:iam::${FOREIGN}:root`)).toMatchObject({
      count: 1,
    });
    expect(edge(r?.trusts.unused, PRODUCTION, 'legacy-public-access', '*')).toMatchObject({ kind: 'public' });
    expect(
      edge(r?.trusts.unused, PRODUCTION, 'OrganizationAccountAccessRole', `arn:aws:iam::${MANAGEMENT}:root`),
    ).toBeDefined();
    expect(edge(r?.trusts.unused, STAGING, 'administrator', `arn:aws:iam::${MANAGEMENT}:root`)).toBeDefined();
    expect(edge(r?.trusts.unused, PRODUCTION, 'vendor-monitoring', `arn:aws:iam::${FOREIGN}:root`)).toBeUndefined();
    expect(r?.unknownPrincipals).toHaveLength(1);
    expect(r?.unknownPrincipals[0]).toMatchObject({
      accountName: 'production',
      roleName: 'vendor-monitoring',
      sessionName: 'vendor-poller',
      principal: { accountId: FOREIGN, knowledge: 'foreign' },
    });
    expect(r?.notCovered).toEqual([]);
  });

  it('lists an account whose trail cannot be read as not covered, with the reason, and exits 1', async () => {
    const config = w.variant('acme-no-external-id', (yaml) => yaml.replace(/^\s*external_id: .*\n/m, ''));
    const out = await trail(['all', '--since', '1d'], { CROSSBAR_CONFIG: config });
    expect(out.code).toBe(1);
    const gaps = out.report?.notCovered.filter((g) => g.accountName === 'client-acme') ?? [];
    expect(gaps.map((g) => `${g.what} ${g.region} ${g.code}`).sort()).toEqual([
      'iam * DENIED',
      'trail eu-west-1 DENIED',
      'trail us-east-1 DENIED',
    ]);
    expect(gaps[0]?.reason).toMatch(/ExternalId/);
    // The other accounts are still read and reported.
    expect(bySession(out.report, 'alice')).toBeDefined();
    expect(out.stderr).toMatch(/✗ .* 3 not covered/);
  });

  it('refuses a window longer than CloudTrail keeps, and a malformed one, as usage errors', async () => {
    const long = await w.cli(['audit', 'trail', '--since', '91d']);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('90 days');
    expect((await w.cli(['audit', 'trail', '--since', 'last week'])).code).toBe(2);
    expect((await w.cli(['audit', 'trail', '--since', '90d', '-o', 'json'])).code).toBe(0);
  });

  it('prints the assumptions as CSV, and the three sections as tables', async () => {
    const csv = await w.cli(['audit', 'trail', 'production', '--since', '1d', '-o', 'csv']);
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toBe(
      'time,event,account,accountName,region,role,roleArn,who,sourceIdentity,sessionName,from,principalKnowledge,principal,mfa,error',
    );
    expect(
      rows.some((row) => row.includes(',administrator,') && row.includes(',alice,') && row.endsWith(',yes,')),
    ).toBe(true);
    expect(
      rows.some((row) => row.includes(',administrator,') && row.includes(',bob,') && row.endsWith(',AccessDenied')),
    ).toBe(true);
    const table = await w.cli(['audit', 'trail', 'production', '--since', '1d', '-o', 'table']);
    expect(table.code).toBe(0);
    for (const title of [
      'assumptions',
      'trusts used',
      'unused trusts (candidates to remove)',
      'unknown principals (1)',
    ])
      expect(table.stdout).toContain(title);
    expect(table.stdout).toContain(`${FOREIGN} unknown`);
  });
  // Last: it moves the sandbox's clock for good.
  it('a window that excludes them (the sandbox clock advanced past --since) shows none of them: their trusts become unused, nobody unknown', async () => {
    // --since is measured on crossbar's clock, CloudTrail's window on the sandbox's: this crossbar runs on the sandbox's.
    const crossbar = createCrossbar({
      config: loadConfigFile(w.paths.crossbarYaml),
      env: sourceEnv(w.env()),
      home: join(w.dir, 'trail-core-home'),
      keyStore: 'file',
      now: () => w.sb.now(),
    });
    const accounts = crossbar.selectAccounts('all').map((account) => ({ account, role: account.defaultRole }));
    // The source's IAM names principal ids; without it an unresolved id credits every trust of its account.
    const sourceContext = await loadSourceContext({
      credentials: keysOf(w.sb, 'alice'),
      endpoint: w.sb.endpoint,
      region: 'us-east-1',
    });
    expect(sourceContext.gaps).toEqual([]);
    const run = (since: string) =>
      runTrail(
        {
          registry: crossbar.registry,
          endpoint: crossbar.endpoint,
          credentialsFor: (fa) => crossbar.credentials(fa),
          now: () => crossbar.now(),
        },
        {
          accounts,
          window: parseSince(since, crossbar.now()),
          sourceAccountId: MANAGEMENT,
          sourceContext,
        },
      );
    const before = await run('1d');
    expect(before.join.unknownPrincipals).toHaveLength(1);
    expect(before.assumptions.some((a) => a.sessionName === 'alice-admin')).toBe(true);
    w.sb.advanceClock(2 * DAY);
    const r = await run('1d');
    expect(r.notCovered).toEqual([]);
    for (const session of ['alice-admin', 'bob', 'alice-console', 'vendor-poller'])
      expect(r.assumptions.find((a) => a.sessionName === session)).toBeUndefined();
    // What is left is crossbar's own reading of the trails (as alice, SourceIdentity alice), all inside the window.
    expect(r.assumptions.every((a) => a.sessionName === 'alice' && Date.parse(a.time) >= r.window.startMs - 1000)).toBe(
      true,
    );
    expect(r.join.unknownPrincipals).toEqual([]);
    const unused = (account: string, role: string, principal: string) =>
      r.join.unused.some((e) => e.accountId === account && e.roleName === role && e.principal.id === principal);
    expect(unused(PRODUCTION, 'vendor-monitoring', `arn:aws:iam::${FOREIGN}:root`)).toBe(true);
    expect(unused(STAGING, 'CrossbarReadOnly', `arn:aws:iam::${MANAGEMENT}:user/bob`)).toBe(true);
    expect(unused(PRODUCTION, 'administrator', `arn:aws:iam::${MANAGEMENT}:root`)).toBe(true);
    // A window that reaches back over the advance sees them again.
    expect((await run('3d')).join.unknownPrincipals).toHaveLength(1);
  });
});
