import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { PASSWORDS } from '../helpers/team-server.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

describe('web UI: first start, sign-in, sign-out, the workspace selector (issue 11 items 1–2)', () => {
  describe('first start', () => {
    let web: WebWorld;
    beforeAll(async () => {
      web = await startWebWorld({ setup: false });
    }, 60_000);
    afterAll(() => web?.close());

    it('refuses a wrong setup token, then creates the owner from the link crossbar serve printed', async () => {
      const context = await web.browser.newContext({ baseURL: web.url });
      const page = await context.newPage();
      page.setDefaultTimeout(8000);
      await page.goto('/setup#not-the-token');
      await page.getByRole('heading', { name: 'Set up crossbar' }).waitFor();
      await page.getByLabel('Owner username').fill('alice');
      await page.getByLabel(/^Password/).fill(PASSWORDS['alice'] ?? '');
      await page.getByRole('button', { name: 'Create the owner' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/setup token/i);
      expect(await web.team.store.db.selectFrom('users').select('username').execute()).toEqual([]);

      await page.goto('about:blank');
      await page.goto(`/setup#${web.team.setupToken}`);
      await page.getByLabel('Owner username').fill('alice');
      await page.getByLabel(/^Password/).fill(PASSWORDS['alice'] ?? '');
      await page.getByRole('button', { name: 'Create the owner' }).click();
      await page.getByRole('heading', { name: 'No workspace yet' }).waitFor();
      await screenshot(page, 'setup-done-no-workspace');
      const users = await web.team.store.db.selectFrom('users').select(['username', 'server_role']).execute();
      expect(users).toEqual([{ username: 'alice', server_role: 'owner' }]);
      await context.close();
    });
  });

  describe('signed in', () => {
    let web: WebWorld;
    beforeAll(async () => {
      web = await startWebWorld();
    }, 60_000);
    afterAll(() => web?.close());

    it('refuses a wrong password with the server’s reason and shows no workspace', async () => {
      const context = await web.browser.newContext({ baseURL: web.url });
      const page = await context.newPage();
      await page.goto('/');
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('not-alices-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/wrong user name or password/i);
      expect(await page.getByRole('navigation', { name: 'Workspace pages' }).count()).toBe(0);
      await screenshot(page, 'sign-in-refused');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await context.close();
    });

    it('signs alice in, switches workspace, remembers it, and signs out', async () => {
      const { context, page } = await web.signedIn('alice');
      const selector = page.getByRole('combobox', { name: 'Workspace' });
      const names = await selector.locator('option').allTextContents();
      expect(names.sort()).toEqual(['platform', 'production']);
      await selector.selectOption('platform');
      await page.waitForURL(/\/w\/platform\/accounts$/);
      await expect.poll(() => page.getByTestId('member-count').textContent()).toBe('3 members');
      expect(await page.getByTestId('connection').textContent()).toMatch(/connection: source/);
      await screenshot(page, 'workspace-platform');
      expect(await seriousA11yViolations(page)).toEqual([]);

      await page.goto('/');
      await page.waitForURL(/\/w\/platform\/accounts$/);
      await selector.selectOption('production');
      await page.waitForURL(/\/w\/production\/accounts$/);
      await expect.poll(() => page.getByTestId('member-count').textContent()).toBe('1 member');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to crossbar' }).waitFor();
      const after = await context.request.get('/api/session');
      expect(after.status()).toBe(401);
      await context.close();
    });

    it('shows bob only the workspace he is a member of', async () => {
      const { context, page } = await web.signedIn('bob');
      await page.waitForURL(/\/w\/platform\/accounts$/);
      expect(await page.getByRole('combobox', { name: 'Workspace' }).locator('option').allTextContents()).toEqual([
        'platform',
      ]);
      await page.goto('/w/production/accounts');
      await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/production/);
      await context.close();
    });
  });
});
