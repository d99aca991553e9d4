import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostReport } from '../../src/core/cost/index.js';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { PRODUCTION } from '../helpers/sandbox-clients.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

/**
 * The Cost and Findings pages (issue 11 items 7 and 8) in a real browser against a real server and the sandbox's
 * Cost Explorer, IAM and CloudTrail: what the pages show is what the API answers (the API's numbers are checked
 * against Cost Explorer itself in test/server/cost-findings.test.ts), and bob, a viewer of platform, never sees
 * production's account on either page.
 */
const money = (v: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }).format(v);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${money(Math.abs(v))}`;

async function api<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  const answer = await page.context().request.get(path);
  return { status: answer.status(), body: (await answer.json()) as T };
}

/** The rows of a table as text: the header cell, then the other cells. */
async function rowsOf(page: Page, caption: RegExp): Promise<string[][]> {
  const table = page.getByRole('table', { name: caption });
  await table.waitFor();
  return table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim())),
    );
}

async function mainText(page: Page): Promise<string> {
  return page.locator('main').first().innerText();
}

describe('web UI: cost and findings (issue 11 items 7-8)', () => {
  let web: WebWorld;
  beforeAll(async () => {
    web = await startWebWorld();
  }, 120_000);
  afterAll(() => web?.close());

  it(
    'shows bob the bill of platform by account and by service, month over month, with the movers the API gives',
    {
      timeout: 90_000,
    },
    async () => {
      const { context, page } = await web.signedIn('bob');
      page.setDefaultTimeout(20_000);
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(r.url());
      });
      // The first page does not load chart.js; the cost page does.
      await page.getByRole('heading', { name: 'platform' }).waitFor();
      expect(scripts.some((u) => /\/assets\/chart-/.test(u))).toBe(false);
      await page.getByRole('navigation', { name: 'Workspace pages' }).getByRole('link', { name: 'Cost' }).click();
      await page.waitForURL(/\/w\/platform\/cost$/);

      const byAccount = await api<{ report: CostReport }>(page, '/api/workspaces/platform/cost?by=account&months=6');
      expect(byAccount.status).toBe(200);
      const report = byAccount.body.report;
      const rows = await rowsOf(page, /^Bill by account/);
      expect(rows.map((r) => r[0]?.split(' ')[0])).toEqual(report.rows.map((r) => r.labels[0]));
      for (const [i, row] of report.rows.entries()) {
        const cells = rows[i] ?? [];
        // one cell per month, the total, then the change between the last two full months
        expect(cells.slice(1, 1 + report.months.length)).toEqual(row.monthly.map(money));
        expect(cells[1 + report.months.length]).toBe(money(row.total));
        expect(cells[2 + report.months.length]).toContain(signed(row.change?.absolute ?? 0));
        expect(cells[2 + report.months.length]).toMatch(/^[▲▼•] (up|down|flat) /);
      }
      expect(await page.getByTestId('cost-total').textContent()).toBe(money(report.total));
      const movers = await rowsOf(page, /^Top movers/);
      expect(movers.map((m) => m[0]?.split(' ')[0])).toEqual(report.movers.map((m) => m.labels[0]));
      expect(movers.map((m) => m[3])).toEqual(
        report.movers.map((m) => expect.stringContaining(signed(m.change?.absolute ?? 0)) as unknown as string),
      );
      // The chart: an image with a text alternative, chart.js loaded for it.
      await page.getByRole('img', { name: /Stacked bars: the bill per month by account/ }).waitFor();
      await expect.poll(() => scripts.some((u) => /\/assets\/chart-/.test(u))).toBe(true);
      expect(await mainText(page)).not.toMatch(/production|444444444444/);
      await screenshot(page, 'cost-by-account');
      expect(await seriousA11yViolations(page)).toEqual([]);

      await page.getByLabel('Group by').selectOption('service');
      const byService = await api<{ report: CostReport }>(page, '/api/workspaces/platform/cost?by=service&months=6');
      await page.getByRole('table', { name: /^Bill by service/ }).waitFor();
      const services = await rowsOf(page, /^Bill by service/);
      expect(services.map((r) => r[0])).toEqual(byService.body.report.rows.map((r) => r.labels[0]));
      expect(services.map((r) => r[1 + byService.body.report.months.length])).toEqual(
        byService.body.report.rows.map((r) => money(r.total)),
      );
      expect(await page.getByTestId('cost-total').textContent()).toBe(money(byService.body.report.total));
      expect((await rowsOf(page, /^Top movers/)).map((m) => m[0])).toEqual(
        byService.body.report.movers.map((m) => m.labels[0]),
      );
      expect(await mainText(page)).not.toMatch(/production|444444444444/);
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'cost-by-service-dark');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // denied: production's bill, asked from bob's page, is a 404 as if it did not exist
      const foreign = await api<unknown>(page, '/api/workspaces/production/cost?by=account');
      expect(foreign.status).toBe(404);
      expect(JSON.stringify(foreign.body)).not.toContain(PRODUCTION);
      await context.close();
    },
  );

  it(
    "shows alice production's bill, where the runaway DynamoDB table is the top mover",
    { timeout: 90_000 },
    async () => {
      const { context, page } = await web.signedIn('alice');
      page.setDefaultTimeout(20_000);
      await page.goto('/w/production/cost');
      await page.getByLabel('Group by').selectOption('service');
      const rows = await rowsOf(page, /^Bill by service/);
      expect(rows.length).toBeGreaterThan(3);
      const movers = await rowsOf(page, /^Top movers/);
      expect(movers[0]?.[0]).toMatch(/DynamoDB/);
      expect(movers[0]?.[3]).toMatch(/^▲ up /);
      await page.getByLabel('Group by').selectOption('account');
      expect((await rowsOf(page, /^Bill by account/)).map((r) => r[0]?.split(' ')[0])).toEqual(['production']);
      await screenshot(page, 'cost-production-alice');
      await context.close();
    },
  );

  it(
    'shows bob the findings of platform with severity, evidence and fix, who can assume a role, and the trusts used',
    {
      timeout: 90_000,
    },
    async () => {
      const { context, page } = await web.signedIn('bob');
      page.setDefaultTimeout(20_000);
      await page.goto('/w/platform/findings');
      const findings = await api<{ findings: { severity: string; title: string; fix: string; accountName: string }[] }>(
        page,
        '/api/workspaces/platform/findings',
      );
      expect(findings.status).toBe(200);
      const rows = await rowsOf(page, /findings in 3 accounts/);
      expect(rows.length).toBe(findings.body.findings.length);
      for (const [i, f] of findings.body.findings.entries()) {
        const cells = rows[i] ?? [];
        expect(cells[0]).toBe(f.severity); // the severity as a word, not only a colour
        expect(cells[1]).toBe(f.accountName);
        expect(cells[2]).toContain(f.title);
        expect(cells[3]).toBe(f.fix);
      }
      // The evidence opens under its finding.
      const first = page
        .getByRole('table', { name: /findings in 3 accounts/ })
        .locator('tbody tr')
        .first();
      await first.getByText('Evidence').click();
      await expect
        .poll(() => first.locator('pre').innerText())
        .toMatch(/"Effect": "Allow"|AttachedManagedPolicies|Role/);
      // Filters: only the low ones.
      await page.getByLabel('Severity', { exact: true }).selectOption('low');
      const low = await rowsOf(page, /findings in 3 accounts/);
      expect(low.length).toBe(findings.body.findings.filter((f) => f.severity === 'low').length);
      expect(new Set(low.map((r) => r[0]))).toEqual(new Set(['low']));
      await page.getByLabel('Severity', { exact: true }).selectOption('');

      // who-can: development's administrator role
      const whoCan = page.getByRole('region', { name: 'Who can assume a role' });
      await whoCan.getByLabel('Account', { exact: true }).selectOption('development');
      await whoCan.getByLabel('Role', { exact: true }).selectOption('administrator');
      await whoCan.getByRole('button', { name: 'Who can?' }).click();
      const entries = await rowsOf(page, /^Who can assume arn:aws:iam::222222222222:role\/administrator/);
      const root = entries.find((r) => r[1] === 'arn:aws:iam::111111111111:root');
      expect(root?.[0]).toBe('can');
      expect(root?.[4]).toBe('MFA');

      // CloudTrail: bob's own reads used CrossbarReadOnly in each account; administrator went unused
      const used = await rowsOf(page, /^Trusts used/);
      expect(used.some((r) => r[1] === 'CrossbarReadOnly' && (r[5] ?? '').includes('bob'))).toBe(true);
      const unused = await rowsOf(page, /^Trusts nobody used/);
      expect(unused.some((r) => r[1] === 'administrator')).toBe(true);

      expect(await mainText(page)).not.toMatch(/production|444444444444/);
      await screenshot(page, 'findings-bob');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'findings-bob-dark');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // denied: production's findings and production's roles, from bob's page
      for (const path of [
        '/api/workspaces/production/findings',
        '/api/workspaces/platform/who-can?account=production&role=administrator',
      ]) {
        const answer = await api<unknown>(page, path);
        expect(answer.status, path).toBe(404);
        expect(JSON.stringify(answer.body)).not.toContain(PRODUCTION);
      }
      await context.close();
    },
  );

  it('fits a phone-width screen', { timeout: 90_000 }, async () => {
    const { context, page } = await web.signedIn('bob', { width: 390, height: 844 });
    page.setDefaultTimeout(20_000);
    for (const name of ['cost', 'findings']) {
      await page.goto(`/w/platform/${name}`);
      await page.getByRole('table').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, name).toBeLessThanOrEqual(1);
      await screenshot(page, `${name}-phone`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    }
    await context.close();
  });
});
