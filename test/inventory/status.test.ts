import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT, STAGING } from '../helpers/sandbox-clients.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar inventory status` after a real sync against the sandbox: the slices of sync_status with their age,
 * the failed one with its code; and its denied twins (no inventory yet, a selector that matches nothing).
 */
let w: World;
let home: string;

interface StatusRecord {
  account: string;
  name: string;
  region: string;
  type: string;
  status: string;
  age: string;
  items: number;
  code: string | null;
  message: string | null;
}

beforeAll(async () => {
  w = await startWorld();
  home = join(w.dir, 'status-home');
  // Lambda fails in development: one failed slice (us-east-1 only), the others ok.
  w.sb.faults.set({ rules: [{ account: DEVELOPMENT, service: 'lambda', errorRate: 1 }] });
  try {
    const sync = await w.cli(
      ['inventory', 'sync', 'development,staging', '--types', 'lambda_functions,s3_buckets', '--regions', 'us-east-1'],
      { CROSSBAR_HOME: home },
    );
    expect(sync.code).toBe(1);
  } finally {
    w.sb.faults.set({});
  }
});
afterAll(() => w.stop());

describe('crossbar inventory status', () => {
  it('lists every slice with its age, the failed one with its code and message, and exits 1', async () => {
    const out = await w.cli(['inventory', 'status', '-o', 'json'], { CROSSBAR_HOME: home });
    expect(out.code).toBe(1);
    const records = JSON.parse(out.stdout) as StatusRecord[];
    expect(records.map((r) => `${r.name}/${r.region}/${r.type}/${r.status}`)).toEqual([
      'development/global/s3_buckets/ok',
      'development/us-east-1/lambda_functions/failed',
      'staging/global/s3_buckets/ok',
      'staging/us-east-1/lambda_functions/ok',
    ]);
    for (const r of records) expect(r.age).toMatch(/^\d+s$/);
    const failed = records.find((r) => r.status === 'failed');
    expect(failed).toMatchObject({ account: DEVELOPMENT, code: 'ERROR', items: 0 });
    expect(failed?.message).toBeTruthy();
    expect(out.stderr).toMatch(/✗ 3 slices ok, 1 failed \(ERROR ×1\) in 2 accounts, oldest \d+s\n$/);
  });

  it('the table shows the status and age; csv and ndjson carry one record per slice', async () => {
    const table = await w.cli(['inventory', 'status', '-o', 'table'], { CROSSBAR_HOME: home });
    expect(table.stdout).toMatch(/NAME\s+REGION\s+TYPE\s+STATUS\s+AGE\s+ITEMS\s+MESSAGE/);
    expect(table.stdout).toMatch(/development\s+us-east-1\s+lambda_functions\s+✗ ERROR\s+\d+s\s+0/);
    expect(table.stdout).toMatch(/staging\s+global\s+s3_buckets\s+✓ ok\s+\d+s/);
    const csv = await w.cli(['inventory', 'status', '-o', 'csv'], { CROSSBAR_HOME: home });
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('account,name,stage,region,type,status,age,items,code,message,awsCode,syncedAt,lastOkAt');
    expect(lines).toHaveLength(5);
    const ndjson = await w.cli(['inventory', 'status', '-o', 'ndjson'], { CROSSBAR_HOME: home });
    expect(
      ndjson.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as StatusRecord).status),
    ).toEqual(['ok', 'failed', 'ok', 'ok']);
  });

  it('honours the selector: the accounts with only ok slices exit 0', async () => {
    const out = await w.cli(['inventory', 'status', 'staging', '-o', 'json'], { CROSSBAR_HOME: home });
    expect(out.code).toBe(0);
    const records = JSON.parse(out.stdout) as StatusRecord[];
    expect(records.map((r) => r.account)).toEqual([STAGING, STAGING]);
    expect(out.stderr).toMatch(/✓ 2 slices ok, 0 failed in 1 account/);
  });

  it('denied twins: no inventory yet, and a selector that matches nothing, are usage errors', async () => {
    const none = await w.cli(['inventory', 'status'], { CROSSBAR_HOME: join(w.dir, 'no-inventory-here') });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no inventory at');
    expect(none.stderr).toContain('run crossbar inventory sync first');
    const unknown = await w.cli(['inventory', 'status', 'nosuchaccount'], { CROSSBAR_HOME: home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("No account matches 'nosuchaccount'");
  });
});
