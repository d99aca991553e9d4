import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/team/index.js';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

/**
 * The sandbox's console page in the tab a click opened (through the server's federated sign-in URL). A refusal
 * closes the tab: the error then says what the page showed.
 */
async function consoleTab(context: BrowserContext, click: () => Promise<void>): Promise<Page> {
  const opened = context.waitForEvent('page');
  const from = context.pages()[0];
  await click();
  const tab = await opened;
  try {
    await tab.waitForURL(/\/console\?session=/, { timeout: 20_000 });
  } catch (err) {
    const shown = await from?.getByRole('alert').allTextContents();
    throw new Error(`no console tab; the page shows: ${JSON.stringify(shown)}`, { cause: err });
  }
  return tab;
}

async function consoleFacts(tab: Page): Promise<Record<string, string | null>> {
  return {
    role: await tab.getByTestId('role').textContent(),
    account: await tab.getByTestId('account-name').textContent(),
    id: await tab.getByTestId('account-id').textContent(),
    color: await tab.getByTestId('color').textContent(),
  };
}

async function trailOf(
  web: WebWorld,
  workspace: string,
): Promise<{ action: string; outcome: string; target: string }[]> {
  const trail = await web.owner.get<{ entries: { action: string; outcome: string; target: string }[] }>(
    `/api/trail?workspace=${workspace}&action=credentials.vend`,
  );
  return trail.body.entries ?? [];
}

describe('web UI: accounts and shortcuts (issue 11 items 3–4)', () => {
  let web: WebWorld;
  beforeAll(async () => {
    web = await startWebWorld();
  }, 120_000);
  afterAll(() => web?.close());

  it('alice switches to production and opens its console from the grid: the sandbox console shows account, role and colour', async () => {
    const { context, page } = await web.signedIn('alice');
    page.setDefaultTimeout(20_000);
    await page.getByRole('combobox', { name: 'Workspace' }).selectOption('production');
    await page.waitForURL(/\/w\/production\/accounts$/);
    const row = page.locator('[role=row][data-account="production"]');
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('stage-prod');
    expect(await row.textContent()).toContain('444444444444');
    expect(await row.textContent()).toContain('/Workloads');
    expect(await row.textContent()).toContain('team=payments');
    const link = row.getByRole('link', { name: 'Switch role link: production as CrossbarReadOnly' });
    expect(await link.getAttribute('href')).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=CrossbarReadOnly&account=444444444444&displayName=production&color=f2b0a9',
    );
    await screenshot(page, 'accounts-production');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const tab = await consoleTab(context, () =>
      row.getByRole('button', { name: 'Open console: production as CrossbarReadOnly' }).click(),
    );
    expect(await consoleFacts(tab)).toEqual({
      role: 'CrossbarReadOnly',
      account: 'production',
      id: '444444444444',
      color: 'red',
    });
    await screenshot(tab, 'accounts-console-production');
    expect(await page.getByRole('status').textContent()).toMatch(/Opened the console of production/);
    await tab.close();
    expect(await trailOf(web, 'production')).toContainEqual(
      expect.objectContaining({ action: 'credentials.vend', outcome: 'ok', target: 'production:CrossbarReadOnly' }),
    );
    await context.close();
  }, 90_000);

  it('refuses the production admin role without a TOTP code, with the server’s reason; with the code and the confirmation it opens', async () => {
    const { context, page } = await web.signedIn('alice');
    page.setDefaultTimeout(20_000);
    await page.goto('/w/production/accounts');
    const row = page.locator('[role=row][data-account="production"]');
    await row.getByRole('button', { name: 'Open console: production as admin' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: /production:admin/ }).waitFor();
    await dialog.getByLabel(/I mean it/).check();
    await dialog.getByRole('button', { name: 'Open console' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toMatch(/needs a second factor/);
    expect(await dialog.getByRole('alert').textContent()).toMatch(/enrol your own TOTP/);
    await screenshot(page, 'accounts-admin-refused');
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await trailOf(web, 'production')).toContainEqual(
      expect.objectContaining({ action: 'credentials.vend', outcome: 'denied', target: 'production:admin' }),
    );

    // The allowed twin: alice enrols her TOTP (through the API), then the code and the confirmation open it.
    // The enrolment spends the previous 30-second step (the server's window is one step either side), the console
    // the current one: each code is good once.
    const started = await web.owner.post<{ secret: string }>('/api/me/totp');
    const { secret } = started.body;
    const enrolled = await web.owner.post('/api/me/totp/confirm', { code: totpCode(secret, Date.now() - 30_000) });
    expect(enrolled.status).toBe(200);
    const code = totpCode(secret, Date.now());
    await dialog.getByLabel('Your TOTP code').fill(code);
    const tab = await consoleTab(context, () => dialog.getByRole('button', { name: 'Open console' }).click());
    expect(await consoleFacts(tab)).toMatchObject({ role: 'administrator', account: 'production', color: 'red' });
    expect(await dialog.isVisible()).toBe(false);
    await context.close();
  }, 90_000);

  it('copies a read-only role’s credentials as an export line for bash, with the expiry', async () => {
    const { context, page } = await web.signedIn('alice');
    page.setDefaultTimeout(20_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.url });
    await page.goto('/w/platform/accounts');
    await page
      .locator('[role=row][data-account="development"]')
      .getByRole('button', { name: 'Copy credentials: development as CrossbarReadOnly' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Credentials for development:CrossbarReadOnly' }).waitFor();
    expect(await dialog.textContent()).toMatch(/Expire at .*\(in (59|60) min\)/);
    await expect.poll(() => dialog.getByRole('status').textContent()).toMatch(/Copied/);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    // Checked by shape, never printed: the keys are secrets even in the sandbox.
    expect(
      /^export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]+' AWS_SECRET_ACCESS_KEY='[^']+' AWS_SESSION_TOKEN='[^']+' /.test(copied),
    ).toBe(true);
    expect(copied.includes(`AWS_ENDPOINT_URL='${web.world.sb.endpoint}'`)).toBe(true);
    await screenshot(page, 'accounts-credentials');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await dialog.isVisible()).toBe(false);
    await context.close();
  }, 90_000);

  it('uses /switch-to-staging from the shortcuts panel, goes to an account typed in the command box, filters the grid', async () => {
    const { context, page } = await web.signedIn('alice');
    page.setDefaultTimeout(20_000);
    await page.goto('/w/platform/accounts');
    const panel = page.getByRole('region', { name: 'Shortcuts' });
    const tab = await consoleTab(context, () =>
      panel.getByRole('button', { name: '/switch-to-staging', exact: true }).click(),
    );
    expect(await consoleFacts(tab)).toEqual({
      role: 'CrossbarReadOnly',
      account: 'staging',
      id: '333333333333',
      color: 'yellow',
    });
    expect(await tab.getByTestId('destination').textContent()).toContain('region=us-east-1');
    await tab.close();

    // Typed: a shortcut opens its console; an account's name goes to it, highlighted.
    const typedTab = await consoleTab(context, async () => {
      await panel.getByLabel('Command').fill('/switch-to-dev');
      await panel.getByLabel('Command').press('Enter');
    });
    expect(await typedTab.getByTestId('account-name').textContent()).toBe('development');
    await typedTab.close();
    await panel.getByLabel('Command').fill('client-acme');
    await panel.getByRole('button', { name: 'Go' }).click();
    await page.waitForURL(/\/w\/platform\/accounts\?account=client-acme$/);
    await expect
      .poll(() => page.locator('[role=row][data-account="client-acme"]').getAttribute('class'))
      .toContain('highlight');
    await panel.getByLabel('Command').fill('no-such-thing');
    await panel.getByLabel('Command').press('Enter');
    await expect.poll(() => panel.getByRole('alert').textContent()).toMatch(/no shortcut or account no-such-thing/);

    await page.goto('/w/platform/accounts');
    await page.getByLabel('Filter').fill('yellow');
    await expect.poll(() => page.getByTestId('account-count').textContent()).toBe('0 of 3');
    await page.getByLabel('Filter').fill('cost-center=cc-100');
    await expect.poll(() => page.getByTestId('account-count').textContent()).toBe('2 of 3');
    expect((await page.locator('[role=row][data-account]').evaluateAll((rows) => rows.length)) === 2).toBe(true);
    await screenshot(page, 'accounts-platform-filtered');
    await context.close();
  }, 90_000);

  it('lets an admin add and remove a shortcut, and shows the server’s refusal of a malformed name', async () => {
    const { context, page } = await web.signedIn('alice');
    page.setDefaultTimeout(20_000);
    await page.goto('/w/platform/accounts');
    const panel = page.getByRole('region', { name: 'Shortcuts' });
    await panel.getByText('Add a shortcut').click();
    await panel.getByLabel('Name').fill('/to-acme');
    await panel.getByLabel('Account').selectOption('client-acme');
    await panel.getByRole('button', { name: 'Add' }).click();
    await panel.getByRole('button', { name: '/to-acme', exact: true }).waitFor();
    await screenshot(page, 'shortcuts-admin');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await panel.getByLabel('Name').fill('bad name');
    await panel.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => panel.getByRole('alert').textContent()).toMatch(/slash and a word/);
    await panel.getByRole('button', { name: 'Remove /to-acme' }).click();
    await expect.poll(() => panel.getByRole('button', { name: '/to-acme', exact: true }).count()).toBe(0);
    const names = await web.owner.get<{ shortcuts: { name: string }[] }>('/api/workspaces/platform/shortcuts');
    expect(names.body.shortcuts.map((s) => s.name).sort()).toEqual(['/switch-to-dev', '/switch-to-staging']);
    await context.close();
  }, 90_000);

  it('shows bob (viewer) the accounts without credentials or console buttons, and the server refuses his direct call', async () => {
    const { context, page } = await web.signedIn('bob');
    page.setDefaultTimeout(20_000);
    await page.waitForURL(/\/w\/platform\/accounts$/);
    await page.locator('[role=row][data-account="staging"]').waitFor();
    expect(await page.getByTestId('account-count').textContent()).toBe('3 accounts');
    expect(await page.getByRole('button', { name: /Copy credentials/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Open console/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Switch role link/ }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('region', { name: 'Shortcuts' }).getByText('Add a shortcut').count()).toBe(0);
    await screenshot(page, 'accounts-viewer');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const refused = await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { csrf_token: string };
      const response = await fetch('/api/workspaces/platform/credentials', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: JSON.stringify({ account: 'development', purpose: 'credentials' }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { code?: string } } };
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('FORBIDDEN');
    expect(await trailOf(web, 'platform')).toContainEqual(
      expect.objectContaining({ action: 'credentials.vend', outcome: 'denied' }),
    );

    // His shortcut goes to the account instead of a console the server would refuse.
    await page
      .getByRole('region', { name: 'Shortcuts' })
      .getByRole('button', { name: '/switch-to-staging', exact: true })
      .click();
    await page.waitForURL(/accounts\?account=staging$/);
    await context.close();
  }, 90_000);

  it('reads at phone width (390 px)', async () => {
    const { context, page } = await web.signedIn('alice', { width: 390, height: 844 });
    page.setDefaultTimeout(20_000);
    await page.goto('/w/platform/accounts');
    await page.locator('[role=row][data-account="client-acme"]').waitFor();
    await screenshot(page, 'accounts-phone');
    expect(await seriousA11yViolations(page)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  }, 90_000);
});
