import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore } from '../../src/core/inventory/index.js';
import { runCli } from '../cli/run-cli.js';
import { CROSSBAR, REPO } from '../helpers/crossbar-bin.js';

/*
 * Issue 9 item 10: `crossbar query` has a brake. A recursive CTE that never ends stops at the row cap with a
 * message saying how to lift it, a query past --timeout stops (exit 1), Ctrl-C ends it within a second or two
 * (exit 130), and a query within the limits returns every row with no message.
 */
const FOREVER = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c';
/** Never returns a row: the whole of its work is inside one SQLite step. */
const FOREVER_SILENT = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c';

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'crossbar-query-'));
  InventoryStore.open(join(home, 'inventory.db')).close();
});

const query = (...argv: string[]) =>
  runCli(['query', ...argv, '-o', 'json'], { CROSSBAR_HOME: home, NO_COLOR: '1', PATH: process.env['PATH'] });

describe('crossbar query has a brake', () => {
  it(
    'a recursive CTE without end stops at the default row cap, saying how to lift it',
    { timeout: 30_000 },
    async () => {
      const out = await query(FOREVER);
      expect(out.code).toBe(0);
      const rows = JSON.parse(out.stdout) as { x: number }[];
      expect(rows).toHaveLength(10_000);
      expect(rows.at(-1)).toEqual({ x: 10_000 });
      expect(out.stderr).toContain(
        'stopped at 10000 rows (--max-rows 10000): there are more; pass --max-rows N to get up to N',
      );
    },
  );

  it('--max-rows sets the cap', async () => {
    const out = await query(FOREVER, '--max-rows', '25');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toHaveLength(25);
    expect(out.stderr).toContain('stopped at 25 rows (--max-rows 25)');
  });

  it('a query past --timeout stops, exit 1, even when SQLite never returns a row', { timeout: 30_000 }, async () => {
    const started = Date.now();
    const out = await query(FOREVER_SILENT, '--timeout', '1');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('stopped after 1s (--timeout 1) with 0 rows: pass --timeout SECONDS to allow longer');
  });

  it('bad limits are usage errors', async () => {
    const out = await query('SELECT 1', '--max-rows', '0');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--max-rows must be a whole number above 0 (got '0')");
  });

  it('denied twin: a query within the limits returns every row and no cap message', async () => {
    const exactly = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 10000) SELECT x FROM c';
    const out = await query(exactly);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toHaveLength(10_000);
    expect(out.stderr).not.toContain('stopped');
    const small = await query('SELECT 1 AS one, 2 AS two');
    expect(JSON.parse(small.stdout)).toEqual([{ one: 1, two: 2 }]);
    expect(small.stderr).toBe('');
  });

  it.runIf(process.platform === 'linux')(
    'SIGINT to a crossbar query process ends it with exit 130 within two seconds',
    { timeout: 60_000 },
    async () => {
      const [program = 'node', ...args] = CROSSBAR;
      const child = spawn(program, [...args, 'query', FOREVER_SILENT, '--timeout', '600'], {
        cwd: REPO,
        env: {
          PATH: process.env['PATH'],
          CROSSBAR_HOME: home,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Wait until the query runs: the crossbar process has started its query process.
      const children = `/proc/${child.pid}/task/${child.pid}/children`;
      const deadline = Date.now() + 40_000;
      while (!(existsSync(children) && readFileSync(children, 'utf8').trim() !== '')) {
        if (Date.now() > deadline) throw new Error('the query never started');
        await new Promise((r) => setTimeout(r, 50));
      }
      const queryPid = Number(readFileSync(children, 'utf8').trim().split(/\s+/)[0]);
      await new Promise((r) => setTimeout(r, 300));
      const sent = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(Date.now() - sent).toBeLessThan(2_000);
      // The query process is gone too: nothing left running at 100% CPU.
      await new Promise((r) => setTimeout(r, 200));
      expect(existsSync(`/proc/${queryPid}`) && !readFileSync(`/proc/${queryPid}/stat`, 'utf8').includes(') Z')).toBe(
        false,
      );
    },
  );
});
