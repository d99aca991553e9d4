import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadConfigFile } from '../../src/core/config/index.js';
import { importWorkspaces } from '../../src/core/team/index.js';
import { listen, workspaceChangesOf, type Listening } from '../../src/server/index.js';
import { launchBrowser } from './browser.js';
import { PASSWORDS, setupOwner, signIn, startTeamWorld, type ApiClient, type TeamWorld } from './team-server.js';
import { startWorld, type World, type WorldOptions } from './world.js';

/**
 * The web UI's test world (issue 11): a real sandbox, a real `crossbar serve` app on a socket (127.0.0.1, free
 * port) with seed 000's hybrid setup imported from the sandbox's crossbar.yaml — `production` (alice alone) and
 * `platform` (every account but production, its shortcuts; bob viewer, carol operator) — and a headless chromium.
 * Nothing is mocked: the pages talk to the server's API, the server to the sandbox.
 */
export interface WebWorld {
  world: World;
  team: TeamWorld;
  url: string;
  browser: Browser;
  /** alice's API client (the server owner), for setting things up and checking the server's state. */
  owner: ApiClient;
  /** A new browser context (its own cookies), signed in as `username` through the sign-in page. */
  signedIn(
    username: string,
    viewport?: { width: number; height: number },
  ): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export const MEMBERS = { bob: 'viewer', carol: 'operator' } as const;

export async function startWebWorld(options: { world?: WorldOptions; setup?: boolean } = {}): Promise<WebWorld> {
  const world = await startWorld(options.world ?? {});
  let team: TeamWorld | undefined;
  let server: Listening | undefined;
  let browser: Browser | undefined;
  try {
    // The server's source answers its MFA device (the sandbox's alice) for admin roles' AssumeRole, as `crossbar
    // serve` does with its configured MFA code provider.
    const theWorld = world;
    team = await startTeamWorld({
      crossbar: world.crossbar(),
      extend: (deps) => ({ ...deps, sourceMfaCode: () => Promise.resolve(theWorld.mfaCode()) }),
    });
    // The pages run on the real clock (the browser's session cookie expires against it).
    team.clock.now = Date.now();
    const clockTick = setInterval(() => team && (team.clock.now = Date.now()), 100);
    clockTick.unref();
    server = await listen(team.app, { port: 0 });
    team.deps.publicUrl = server.url;
    let owner: ApiClient | undefined;
    if (options.setup !== false) {
      owner = await setupOwner(team, 'alice');
      for (const name of Object.keys(MEMBERS)) await signIn(team, name, owner);
      const config = loadConfigFile(world.paths.crossbarYaml);
      await importWorkspaces(team.store, world.registry(), config, { now: () => team?.clock.now ?? Date.now() });
      for (const [name, role] of Object.entries(MEMBERS)) {
        const added = await owner.put(`/api/workspaces/platform/members/${name}`, { role });
        if (added.status >= 400) throw new Error(`member ${name}: ${added.status} ${JSON.stringify(added.body)}`);
      }
    }
    browser = await launchBrowser();
    const url = server.url;
    const theBrowser = browser;
    const theTeam = team;
    const listening = server;
    return {
      world,
      team,
      url,
      browser,
      owner: owner ?? team.anonymous(),
      async signedIn(username, viewport = { width: 1280, height: 800 }) {
        const context = await theBrowser.newContext({ viewport, baseURL: url });
        const page = await context.newPage();
        await page.goto('/');
        await page.getByLabel('Username').fill(username);
        await page.getByLabel('Password').fill(PASSWORDS[username] ?? `${username}-correct-horse-x`);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('navigation', { name: 'Workspace pages' }).waitFor();
        return { context, page };
      },
      async close() {
        clearInterval(clockTick);
        await theBrowser.close().catch(() => undefined);
        workspaceChangesOf(theTeam.deps).endAll();
        await listening.close(1000);
        await theTeam.close();
        await world.stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server?.close(500).catch(() => undefined);
    await team?.close().catch(() => undefined);
    await world.stop();
    throw err;
  }
}
