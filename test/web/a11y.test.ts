import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { PASSWORDS, setupOwner } from '../helpers/team-server.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

/**
 * The accessibility and layout sweep (issue 11): every page of the app, as alice (owner of platform), at 1280×800
 * and at phone width, in the light and the dark theme: a screenshot of each (page-width-scheme.png, for review),
 * no serious or critical axe-core violation (contrast included, so both themes are checked), and at phone width no
 * horizontal scrolling of the page itself (a wide table scrolls in its own box).
 */
const WORKSPACE_PAGES = ['accounts', 'runs', 'inventory', 'cost', 'findings', 'members', 'trail'];
const PAGES: { name: string; path: string }[] = [
  { name: 'me', path: '/me' },
  ...WORKSPACE_PAGES.map((name) => ({ name, path: `/w/platform/${name}` })),
];
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const SCHEMES = ['light', 'dark'] as const;
const COMBOS = VIEWPORTS.flatMap((viewport) => SCHEMES.map((scheme) => ({ viewport, scheme })));

/** Waits until the page stopped loading: no request for a moment, nothing "Loading…" or aria-busy on screen. */
async function settle(page: Page): Promise<void> {
  await page.locator('main').first().waitFor();
  // A page following Server-Sent Events never goes quiet: the wait is bounded, the checks below are what count.
  await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => undefined);
  for (const busy of [page.getByText(/^Loading/), page.locator('[aria-busy="true"]')])
    await busy
      .first()
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => undefined);
}

async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number } | undefined> {
  const sizes = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  return sizes.scrollWidth <= sizes.innerWidth + 1 ? undefined : sizes;
}

/** The keyboard's way in: the first Tab lands on "Skip to content", drawn with a focus outline. */
async function skipLinkFirst(page: Page): Promise<{ text: string; outline: boolean }> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : undefined;
    return { text: el?.textContent?.trim() ?? '', outline: !!style && style.outlineStyle !== 'none' };
  });
  await page.keyboard.press('Escape');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  return focused;
}

/** Screenshot, axe and (at phone width) the overflow check of the page as it is now. */
async function sweep(page: Page, name: string, width: number): Promise<void> {
  await screenshot(page, name);
  expect.soft(await seriousA11yViolations(page), `${name}: axe-core`).toEqual([]);
  if (width < 760) expect.soft(await horizontalOverflow(page), `${name}: horizontal overflow`).toBeUndefined();
}

describe('web UI: accessibility and layout of every page, both themes, desktop and phone (issue 11)', () => {
  let web: WebWorld;
  beforeAll(async () => {
    web = await startWebWorld();
  }, 120_000);
  afterAll(() => web?.close());

  describe.each(COMBOS)('$viewport.width px, $scheme', ({ viewport, scheme }) => {
    const suffix = `${viewport.width}-${scheme}`;
    const options = () => ({ viewport, colorScheme: scheme, baseURL: web.url });
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await web.browser.newContext(options());
      page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto('/');
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill(PASSWORDS['alice'] ?? '');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign in to crossbar' }).waitFor({ state: 'detached' });
    }, 120_000);
    afterAll(() => context?.close());

    it('sign-in', { timeout: 90_000 }, async () => {
      const anonymous = await web.browser.newContext(options());
      try {
        const signIn = await anonymous.newPage();
        signIn.setDefaultTimeout(20_000);
        await signIn.goto('/');
        await signIn.getByRole('heading', { name: 'Sign in to crossbar' }).waitFor();
        await sweep(signIn, `sign-in-${suffix}`, viewport.width);
      } finally {
        await anonymous.close();
      }
    });

    if (viewport.width < 760 && scheme === 'dark')
      it('the sweep can fail: a page that scrolls sideways and dim text are caught', { timeout: 90_000 }, async () => {
        await page.goto('/me');
        await settle(page);
        expect(await horizontalOverflow(page)).toBeUndefined();
        await page.evaluate(() => {
          const wide = document.createElement('div');
          wide.style.width = '900px';
          wide.textContent = 'too wide';
          const dim = document.createElement('p');
          dim.style.color = '#20262d'; // on the dark ground
          dim.textContent = 'hard to read';
          document.querySelector('main')?.append(wide, dim);
        });
        expect(await horizontalOverflow(page)).toEqual({ scrollWidth: expect.any(Number), innerWidth: 390 });
        const violations = await seriousA11yViolations(page);
        expect(violations.map((v) => v.id)).toContain('color-contrast');
        await page.reload();
      });

    it.each(PAGES)('$name', { timeout: 90_000 }, async ({ name, path }) => {
      await page.goto(path);
      await settle(page);
      expect(new URL(page.url()).pathname).toBe(path);
      // signed in, on the page itself (not the sign-in form the app shows at any path)
      const landmark =
        name === 'me'
          ? page.getByRole('link', { name: /Back to workspace/ })
          : page.getByRole('navigation', { name: 'Workspace pages' });
      expect(await landmark.count()).toBe(1);
      expect.soft(await skipLinkFirst(page), `${name}-${suffix}: the first Tab`).toEqual({
        text: 'Skip to content',
        outline: true,
      });
      await sweep(page, `${name}-${suffix}`, viewport.width);
    });
  });

  describe('before and just after the first start', () => {
    let first: WebWorld;
    beforeAll(async () => {
      first = await startWebWorld({ setup: false });
    }, 120_000);
    afterAll(() => first?.close());

    it('the setup page, then the owner’s "no workspace yet" page', { timeout: 90_000 }, async () => {
      const contexts = await Promise.all(
        COMBOS.map(({ viewport, scheme }) =>
          first.browser.newContext({ viewport, colorScheme: scheme, baseURL: first.url }),
        ),
      );
      try {
        for (const [i, { viewport, scheme }] of COMBOS.entries()) {
          const page = await contexts[i]!.newPage();
          page.setDefaultTimeout(20_000);
          await page.goto('/setup');
          await page.getByRole('heading', { name: 'Set up crossbar' }).waitFor();
          await sweep(page, `setup-${viewport.width}-${scheme}`, viewport.width);
        }
        await setupOwner(first.team, 'alice');
        for (const [i, { viewport, scheme }] of COMBOS.entries()) {
          const page = contexts[i]!.pages()[0]!;
          await page.goto('/');
          await page.getByLabel('Username').fill('alice');
          await page.getByLabel('Password').fill(PASSWORDS['alice'] ?? '');
          await page.getByRole('button', { name: 'Sign in' }).click();
          await page.getByRole('heading', { name: 'No workspace yet' }).waitFor();
          await settle(page);
          await sweep(page, `no-workspace-${viewport.width}-${scheme}`, viewport.width);
        }
      } finally {
        await Promise.all(contexts.map((c) => c.close()));
      }
    });
  });
});
