import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, seriousA11yViolations } from '../helpers/browser.js';
import { startWebWorld, type WebWorld } from '../helpers/web-world.js';

/** The authenticator's code now, computed from the secret the page showed (nothing scanned). */
function codeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp,
  });
}

/** A 6-digit code that is none of the codes the server accepts now (it allows one step either side). */
function wrongCode(secret: string): string {
  const now = Date.now();
  const good = new Set([-60_000, -30_000, 0, 30_000, 60_000].map((d) => codeAt(secret, now + d)));
  for (let n = 123456; ; n = (n + 111_111) % 1_000_000) {
    const candidate = String(n).padStart(6, '0');
    if (!good.has(candidate)) return candidate;
  }
}

describe('web UI: the Me page, TOTP enrolment and API tokens (issue 11 item 1)', () => {
  let web: WebWorld;
  beforeAll(async () => {
    web = await startWebWorld();
  }, 120_000);
  afterAll(() => web?.close());
  let secretOfAlice = '';

  const enrolledAt = async (username: string) =>
    (
      await web.team.store.db
        .selectFrom('users')
        .select('totp_enrolled_at')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).totp_enrolled_at;

  it(
    'enrols alice’s TOTP from the shown secret: a wrong code is refused with the reason, the right one enrols',
    {
      timeout: 90_000,
    },
    async () => {
      const { context, page } = await web.signedIn('alice');
      page.setDefaultTimeout(20_000);
      await page.locator('.sidebar-foot').getByRole('link').click();
      await page.waitForURL(/\/me$/);
      await expect.poll(() => page.getByTestId('totp-status').textContent()).toMatch(/not enrolled/);
      expect(await page.getByRole('link', { name: /Back to workspace/ }).count()).toBe(1);

      await page.getByRole('button', { name: 'Set up TOTP' }).click();
      const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      secretOfAlice = secret;
      const qr = page.getByRole('img', { name: /QR code/ });
      await qr.waitFor();
      await expect.poll(() => qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      await screenshot(page, 'me-totp-enrolling');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // denied: a code that is not the authenticator's
      await page.getByLabel('Code from your authenticator').fill(wrongCode(secret));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toMatch(/not the current code of alice's authenticator/);
      expect(await page.getByRole('alert').textContent()).toMatch(/6-digit code/); // the hint
      expect(await enrolledAt('alice')).toBeNull();
      expect(await page.getByTestId('totp-status').textContent()).toMatch(/not enrolled/);
      await screenshot(page, 'me-totp-refused');

      // allowed: the current code
      await page.getByLabel('Code from your authenticator').fill(codeAt(secret, Date.now()));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await expect.poll(() => page.getByTestId('totp-status').textContent()).toMatch(/Status: enrolled/);
      expect(await enrolledAt('alice')).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(await page.getByTestId('totp-secret').count()).toBe(0); // the secret is gone from the page
      const session = await context.request.get('/api/session');
      expect(((await session.json()) as { user: { totp_enrolled: boolean } }).user.totp_enrolled).toBe(true);
      await screenshot(page, 'me-totp-enrolled');

      await page.getByRole('link', { name: /Back to workspace/ }).click();
      await page.getByRole('navigation', { name: 'Workspace pages' }).waitFor();
      await context.close();
    },
  );

  it(
    'removes the TOTP only with a fresh second factor: a session without one is asked for the current code',
    { timeout: 90_000 },
    async () => {
      expect(await enrolledAt('alice')).not.toBeNull(); // enrolled by the test above
      const { context, page } = await web.signedIn('alice');
      page.setDefaultTimeout(20_000);
      await page.goto('/me');
      await expect.poll(() => page.getByTestId('totp-status').textContent()).toMatch(/Status: enrolled/);
      // denied: this new session never proved a second factor, so the server asks for one
      await page.getByRole('button', { name: 'Remove TOTP' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/second factor from the last 5 minutes/);
      expect(await enrolledAt('alice')).not.toBeNull();
      await screenshot(page, 'me-totp-remove-asks-code');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // allowed: with the authenticator's code (the next step's: the current one may be spent by the enrolment)
      await page.getByLabel('Current code from your authenticator').fill(codeAt(secretOfAlice, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Remove TOTP' }).click();
      await expect.poll(() => page.getByTestId('totp-status').textContent()).toMatch(/not enrolled/);
      expect(await enrolledAt('alice')).toBeNull();
      await context.close();
    },
  );

  it(
    'creates an API token shown once that works as a Bearer token until revoked in the page',
    {
      timeout: 90_000,
    },
    async () => {
      const { context, page } = await web.signedIn('alice');
      page.setDefaultTimeout(20_000);
      await page.goto('/me');
      await page.getByLabel('Token name').fill('nightly script');
      await page.getByLabel('Expires in').selectOption('30');
      await page.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByTestId('new-token');
      await shown.waitFor();
      const token = (await shown.textContent()) ?? '';
      expect(token).toMatch(/^xbt_/);
      expect(await page.getByRole('status').textContent()).toMatch(/you will not see it again/i);
      expect(await page.getByRole('button', { name: 'Copy' }).count()).toBe(1);
      const row = page.getByTestId('token-nightly script');
      await expect.poll(() => row.textContent()).toMatch(/active/);
      await screenshot(page, 'me-token-created');
      expect(await seriousA11yViolations(page)).toEqual([]);

      const asToken = () =>
        fetch(`${web.url}/api/session`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { user?: { username: string } },
        }));
      const allowed = await asToken();
      expect(allowed.status).toBe(200);
      expect(allowed.body.user?.username).toBe('alice');

      // shown once: a reload of the page lists the token by its prefix only
      await page.reload();
      await expect.poll(() => row.textContent()).toMatch(/active/);
      expect(await page.getByTestId('new-token').count()).toBe(0);
      expect(await page.content()).not.toContain(token);

      // denied twin: revoked in the page, the same call is refused
      await page.getByRole('button', { name: 'Revoke token nightly script' }).click();
      await expect.poll(() => row.textContent()).toMatch(/revoked/);
      expect(await page.getByRole('button', { name: 'Revoke token nightly script' }).count()).toBe(0);
      const denied = await asToken();
      expect(denied.status).toBe(401);
      await screenshot(page, 'me-token-revoked');
      await context.close();
    },
  );
});
