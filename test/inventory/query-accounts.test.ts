import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore, RESOURCE_TYPES } from '../../src/core/inventory/index.js';
import { streamQuery } from '../../src/core/query/index.js';

/**
 * `streamQuery` with `accounts` (the team server's workspace inventories, docs/SERVER.md "Inventory"): the
 * statement runs only when no table of the file holds another account's row, checked in the snapshot the statement
 * reads; `forgetAccountsExcept` removes the others' rows, after which it runs.
 */
let dir: string;
let path: string;
const A = '111111111111';
const B = '222222222222';
const limits = { maxRows: 100, timeoutMs: 10_000 };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossbar-query-accounts-'));
  path = join(dir, 'inventory.db');
  const store = InventoryStore.open(path);
  const type = RESOURCE_TYPES.find((t) => t.name === 'iam_roles');
  if (!type) throw new Error('no iam_roles type');
  for (const [id, name] of [
    [A, 'a'],
    [B, 'b'],
  ] as const)
    store.replaceSlice(
      { type, accountId: id, accountName: name, stage: 'dev', region: 'global' },
      [
        {
          region: 'global',
          arn: `arn:aws:iam::${id}:role/r`,
          name: 'r',
          tags: '{}',
          raw: '{}',
          columns: type.columns.map(() => null),
        },
      ],
      '2026-12-01T00:00:00.000Z',
    );
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamQuery within accounts', () => {
  it('runs when the file holds only the allowed accounts (and without the option, as crossbar query)', async () => {
    const both = await streamQuery(path, 'SELECT account_id FROM main.iam_roles ORDER BY 1', {
      ...limits,
      accounts: [A, B],
    });
    expect(both.rows).toEqual([[A], [B]]);
    expect((await streamQuery(path, 'SELECT count(*) FROM resources', limits)).rows).toEqual([[2]]);
  });

  it('refuses with CONFLICT, running nothing, when another account is in the file; runs once it is removed', async () => {
    await expect(
      streamQuery(path, 'SELECT account_id FROM iam_roles', { ...limits, accounts: [A] }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(streamQuery(path, 'SELECT 1', { ...limits, accounts: [] })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const store = InventoryStore.open(path);
    try {
      expect(store.forgetAccountsExcept([A])).toBe(1);
    } finally {
      store.close();
    }
    const only = await streamQuery(path, 'SELECT DISTINCT account_id FROM main.sync_status', {
      ...limits,
      accounts: [A],
    });
    expect(only.rows).toEqual([[A]]);
  });
});
