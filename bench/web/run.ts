/**
 * bench/web: the web UI's first page (issue 11), as a member's browser gets it from `crossbar serve`.
 * - The JavaScript the Accounts page loads (every script the page fetched, sign-in page included, measured from
 *   dist/web with zlib's gzip), beside the whole bundle's: the other pages are lazy chunks, not in the first page.
 * - The time to an interactive accounts grid in headless chromium: from navigation start (a fresh browser context, a
 *   cold HTTP cache, an existing session) to the grid's first rows on screen with their buttons (the page's
 *   `crossbar:accounts-grid-ready` performance mark, checked by clicking a row's button in trial mode), with a
 *   workspace of 1,000 accounts (sandbox `--org generated:N`) and, in the same run, of 10 accounts (the baseline).
 *   Several runs each, the median (and min / max); the workspace detail's own fetch time beside it.
 * Targets: < 300 KB of JavaScript gzip for the first page; < 1 s to an interactive grid with 1,000 accounts.
 *
 * Run: npm run bench:web [-- --accounts 1000] [-- --runs 7]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { numberFlag, table } from '../lib/load.js';
import { startWebWorld } from '../../test/helpers/web-world.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ASSETS = join(REPO, 'dist/web/assets');
const ACCOUNTS = numberFlag('accounts', 1000);
const RUNS = numberFlag('runs', 7);
const BASELINE = 10;
const READY_MARK = 'crossbar:accounts-grid-ready';
const JS_TARGET_KB = 300;
const READY_TARGET_MS = 1000;

function build(): void {
  process.stderr.write('building dist/web (vite build)…\n');
  const built = spawnSync('npx', ['vite', 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (built.status !== 0) throw new Error('vite build failed');
}

const gzipKb = (file: string): number => gzipSync(readFileSync(join(ASSETS, file))).length / 1024;
const rawKb = (file: string): number => readFileSync(join(ASSETS, file)).length / 1024;

interface Sample {
  readyMs: number;
  detailMs: number;
  rowsInDom: number;
  scripts: string[];
}

/** One cold load of the Accounts page in a fresh context carrying the signed-in session. */
async function loadOnce(
  browser: Browser,
  state: Awaited<ReturnType<BrowserContext['storageState']>>,
  url: string,
  workspace: string,
): Promise<Sample> {
  const context = await browser.newContext({
    baseURL: url,
    viewport: { width: 1280, height: 800 },
    storageState: state,
  });
  try {
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/assets/') && path.endsWith('.js')) scripts.add(path.slice('/assets/'.length));
    });
    await page.goto(`/w/${workspace}/accounts`);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, READY_MARK, {
      timeout: 30_000,
      polling: 50,
    });
    // Interactive: the first row's first button takes a click (trial: checked, not clicked).
    await page.locator('[role=row][data-index="0"] button').first().click({ trial: true, timeout: 10_000 });
    const timing = await page.evaluate(
      ({ mark, ws }) => {
        const ready = performance.getEntriesByName(mark)[0]?.startTime ?? NaN;
        const detail = performance
          .getEntriesByType('resource')
          .find((e) => e.name.endsWith(`/api/workspaces/${ws}`)) as PerformanceResourceTiming | undefined;
        return {
          ready,
          detail: detail ? detail.responseEnd - detail.startTime : NaN,
          rows: document.querySelectorAll('[role=row][data-index]').length,
          total: Number(document.querySelector('[role=table][data-total]')?.getAttribute('data-total')),
        };
      },
      { mark: READY_MARK, ws: workspace },
    );
    if (timing.total !== (workspace === 'ten' ? BASELINE : ACCOUNTS))
      throw new Error(`the ${workspace} grid has ${timing.total} accounts`);
    return { readyMs: timing.ready, detailMs: timing.detail, rowsInDom: timing.rows, scripts: [...scripts] };
  } finally {
    await context.close();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const ms = (x: number): string => `${Math.round(x)} ms`;
const kb = (x: number): string => `${x.toFixed(1)} KB`;

async function main(): Promise<void> {
  build();
  process.stderr.write(`starting a sandbox of ${ACCOUNTS} accounts and crossbar serve…\n`);
  const web = await startWebWorld({ world: { org: `generated:${ACCOUNTS}` } });
  try {
    const names = web.world.registry().accounts.map((a) => a.name);
    for (const [name, accounts] of [
      ['fleet', ['all']],
      ['ten', names.slice(0, BASELINE)],
    ] as const) {
      const created = await web.owner.post('/api/workspaces', { name, accounts });
      if (created.status !== 201)
        throw new Error(`workspace ${name}: ${created.status} ${JSON.stringify(created.body)}`);
    }
    const { context } = await web.signedIn('alice');
    const state = await context.storageState();
    await context.close();

    const rows: (string | number)[][] = [];
    let firstPageScripts: string[] = [];
    const results: Record<string, Sample[]> = { ten: [], fleet: [] };
    for (let run = 0; run < RUNS; run += 1) {
      // Alternate, so that the machine's load falls on both alike.
      for (const workspace of ['ten', 'fleet'] as const) {
        const sample = await loadOnce(web.browser, state, web.url, workspace);
        results[workspace]?.push(sample);
        if (workspace === 'fleet' && run === 0) firstPageScripts = sample.scripts;
        process.stderr.write(`  ${workspace} run ${run + 1}: ${ms(sample.readyMs)}\n`);
      }
    }
    for (const [workspace, count] of [
      ['ten', BASELINE],
      ['fleet', ACCOUNTS],
    ] as const) {
      const samples = results[workspace] ?? [];
      const ready = samples.map((s) => s.readyMs);
      rows.push([
        `${count} accounts${workspace === 'ten' ? ' (baseline)' : ''}`,
        ms(median(ready)),
        `${ms(Math.min(...ready))} / ${ms(Math.max(...ready))}`,
        ms(median(samples.map((s) => s.detailMs))),
        Math.max(...samples.map((s) => s.rowsInDom)),
        workspace === 'fleet' ? (median(ready) < READY_TARGET_MS ? 'yes' : 'NO') : '—',
      ]);
    }

    const allJs = readdirSync(ASSETS).filter((f) => f.endsWith('.js'));
    const first = firstPageScripts.filter((f) => allJs.includes(f));
    const firstGzip = first.reduce((n, f) => n + gzipKb(f), 0);
    const sizeRows: (string | number)[][] = [
      [
        `first page (Accounts): ${first.join(', ')}`,
        kb(first.reduce((n, f) => n + rawKb(f), 0)),
        kb(firstGzip),
        firstGzip < JS_TARGET_KB ? 'yes' : 'NO',
      ],
      [
        `whole bundle (${allJs.length} files, lazy pages included)`,
        kb(allJs.reduce((n, f) => n + rawKb(f), 0)),
        kb(allJs.reduce((n, f) => n + gzipKb(f), 0)),
        '—',
      ],
    ];

    console.log(`\nbench/web — JavaScript (dist/web, gzip by zlib; target < ${JS_TARGET_KB} KB for the first page)\n`);
    console.log(table(['what', 'raw', 'gzip', 'target met'], sizeRows));
    console.log(
      `\nbench/web — navigation start to interactive accounts grid, headless chromium, cold cache, ${RUNS} runs ` +
        `(target < ${READY_TARGET_MS} ms with ${ACCOUNTS} accounts)\n`,
    );
    console.log(
      table(['workspace', 'median', 'min / max', 'GET /api/workspaces/:ws', 'rows in DOM', 'target met'], rows),
    );
  } finally {
    await web.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
