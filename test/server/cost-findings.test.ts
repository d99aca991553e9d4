import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../src/core/audit/index.js';
import { loadConfigFile } from '../../src/core/config/index.js';
import type { CostReport } from '../../src/core/cost/index.js';
import { importWorkspaces } from '../../src/core/team/index.js';
import {
  ACME_EXTERNAL_ID,
  CLIENT_ACME,
  clientConfig,
  DEVELOPMENT,
  keysOf,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
} from '../helpers/sandbox-clients.js';
import { setupOwner, signIn, type ApiClient, type TeamWorld } from '../helpers/team-server.js';
import { startVendWorld } from '../helpers/vend-world.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * The bill and the audit of one workspace through the server (issue 11 items 7 and 8), against the sandbox's Cost
 * Explorer, IAM and CloudTrail with the real SDK: seed 000's workspaces imported (production: alice alone;
 * platform: every account but production, bob viewer). Every allowed read has its refused twin, and nothing of
 * production ever reaches a platform member.
 */
let sandbox: World;
let team: TeamWorld;
let alice: ApiClient;
let bob: ApiClient;
let carol: ApiClient;
let dave: ApiClient;
beforeAll(async () => {
  sandbox = await startWorld();
  team = await startVendWorld(sandbox, sandbox.crossbar(), undefined);
  // Cost Explorer's months are the sandbox's, on the real clock.
  team.clock.now = Date.now();
  alice = await setupOwner(team, 'alice');
  bob = await signIn(team, 'bob', alice);
  carol = await signIn(team, 'carol', alice);
  dave = await signIn(team, 'dave', alice);
  await importWorkspaces(team.store, sandbox.registry(), loadConfigFile(sandbox.paths.crossbarYaml), {
    now: () => team.clock.now,
  });
  await alice.put('/api/workspaces/platform/members/bob', { role: 'viewer' });
  // carol may read only development: the audit's other accounts are not covered for her.
  await alice.put('/api/workspaces/platform/members/carol', {
    role: 'operator',
    limits: [{ accounts: 'stage=dev', roles: ['*'] }],
  });
}, 60_000);
afterAll(async () => {
  await team?.close();
  await sandbox?.stop();
});

const PLATFORM = [DEVELOPMENT, STAGING, CLIENT_ACME].sort();

interface CostBody {
  workspace: string;
  months: number;
  accounts: { id: string; name: string }[];
  cached_age_ms: number | null;
  report: CostReport;
}

/** Cost Explorer asked directly, as the payer: NetUnblendedCost per month and group for these accounts. */
async function costExplorer(report: CostReport, accounts: string[], key: 'LINKED_ACCOUNT' | 'SERVICE') {
  const ce = new CostExplorerClient(clientConfig(sandbox.sb, keysOf(sandbox.sb, 'alice')));
  const answer = await ce.send(
    new GetCostAndUsageCommand({
      TimePeriod: { Start: report.start, End: report.end },
      Granularity: 'MONTHLY',
      Metrics: ['NetUnblendedCost'],
      GroupBy: [{ Type: 'DIMENSION', Key: key }],
      Filter: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: accounts } },
    }),
  );
  ce.destroy();
  const sums = new Map<string, number[]>();
  (answer.ResultsByTime ?? []).forEach((r, i) => {
    for (const g of r.Groups ?? []) {
      const k = g.Keys?.[0] ?? '';
      const row = sums.get(k) ?? [];
      row[i] = Number(g.Metrics?.['NetUnblendedCost']?.Amount ?? 0);
      sums.set(k, row);
    }
  });
  return sums;
}

describe('GET /api/workspaces/:ws/cost', () => {
  it("gives a platform viewer the bill of platform's accounts by account, as Cost Explorer has it", async () => {
    const { status, body } = await bob.get<CostBody>('/api/workspaces/platform/cost?by=account&months=3');
    expect(status).toBe(200);
    const { report } = body;
    expect(report.by).toEqual(['account']);
    expect(report.rows.map((r) => r.account?.id).sort()).toEqual(PLATFORM);
    expect(report.months.length).toBe(4);
    expect(report.comparison).toBeDefined();
    const direct = await costExplorer(report, PLATFORM, 'LINKED_ACCOUNT');
    for (const row of report.rows)
      row.monthly.forEach((v, i) => expect(v).toBeCloseTo(direct.get(row.key)?.[i] ?? 0, 6));
    expect(report.total).toBeCloseTo(
      report.rows.reduce((s, r) => s + r.total, 0),
      6,
    );
    // The movers: the rows with the largest change between the last two full months, largest first.
    const changes = report.movers.map((m) => Math.abs(m.change?.absolute ?? 0));
    expect(changes).toEqual([...changes].sort((a, b) => b - a));
    expect(report.movers.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain(PRODUCTION);
  });

  it('by service sums to the same bill, and never counts production', async () => {
    const [byService, byAccount] = await Promise.all([
      bob.get<CostBody>('/api/workspaces/platform/cost?by=service&months=3'),
      bob.get<CostBody>('/api/workspaces/platform/cost?by=account&months=3'),
    ]);
    expect(byService.status).toBe(200);
    expect(byService.body.report.total).toBeCloseTo(byAccount.body.report.total, 4);
    const direct = await costExplorer(byService.body.report, PLATFORM, 'SERVICE');
    for (const row of byService.body.report.rows)
      row.monthly.forEach((v, i) => expect(v).toBeCloseTo(direct.get(row.key)?.[i] ?? 0, 6));
    // The whole organization's bill by service is larger: production's spend is not in platform's.
    const all = await costExplorer(byService.body.report, [...PLATFORM, PRODUCTION], 'SERVICE');
    const allTotal = [...all.values()].flat().reduce((s, v) => s + (v ?? 0), 0);
    expect(allTotal).toBeGreaterThan(byService.body.report.total + 1);
  });

  it("gives production's bill to production's member (alice), and only production's", async () => {
    const { status, body } = await alice.get<CostBody>('/api/workspaces/production/cost?by=account');
    expect(status).toBe(200);
    expect(body.report.rows.map((r) => r.account?.id)).toEqual([PRODUCTION]);
  });

  it('refuses bob the production workspace (404, as if it did not exist) and bad questions (400)', async () => {
    const foreign = await bob.get('/api/workspaces/production/cost?by=account');
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain(PRODUCTION);
    for (const q of ['by=bogus', 'by=account,service,region', 'months=0', 'months=99', 'months=x'])
      expect((await bob.get(`/api/workspaces/platform/cost?${q}`)).status, q).toBe(400);
    expect((await team.anonymous().get('/api/workspaces/platform/cost')).status).toBe(401);
  });

  it('groups by OU and tag, serves the day from its cache, and writes the trail', async () => {
    const ou = await bob.get<CostBody>('/api/workspaces/platform/cost?by=ou');
    expect(ou.status).toBe(200);
    expect(ou.body.report.rows.map((r) => r.key).sort()).toEqual(['/Clients', '/Workloads']);
    const tag = await bob.get<CostBody>('/api/workspaces/platform/cost?by=tag:team');
    expect(tag.status).toBe(200);
    expect(tag.body.report.by).toEqual(['tag:team']);
    const again = await bob.get<CostBody>('/api/workspaces/platform/cost?by=ou');
    expect(again.body.cached_age_ms).not.toBeNull();
    expect(again.body.report.total).toBeCloseTo(ou.body.report.total, 6);
    const trail = await alice.get<{ entries: { actor: string; action: string; outcome: string }[] }>(
      '/api/trail?workspace=platform&action=cost.read',
    );
    expect(trail.status).toBe(200);
    const bobs = trail.body.entries.filter((e) => e.actor === 'bob' && e.action === 'cost.read');
    expect(bobs.some((e) => e.outcome === 'ok')).toBe(true);
    expect(bobs.some((e) => e.outcome === 'denied')).toBe(true);
  });
});

interface FindingsBody {
  accounts: { id: string; name: string; roles: string[] }[];
  findings: { id: string; severity: string; accountId: string; evidence: string; fix: string; title: string }[];
  not_covered: { accountId: string; code: string }[];
}

describe('GET /api/workspaces/:ws/findings, who-can, trust-usage', () => {
  it("gives a platform viewer the audit's findings of platform's accounts, with severity, evidence and fix", async () => {
    const { status, body } = await bob.get<FindingsBody>('/api/workspaces/platform/findings');
    expect(status).toBe(200);
    expect(body.accounts.map((a) => a.id).sort()).toEqual(PLATFORM);
    expect(body.not_covered).toEqual([]);
    expect(body.findings.length).toBeGreaterThan(0);
    for (const f of body.findings) {
      expect(SEVERITIES).toContain(f.severity);
      expect(PLATFORM).toContain(f.accountId);
      expect(f.fix.length).toBeGreaterThan(0);
      expect(f.evidence.length).toBeGreaterThan(0);
    }
    const ranks = body.findings.map((f) => SEVERITIES.indexOf(f.severity as (typeof SEVERITIES)[number]));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const text = JSON.stringify(body);
    expect(text).not.toContain(PRODUCTION);
    // The acme ExternalId is a secret shared with the client: the evidence says one is needed, not which.
    expect(text).toContain('sts:ExternalId');
    expect(text).not.toContain(ACME_EXTERNAL_ID);
  });

  it("reads only what the member's limits allow; the rest is not covered, with why", async () => {
    const { status, body } = await carol.get<FindingsBody>('/api/workspaces/platform/findings');
    expect(status).toBe(200);
    expect(body.accounts.map((a) => a.id)).toEqual([DEVELOPMENT]);
    expect(body.not_covered.map((n) => [n.accountId, n.code]).sort()).toEqual([
      [STAGING, 'FORBIDDEN'],
      [CLIENT_ACME, 'FORBIDDEN'],
    ]);
  });

  it('refuses the audit of a workspace the caller is not in (404), for each route', async () => {
    for (const path of ['findings', 'who-can?account=production&role=admin', 'trust-usage']) {
      const answer = await bob.get(`/api/workspaces/production/${path}`);
      expect(answer.status, path).toBe(404);
      expect(JSON.stringify(answer.body)).not.toContain(PRODUCTION);
    }
    expect((await dave.get('/api/workspaces/platform/findings')).status).toBe(404);
    const own = await alice.get<FindingsBody>('/api/workspaces/production/findings');
    expect(own.status).toBe(200);
    expect(own.body.accounts.map((a) => a.id)).toEqual([PRODUCTION]);
  });

  it('answers who can assume a role of the workspace, and what they need', async () => {
    const { status, body } = await bob.get<{
      role_arn: string;
      entries: { principal: string; can: boolean; needs: string[] }[];
    }>('/api/workspaces/platform/who-can?account=development&role=admin');
    expect(status).toBe(200);
    expect(body.role_arn).toBe(`arn:aws:iam::${DEVELOPMENT}:role/administrator`);
    const root = body.entries.find((e) => e.principal === `arn:aws:iam::${MANAGEMENT}:root`);
    expect(root).toMatchObject({ can: true, needs: ['MFA'] });
    const byName = await bob.get('/api/workspaces/platform/who-can?account=staging&role=CrossbarReadOnly');
    expect(byName.status).toBe(200);
  });

  it("refuses who-can outside the workspace's accounts, for unknown roles and bad input", async () => {
    const prod = await bob.get('/api/workspaces/platform/who-can?account=production&role=admin');
    expect(prod.status).toBe(404);
    expect(JSON.stringify(prod.body)).not.toContain(PRODUCTION);
    expect((await bob.get(`/api/workspaces/platform/who-can?account=${PRODUCTION}&role=admin`)).status).toBe(404);
    const unknown = await bob.get<{ error: { code: string } }>(
      '/api/workspaces/platform/who-can?account=development&role=NoSuchRole',
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'UNKNOWN_ROLE']);
    expect((await bob.get('/api/workspaces/platform/who-can?account=development&role=a%2Fb')).status).toBe(400);
  });

  it("joins CloudTrail with the trust graph: trusts used (by whom) and unused, of platform's accounts only", async () => {
    // The audit reads above were bob's and carol's own sessions: CloudTrail names them.
    const { status, body } = await bob.get<{
      used: { account_id: string; role: string; by: string[]; count: number }[];
      unused: { account_id: string; role: string }[];
      not_covered: unknown[];
    }>('/api/workspaces/platform/trust-usage?since=1d');
    expect(status).toBe(200);
    const readOnly = body.used.filter((u) => u.role === 'CrossbarReadOnly');
    expect(readOnly.map((u) => u.account_id)).toEqual(expect.arrayContaining(PLATFORM));
    expect(readOnly.some((u) => u.by.includes('bob'))).toBe(true);
    expect(body.unused.some((e) => e.role === 'administrator')).toBe(true);
    for (const e of [...body.used, ...body.unused]) expect(PLATFORM).toContain(e.account_id);
    expect(JSON.stringify(body)).not.toContain(PRODUCTION);
    expect((await bob.get('/api/workspaces/platform/trust-usage?since=400d')).status).toBe(400);
  });
});
