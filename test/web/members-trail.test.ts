import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

/**
 * Members and permissions, and the trail, in a real browser (issue 11 items 9–10): an owner's change reaches the
 * member's own open page at once (no reload); a viewer sees who has access but may change nothing, not even by
 * calling the API from his page; the trail shows what the test did and verifies, until a row is edited in the
 * database, which the page then names.
 */
describe('web UI: members and permissions, the trail (issue 11 items 9–10)', () => {
  let web: WebWorld;
  let alice: { context: BrowserContext; page: Page };
  let carol: { context: BrowserContext; page: Page };
  let platformId: string;

  beforeAll(async () => {
    web = await startWebWorld();
    platformId = (
      await web.team.store.db
        .selectFrom('workspaces')
        .select('id')
        .where('name', '=', 'platform')
        .executeTakeFirstOrThrow()
    ).id;
  }, 120_000);
  afterAll(() => web?.close());

  const header = (page: Page) => page.locator('.current-workspace .meta').textContent();
  const row = (page: Page, username: string) => page.locator(`tr[data-member="${username}"]`);

  it('alice changes carol’s role and limits; carol’s open page follows at once, without a reload', async () => {
    alice = await web.signedIn('alice');
    alice.page.setDefaultTimeout(20_000);
    await alice.page.goto('/w/platform/members');
    await row(alice.page, 'carol').waitFor();
    expect(await row(alice.page, 'carol').getByTestId('member-role').textContent()).toBe('operator');

    carol = await web.signedIn('carol');
    const page = carol.page;
    page.setDefaultTimeout(20_000);
    await page.goto('/w/platform/members');
    await row(page, 'alice').waitFor();
    expect(await header(page)).toContain('you are operator');
    expect(await page.getByRole('form', { name: 'Add a member' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Trail' }).count()).toBe(0);
    // A mark in the page's memory: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { mark: string }).mark = 'not reloaded'));

    await alice.page.getByRole('button', { name: 'Change carol' }).click();
    const form = alice.page.getByRole('form', { name: 'Change carol' });
    await form.getByLabel('Workspace role').selectOption('admin');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row(alice.page, 'carol').getByTestId('member-role').textContent()).toBe('admin');

    await expect.poll(() => header(page)).toContain('you are admin');
    await page.getByRole('form', { name: 'Add a member' }).waitFor();
    await page.getByRole('link', { name: 'Trail' }).waitFor();
    expect(await row(page, 'carol').getByTestId('member-role').textContent()).toBe('admin');
    await screenshot(page, 'members-carol-made-admin');

    // Back to viewer, limited to read-only in the dev accounts.
    await alice.page.getByRole('button', { name: 'Change carol' }).click();
    await form.getByLabel('Workspace role').selectOption('viewer');
    await form.getByRole('button', { name: 'Add a per-account limit' }).click();
    await form.getByLabel('Accounts (limit 1)').fill('stage=dev');
    const roles = form.getByRole('group', { name: 'Roles there (limit 1)' });
    await roles.getByLabel('every role').uncheck();
    await roles.getByLabel('CrossbarReadOnly').check();
    await screenshot(alice.page, 'members-editing-carol');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => row(alice.page, 'carol').getByTestId('member-limits').textContent())
      .toBe('stage=dev: CrossbarReadOnly');

    await expect.poll(() => header(page)).toContain('you are viewer');
    await expect.poll(() => page.getByRole('form', { name: 'Add a member' }).count()).toBe(0);
    await expect.poll(() => page.getByRole('link', { name: 'Trail' }).count()).toBe(0);
    expect(await row(page, 'carol').getByTestId('member-limits').textContent()).toBe('stage=dev: CrossbarReadOnly');
    expect(await page.getByRole('button', { name: /^(Change|Remove) / }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { mark?: string }).mark)).toBe('not reloaded');
    await screenshot(page, 'members-carol-viewer');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const stored = await web.team.store.db
      .selectFrom('members')
      .innerJoin('users', 'users.id', 'members.user_id')
      .select(['members.role', 'members.limits_json'])
      .where('users.username', '=', 'carol')
      .where('members.workspace_id', '=', platformId)
      .executeTakeFirstOrThrow();
    expect(stored.role).toBe('viewer');
    expect(JSON.parse(stored.limits_json)).toEqual([{ accounts: 'stage=dev', roles: ['CrossbarReadOnly'] }]);

    // The refusal twin: alice is platform's last owner; the server says why she cannot step down.
    await alice.page.getByRole('button', { name: 'Change alice' }).click();
    const own = alice.page.getByRole('form', { name: 'Change alice' });
    await own.getByLabel('Workspace role').selectOption('viewer');
    await own.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => own.getByRole('alert').textContent()).toMatch(/last owner/);
    await screenshot(alice.page, 'members-refused');
    await alice.page.getByRole('button', { name: 'Cancel' }).click();
    expect(await row(alice.page, 'alice').getByTestId('member-role').textContent()).toBe('owner');
  }, 90_000);

  it('bob (viewer) sees who has access but no way to change it, and the API refuses his page', async () => {
    const { context, page } = await web.signedIn('bob', { width: 390, height: 800 });
    page.setDefaultTimeout(20_000);
    await page.goto('/w/platform/members');
    await row(page, 'carol').waitFor();
    const names = await page.locator('tr[data-member]').evaluateAll((rows) => rows.map((r) => r.dataset['member']));
    expect(names).toEqual(['alice', 'bob', 'carol']);
    expect(await page.getByRole('form', { name: 'Add a member' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Change|Remove) / }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    await screenshot(page, 'members-bob-viewer-phone');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const answer = await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { csrf_token: string };
      const response = await fetch('/api/workspaces/platform/members/bob', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: JSON.stringify({ role: 'owner' }),
      });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('FORBIDDEN');
    expect(answer.body.error.message).toBe('members.write in platform needs the admin role; bob is viewer');
    expect(await page.goto('/w/platform/trail').then(() => page.getByRole('alert').first().textContent())).toMatch(
      /trail\.read in platform needs the admin role; bob is viewer/,
    );
    await context.close();
  }, 90_000);

  it('alice creates and adds a user, is told why an unknown one cannot be added, and removes them', async () => {
    const page = alice.page;
    await page.goto('/w/platform/members');
    const invite = page.getByRole('form', { name: 'Add a member' });
    await invite.getByLabel('Username').fill('nobody');
    await invite.getByRole('button', { name: 'Add to platform' }).click();
    await expect.poll(() => invite.getByRole('alert').textContent()).toMatch(/there is no user nobody on this server/);

    await invite.getByLabel('Username').fill('erin');
    await invite.getByLabel(/Create this user on the server first/).check();
    await invite.getByLabel('Display name (optional)').fill('Erin Example');
    await invite.getByLabel(/First password/).fill('erin-correct-horse-55555');
    await invite.getByLabel('Workspace role').selectOption('operator');
    await invite.getByRole('button', { name: 'Add to platform' }).click();
    await expect
      .poll(() => invite.getByRole('status').textContent())
      .toBe('erin was created and is now operator of platform');
    await row(page, 'erin').waitFor();
    expect(await row(page, 'erin').locator('th').textContent()).toContain('Erin Example');
    await expect.poll(() => page.getByTestId('member-count').textContent()).toBe('4 members');
    await screenshot(page, 'members-owner');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Remove erin' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => row(page, 'erin').count()).toBe(0);
    await expect.poll(() => page.getByTestId('member-count').textContent()).toBe('3 members');
  }, 90_000);

  it('carol, removed, sees at once that platform is gone for her', async () => {
    await alice.page.getByRole('button', { name: 'Remove carol' }).click();
    await alice.page.getByRole('button', { name: 'Yes, remove' }).click();
    await expect.poll(() => row(alice.page, 'carol').count()).toBe(0);
    await expect
      .poll(() => carol.page.getByRole('alert').first().textContent())
      .toMatch(/the workspace platform does not exist/);
    expect(await carol.page.evaluate(() => (window as unknown as { mark?: string }).mark)).toBe('not reloaded');
    await screenshot(carol.page, 'members-carol-removed');
    await carol.context.close();
  }, 90_000);

  it('the trail shows every change the test made, filters and exports, and its chain verifies', async () => {
    const page = alice.page;
    await page.getByRole('link', { name: 'Trail' }).click();
    await page.waitForURL(/\/w\/platform\/trail$/);
    await expect.poll(() => page.getByTestId('chain-status').textContent()).toMatch(/Chain verified/);
    const actions = async () =>
      page
        .locator('tr[data-action]')
        .evaluateAll((rows) =>
          rows.map(
            (r) =>
              `${r.querySelectorAll('td')[2]?.textContent} ${r.dataset['action']} ${r.querySelectorAll('td')[4]?.textContent} ${r.querySelectorAll('td')[5]?.textContent}`,
          ),
        );
    const all = await actions();
    for (const line of [
      'alice member.changed carol ok',
      'alice member.added erin ok',
      'alice member.removed erin ok',
      'alice member.removed carol ok',
      'bob members.write  denied',
      'bob trail.read  denied',
    ])
      expect(all).toContain(line);
    expect(all.filter((l) => l === 'alice member.changed carol ok')).toHaveLength(2);
    await screenshot(page, 'trail-verified');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByLabel('Who').fill('bob');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/who=bob/);
    await expect.poll(async () => (await actions()).every((l) => l.startsWith('bob '))).toBe(true);
    expect(await actions()).toContain('bob members.write  denied');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('What (action)').fill('member.*');
    await page.getByLabel('Account or target').fill('carol');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(async () => (await actions()).join('|'))
      .toBe(
        [
          'alice member.removed carol ok',
          'alice member.changed carol ok',
          'alice member.changed carol ok',
          'alice member.added carol ok',
        ].join('|'),
      );

    const href = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
    const csv = await alice.context.request.get(href ?? '');
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toContain('crossbar-trail.csv');
    expect(await csv.text()).toMatch(/^type,chain,seq,at,actor,action/);
    const jsonl = await alice.context.request.get(
      (await page.getByRole('link', { name: 'JSONL' }).getAttribute('href')) ?? '',
    );
    expect((await jsonl.text()).split('\n').filter((l) => l.includes('"member.removed"'))).toHaveLength(2);
  }, 90_000);

  it('names the entry a database edit broke', async () => {
    const page = alice.page;
    const changed = await web.team.store.db
      .selectFrom('trail')
      .select(['seq', 'details_json'])
      .where('chain', '=', platformId)
      .where('action', '=', 'member.changed')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await web.team.store.db
      .updateTable('trail')
      .set({ details_json: changed.details_json.replace('"admin"', '"owner"') })
      .where('chain', '=', platformId)
      .where('seq', '=', changed.seq)
      .execute();
    await page.goto('/w/platform/trail?action=member.changed');
    await expect
      .poll(() => page.getByTestId('chain-status').textContent())
      .toMatch(new RegExp(`Chain broken at entry #${changed.seq} \\(content changed\\)`));
    expect(await page.locator(`tr[data-seq="${changed.seq}"]`).getAttribute('class')).toBe('broken-entry');
    await screenshot(page, 'trail-broken');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await alice.context.close();
  }, 90_000);
});
