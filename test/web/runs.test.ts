import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

/**
 * The Runs page (issue 11 item 5) in a real browser against a real server and sandbox: carol (operator of
 * platform: development, staging, client-acme) picks ec2 DescribeInstances from the models' read operations, runs
 * it over all accounts in us-east-1 and eu-south-1, and watches the coverage grid fill in over Server-Sent Events.
 * The sandbox makes it observable and plants a failure: EC2 answers development after 1.5 s and the other accounts
 * after 6 s, and only development has opted in to eu-south-1 (an opt-in region), so staging's and client-acme's
 * eu-south-1 targets fail as a disabled region, with AWS's message. bob (viewer) sees the run and its results, but
 * has no way to start one, and the server refuses his direct POST.
 */
const DEVELOPMENT = '222222222222';
const SLOW = ['333333333333', '555555555555'];
const OPT_IN_REGION = 'eu-south-1';

const cell = (page: Page, account: string, region: string) => page.getByTestId(`cell-${account}-${region}`);
const stateOf = (page: Page, account: string, region: string) =>
  cell(page, account, region)
    .getAttribute('data-state', { timeout: 5000 })
    .catch(() => null);

describe('web UI: runs (issue 11 item 5)', () => {
  let web: WebWorld;
  let runPath = '';
  beforeAll(async () => {
    const describeInstances = { service: 'ec2', operation: 'DescribeInstances' };
    web = await startWebWorld({
      world: {
        faults: {
          rules: [
            { ...describeInstances, account: DEVELOPMENT, latencyMs: 1500 },
            ...SLOW.map((account) => ({ ...describeInstances, account, latencyMs: 6000 })),
          ],
        },
      },
    });
    // The planted failure's other half: development has enabled the opt-in region, staging and client-acme have not.
    web.world.sb.world.accounts[DEVELOPMENT]?.optedInRegions.push(OPT_IN_REGION);
  }, 120_000);
  afterAll(() => web?.close());

  it(
    'carol starts ec2 DescribeInstances over all accounts and two regions and watches the grid fill in',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await web.signedIn('carol');
      page.setDefaultTimeout(20_000);
      await page.goto('/w/platform/runs');
      await page.getByRole('link', { name: 'New run' }).click();
      await page.waitForURL(/\/w\/platform\/runs\/new$/);

      // The picker offers reads only, searched by any spelling; a write is not there to pick.
      const search = page.getByLabel('Search operations');
      await search.fill('iam createuser');
      await expect.poll(() => page.getByText(/0 read operations match/).count()).toBe(1);
      await search.fill('ec2 describe-instances');
      await page.getByRole('radio', { name: 'ec2 DescribeInstances', exact: true }).check();
      const details = page.getByTestId('operation-details');
      await expect.poll(() => details.textContent()).toMatch(/once per account and region/);
      expect(await details.getByRole('cell', { name: 'InstanceIds' }).count()).toBe(1);

      // The selector says what it matches, as the server selects — and refuses a term outside the workspace.
      const selector = page.getByLabel('Selector');
      await selector.fill('production');
      await expect
        .poll(() => page.getByTestId('selector-matches').textContent())
        .toMatch(/'production' reaches an account outside the workspace platform/);
      await selector.fill('all');
      await expect
        .poll(() => page.getByTestId('selector-matches').textContent())
        .toMatch(/matches 3 accounts: .*development/);

      // Regions: us-east-1 from the accounts' regions, and eu-south-1 typed in.
      await page.getByRole('checkbox', { name: 'eu-west-1' }).uncheck();
      expect(await page.getByRole('checkbox', { name: 'us-east-1' }).isChecked()).toBe(true);
      await page.getByLabel('Other regions (comma-separated)').fill(OPT_IN_REGION);
      await screenshot(page, 'runs-new');
      expect(await seriousA11yViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Start run' }).click();
      await page.waitForURL(/\/w\/platform\/runs\/[\w-]+$/);
      runPath = new URL(page.url()).pathname;

      // Live: the grid starts pending, development's us-east-1 turns ok while staging's is still pending.
      await expect.poll(() => stateOf(page, 'staging', 'us-east-1'), { timeout: 20_000 }).toBe('pending');
      await expect.poll(() => stateOf(page, 'development', 'us-east-1'), { timeout: 30_000, interval: 100 }).toBe('ok');
      expect(await stateOf(page, 'staging', 'us-east-1')).toBe('pending');
      expect(await page.getByTestId('run-status').textContent()).toBe('running');
      expect(await cell(page, 'development', 'us-east-1').textContent()).toMatch(/ok/);
      await screenshot(page, 'runs-live');

      // The end: every target reported; the planted failure shown as a disabled region with AWS's message.
      await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 40_000 }).toBe('finished');
      for (const account of ['development', 'staging', 'client-acme'])
        expect(await stateOf(page, account, 'us-east-1')).toBe('ok');
      expect(await stateOf(page, 'development', OPT_IN_REGION)).toBe('ok');
      for (const account of ['staging', 'client-acme']) {
        expect(await stateOf(page, account, OPT_IN_REGION)).toBe('disabled');
        expect(await cell(page, account, OPT_IN_REGION).textContent()).toMatch(
          /region disabled: REGION_DISABLED · AuthFailure · /,
        );
      }
      const failures = page.getByRole('region', { name: /Failures \(2\)/ });
      expect(await failures.textContent()).toMatch(/staging · eu-south-1: REGION_DISABLED \(AuthFailure\) — /);
      expect(await page.getByTestId('run-counts').textContent()).toMatch(/6 of 6 targets · 4 ok · 2 failed/);

      // The results: filtered, and exported as CSV with one row per target.
      const exportCsv = page.getByRole('button', { name: 'Export CSV' });
      await expect.poll(() => exportCsv.isEnabled()).toBe(true);
      const [download] = await Promise.all([page.waitForEvent('download'), exportCsv.click()]);
      const csv = readFileSync((await download.path()) ?? '', 'utf8')
        .trim()
        .split('\r\n');
      expect(csv[0]).toBe('account,account_id,region,status,code,aws_code,message,value');
      expect(csv).toHaveLength(1 + 6);
      expect(csv.filter((line) => line.includes(',failed,REGION_DISABLED,'))).toHaveLength(2);
      expect(csv.filter((line) => /^development,222222222222,us-east-1,ok,/.test(line))).toHaveLength(1);
      const [json] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export JSON' }).click(),
      ]);
      const rows = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as { ok: boolean; value: unknown }[];
      expect(rows).toHaveLength(6);
      expect(rows.filter((r) => r.ok).every((r) => typeof r.value === 'object' && r.value !== null)).toBe(true);
      await page.getByLabel('Filter results').fill('region_disabled');
      await expect.poll(() => page.getByText(/^2 of 6 targets shown/).count()).toBe(1);
      await screenshot(page, 'runs-finished');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // The past runs, newest first, link to it.
      await page.getByRole('link', { name: '← All runs' }).click();
      await page.getByRole('link', { name: 'ec2 DescribeInstances' }).first().waitFor();
      expect(await page.getByRole('link', { name: 'New run' }).count()).toBe(1);
      await screenshot(page, 'runs-list');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await context.close();
    },
  );

  it(
    'bob (viewer) replays the run but cannot start one: no button, and his direct POST is refused 403',
    { timeout: 90_000 },
    async () => {
      expect(runPath).not.toBe('');
      const { context, page } = await web.signedIn('bob');
      page.setDefaultTimeout(20_000);
      await page.goto('/w/platform/runs');
      await page.getByRole('link', { name: 'ec2 DescribeInstances' }).first().waitFor();
      expect(await page.getByRole('link', { name: 'New run' }).count()).toBe(0);
      expect(await page.getByTestId('cannot-start').textContent()).toMatch(/needs the operator role/);

      // The run's page replays its stored targets into the grid.
      await page.getByRole('link', { name: 'ec2 DescribeInstances' }).first().click();
      await page.waitForURL((url) => url.pathname === runPath);
      await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('finished');
      await expect.poll(() => stateOf(page, 'client-acme', OPT_IN_REGION)).toBe('disabled');
      expect(await stateOf(page, 'development', 'us-east-1')).toBe('ok');
      await screenshot(page, 'runs-viewer-replay');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // At phone width in the dark theme: readable, no sideways scrolling of the page (the grid scrolls in its box).
      await page.setViewportSize({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(() => stateOf(page, 'staging', OPT_IN_REGION)).toBe('disabled');
      await screenshot(page, 'runs-viewer-replay-390-dark');
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.emulateMedia({ colorScheme: 'light' });

      await page.goto('/w/platform/runs/new');
      expect(await page.getByTestId('cannot-start').textContent()).toMatch(/starting one needs the operator role/);
      expect(await page.getByRole('button', { name: 'Start run' }).count()).toBe(0);

      // A direct POST from his page, with his session and CSRF token: the server's refusal.
      const answer = await page.evaluate(async () => {
        const session = (await (await fetch('/api/session')).json()) as { csrf_token: string };
        const response = await fetch('/api/workspaces/platform/runs', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
          body: JSON.stringify({
            kind: 'run',
            selector: 'all',
            regions: ['us-east-1'],
            service: 'ec2',
            operation: 'DescribeInstances',
          }),
        });
        return {
          status: response.status,
          body: (await response.json()) as { error: { code: string; message: string } },
        };
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('FORBIDDEN');
      expect(answer.body.error.message).toMatch(/runs\.start in platform needs the operator role; bob is viewer/);
      await context.close();
    },
  );
});
