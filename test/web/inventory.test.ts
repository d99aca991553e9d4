import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore, RESOURCE_TYPES, workspaceInventoryPath } from '../../src/core/inventory/index.js';
import { runHubOf } from '../../src/server/index.js';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { signIn, type ApiClient } from '../helpers/team-server.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

/**
 * The Inventory page (issue 11 item 6) against a real server and sandbox: carol (operator) syncs platform through
 * the API, then the page shows the types with their counts, the resources with filters and paging, the coverage
 * with each slice's age (a planted old failed slice marked stale), and the SQL box answers a SELECT and refuses
 * writes with the server's reason, the data unchanged. Screenshots and axe-core on each state.
 */
let web: WebWorld;
let carol: ApiClient;
const TYPES = ['ec2_instances', 'iam_roles', 's3_buckets'];
const api = (part: string) => `/api/workspaces/platform/inventory/${part}`;

interface TypesBody {
  total: number;
  types: { type: string; count: number }[];
}

beforeAll(async () => {
  web = await startWebWorld();
  carol = await signIn(web.team, 'carol');
  const started = await carol.post<{ id: string }>('/api/workspaces/platform/runs', {
    kind: 'sync',
    selector: 'all',
    regions: ['us-east-1', 'eu-west-1'],
    types: TYPES,
  });
  if (started.status !== 202) throw new Error(`sync: ${started.status} ${JSON.stringify(started.body)}`);
  await runHubOf(web.team.deps).idle();
  const run = await carol.get<{ run: { status: string; counts: { failed: number } } }>(
    `/api/workspaces/platform/runs/${started.body.id}`,
  );
  if (run.body.run.status !== 'finished' || run.body.run.counts.failed > 0)
    throw new Error(`sync ended ${JSON.stringify(run.body.run)}`);
  // A slice that failed three days ago and never worked: the coverage marks it failed and stale.
  const workspace = await web.team.store.db
    .selectFrom('workspaces')
    .select('id')
    .where('name', '=', 'platform')
    .executeTakeFirstOrThrow();
  const development = web.world.registry().accounts.find((a) => a.name === 'development');
  const type = RESOURCE_TYPES.find((t) => t.name === 'ec2_instances');
  if (!development || !type) throw new Error('no development account or ec2_instances type');
  const store = InventoryStore.open(workspaceInventoryPath(web.team.home, workspace.id));
  try {
    store.recordFailure(
      {
        type,
        accountId: development.id,
        accountName: development.name,
        stage: development.stage,
        region: 'ap-south-1',
      },
      { code: 'REGION_DISABLED', message: 'ap-south-1 is not enabled in development', awsCode: 'OptInRequired' },
      new Date(Date.now() - 3 * 86_400_000).toISOString(),
    );
  } finally {
    store.close();
  }
}, 120_000);
afterAll(() => web?.close());

describe('web UI: the Inventory page (issue 11 item 6)', () => {
  it(
    'shows the types with counts, the resources with filters and paging, and the coverage with ages',
    { timeout: 90_000 },
    async () => {
      const types = (await carol.get<TypesBody>(api('types'))).body;
      const ec2 = types.types.find((t) => t.type === 'ec2_instances')?.count ?? 0;
      expect(ec2).toBeGreaterThan(0);
      const { context, page } = await web.signedIn('alice');
      page.setDefaultTimeout(20_000);
      await page.goto('/w/platform/inventory');
      await page.getByRole('heading', { name: 'Inventory', level: 2 }).waitFor();
      await expect.poll(() => page.getByTestId('count-ec2_instances').textContent()).toBe(String(ec2));
      await expect
        .poll(() => page.getByTestId('resources-range').textContent())
        .toBe(`1–${Math.min(50, types.total)} of ${types.total}`);
      await screenshot(page, 'inventory-synced');
      expect(await seriousA11yViolations(page)).toEqual([]);

      const filters = page.getByRole('search', { name: 'Filter resources' });
      // a type from the list: only its resources
      await page.getByRole('button', { name: /^ec2_instances/ }).click();
      await expect.poll(() => page.getByTestId('resources-range').textContent()).toBe(`1–${ec2} of ${ec2}`);
      const table = page.getByRole('region', { name: 'Resources table' });
      const typeCells = await table.locator('tbody tr td:nth-child(2)').allTextContents();
      expect(new Set(typeCells)).toEqual(new Set(['ec2_instances']));

      // account and region filters, then text
      await filters.getByLabel('Account', { exact: true }).selectOption({ label: 'development' });
      await filters.getByLabel('Region', { exact: true }).selectOption('us-east-1');
      const filtered = (
        await carol.get<{ total: number; resources: { name: string; arn: string }[] }>(
          `${api('resources')}?type=ec2_instances&account=development&region=us-east-1`,
        )
      ).body;
      await expect
        .poll(() => page.getByTestId('resources-range').textContent())
        .toBe(`1–${filtered.total} of ${filtered.total}`);
      const one = filtered.resources[0];
      await filters.getByLabel('Name, ARN or tag contains').fill(one?.arn ?? '');
      await filters.getByRole('button', { name: 'Filter', exact: true }).click();
      await expect.poll(() => page.getByTestId('resources-range').textContent()).toBe('1–1 of 1');
      expect(await table.locator('tbody tr td.inv-arn').allTextContents()).toEqual([one?.arn]);

      // paging over everything, 25 at a time
      await page.getByRole('button', { name: /^ec2_instances/ }).click();
      await filters.getByLabel('Account', { exact: true }).selectOption('');
      await filters.getByLabel('Region', { exact: true }).selectOption('');
      await filters.getByLabel('Name, ARN or tag contains').fill('');
      await filters.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.getByLabel('Per page').selectOption('25');
      await expect
        .poll(() => page.getByTestId('resources-range').textContent())
        .toBe(`1–${Math.min(25, types.total)} of ${types.total}`);
      if (types.total > 25) {
        await page.getByRole('button', { name: 'Next page' }).click();
        await expect
          .poll(() => page.getByTestId('resources-range').textContent())
          .toBe(`26–${Math.min(50, types.total)} of ${types.total}`);
        await page.getByRole('button', { name: 'Previous page' }).click();
        await expect.poll(() => page.getByTestId('resources-range').textContent()).toMatch(/^1–25 of/);
      }

      // coverage: every slice of the sync just now, the planted one failed and stale
      const coverage = page.getByRole('region', { name: 'Coverage table' });
      await expect.poll(() => page.getByTestId('coverage-summary').textContent()).toMatch(/· 1 failed · 1 stale/);
      const planted = coverage.locator('tr', { hasText: 'ap-south-1' });
      expect(await planted.textContent()).toMatch(/failed \(REGION_DISABLED\).*3 d ago.*stale/);
      const fresh = coverage.locator('tr', { hasText: 'us-east-1' }).first();
      expect(await fresh.textContent()).toMatch(/ok.*(just now|\d+ s ago|\d+ min ago)/);
      expect(await fresh.textContent()).not.toContain('stale');
      await page.getByLabel('Only failed or stale').check();
      expect(await coverage.locator('tbody tr').count()).toBe(1);
      await page.getByRole('heading', { name: 'Coverage' }).scrollIntoViewIfNeeded();
      await screenshot(page, 'inventory-coverage-problems');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await context.close();
    },
  );

  it(
    'the SQL box answers a SELECT, refuses writes with the reason, and the data is unchanged',
    { timeout: 90_000 },
    async () => {
      const before = (
        await carol.post<{ rows: unknown[][] }>(api('query'), {
          sql: 'SELECT type, count(*) FROM resources GROUP BY 1 ORDER BY 1',
        })
      ).body.rows;
      const { context, page } = await web.signedIn('alice');
      page.setDefaultTimeout(20_000);
      await page.goto('/w/platform/inventory');
      const box = page.getByLabel(/^SQL query/);
      await box.fill('SELECT type, count(*) AS n FROM resources GROUP BY 1 ORDER BY 1');
      await page.getByRole('button', { name: 'Run query' }).click();
      const result = page.getByTestId('query-result');
      await result.waitFor();
      expect(await result.locator('thead th').allTextContents()).toEqual(['type', 'n']);
      expect(await result.locator('tbody tr').count()).toBe(before.length);
      expect(await result.locator('tbody tr').first().locator('td').allTextContents()).toEqual(before[0]?.map(String));
      await expect
        .poll(() => page.getByTestId('query-count').textContent())
        .toMatch(new RegExp(`^${before.length} rows? in \\d+ ms$`));
      await screenshot(page, 'inventory-sql-select');
      expect(await seriousA11yViolations(page)).toEqual([]);

      for (const [sql, verb] of [
        ['DELETE FROM resources', 'DELETE'],
        ["INSERT INTO ec2_instances (account_id) VALUES ('1')", 'INSERT'],
        ['DROP TABLE sync_status', 'DROP'],
      ] as const) {
        await box.fill(sql);
        await page.getByRole('button', { name: 'Run query' }).click();
        await expect
          .poll(() => page.getByRole('alert').textContent())
          .toContain(`query is read-only: ${verb} statements are refused`);
        expect(await page.getByTestId('query-result').count()).toBe(0);
      }
      await screenshot(page, 'inventory-sql-refused');
      expect(await seriousA11yViolations(page)).toEqual([]);
      // Ctrl+Enter runs too; the data is as it was
      await box.fill('SELECT type, count(*) FROM resources GROUP BY 1 ORDER BY 1');
      await box.press('Control+Enter');
      await page.getByTestId('query-result').waitFor();
      const after = (
        await carol.post<{ rows: unknown[][] }>(api('query'), {
          sql: 'SELECT type, count(*) FROM resources GROUP BY 1 ORDER BY 1',
        })
      ).body.rows;
      expect(after).toEqual(before);
      await context.close();
    },
  );

  it(
    'bob (viewer) reads it too; production, where he is no member, is refused, and an unsynced workspace says so',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await web.signedIn('bob');
      page.setDefaultTimeout(20_000);
      await page.goto('/w/platform/inventory');
      await expect.poll(() => page.getByTestId('count-ec2_instances').textContent()).toMatch(/^[1-9]\d*$/);
      await page.goto('/w/production/inventory');
      await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/production/);
      expect(await page.getByTestId('count-ec2_instances').count()).toBe(0);
      await context.close();

      const alice = await web.signedIn('alice');
      await alice.page.goto('/w/production/inventory');
      await expect
        .poll(() => alice.page.getByTestId('inventory-empty').textContent())
        .toMatch(/No sync yet in production/);
      await screenshot(alice.page, 'inventory-empty');
      expect(await seriousA11yViolations(alice.page)).toEqual([]);
      await alice.context.close();
    },
  );
  it(
    'at phone width in the dark theme: readable, no sideways scrolling, no serious axe violation',
    { timeout: 90_000 },
    async () => {
      const { context, page } = await web.signedIn('alice', { width: 390, height: 844 });
      page.setDefaultTimeout(20_000);
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.goto('/w/platform/inventory');
      await expect.poll(() => page.getByTestId('count-ec2_instances').textContent()).toMatch(/^[1-9]\d*$/);
      await page.getByRole('button', { name: 'Run query' }).click();
      await page.getByTestId('query-result').waitFor();
      await screenshot(page, 'inventory-390-dark');
      expect(await seriousA11yViolations(page)).toEqual([]);
      const sizes = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(sizes.scrollWidth).toBeLessThanOrEqual(sizes.innerWidth + 1);
      await context.close();
    },
  );
});
