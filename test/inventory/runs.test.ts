import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSyncRuns, type SyncRunRow } from '../../src/core/inventory/index.js';
import { CROSSBAR, REPO } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';

/*
 * Issue 9 item 4: every `inventory sync` is recorded in the database (sync_runs) when it starts and when it ends,
 * so that one killed halfway (SIGKILL, the OOM killer) is seen as killed by `crossbar inventory status`, and
 * its twin: a clean run shows finished.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

const SYNC = ['inventory', 'sync', 'development,staging', '--types', 'lambda_functions,s3_buckets'];

/** `crossbar inventory sync` as its own process (so that it can be killed), talking to the in-process sandbox. */
function spawnSync(home: string): { child: ChildProcess; exited: Promise<number | null> } {
  const env = Object.fromEntries(Object.entries(w.env({ CROSSBAR_HOME: home })).filter(([, v]) => v !== undefined));
  const [program = 'node', ...args] = CROSSBAR;
  const child = spawn(program, [...args, ...SYNC], { env, cwd: REPO, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const seen = probe();
    if (seen !== undefined) return seen;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function latestRun(home: string): SyncRunRow | undefined {
  const db = join(home, 'inventory.db');
  return existsSync(db) ? readSyncRuns(db)[0] : undefined;
}

interface RunJson {
  id: number;
  state: string;
  pid: number;
  slices: number | null;
}

async function status(home: string, ...extra: string[]) {
  return w.cli(['inventory', 'status', ...extra], { CROSSBAR_HOME: home });
}

describe('inventory sync runs on record', () => {
  it('a clean run shows finished', async () => {
    const home = join(w.dir, 'clean-home');
    expect((await w.cli([...SYNC, '--regions', 'us-east-1'], { CROSSBAR_HOME: home })).code).toBe(0);
    const out = await status(home);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/last sync: finished, started \d+s ago, 4 slices \(0 failed\)/);
    const runs = await status(home, '--runs', '-o', 'json');
    expect(runs.code).toBe(0);
    const [run, ...older] = JSON.parse(runs.stdout) as RunJson[];
    expect(older).toEqual([]);
    expect(run).toMatchObject({ state: 'finished', slices: 4 });
  });

  it(
    'a sync killed with SIGKILL mid-run shows killed, and the next clean run finished',
    { timeout: 90_000 },
    async () => {
      const home = join(w.dir, 'killed-home');
      // Slow enough to be caught in the middle: every Lambda call takes 3 s.
      w.sb.faults.set({ rules: [{ service: 'lambda', latencyMs: 3_000 }] });
      try {
        const { child, exited } = spawnSync(home);
        const running = await until('the run on record', () => {
          const run = latestRun(home);
          return run?.pid === child.pid ? run : undefined;
        });
        expect(running.state).toBe('running');
        const during = await status(home);
        expect(during.stderr).toContain(`a sync is running: started`);
        child.kill('SIGKILL');
        await exited;
      } finally {
        w.sb.faults.set({});
      }
      const out = await status(home);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/last sync: killed, started \d+s ago \(pid \d+ on .+\) and never finished/);
      const runs = JSON.parse((await status(home, '--runs', '-o', 'json')).stdout) as RunJson[];
      expect(runs.map((r) => r.state)).toEqual(['killed']);

      expect((await w.cli([...SYNC, '--regions', 'us-east-1'], { CROSSBAR_HOME: home })).code).toBe(0);
      const after = await status(home, '--runs', '-o', 'json');
      expect(after.code).toBe(0);
      expect((JSON.parse(after.stdout) as RunJson[]).map((r) => r.state)).toEqual(['finished', 'killed']);
    },
  );

  it('a sync stopped with SIGTERM shows interrupted, not killed', { timeout: 90_000 }, async () => {
    const home = join(w.dir, 'term-home');
    w.sb.faults.set({ rules: [{ service: 'lambda', latencyMs: 3_000 }] });
    let code: number | null;
    try {
      const { child, exited } = spawnSync(home);
      await until('the run on record', () => (latestRun(home)?.pid === child.pid ? true : undefined));
      child.kill('SIGTERM');
      code = await exited;
    } finally {
      w.sb.faults.set({});
    }
    expect(code).toBe(130);
    const out = await status(home);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('last sync: interrupted');
    expect(latestRun(home)?.state).toBe('interrupted');
  });
});
