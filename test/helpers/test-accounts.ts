import { buildRegistry } from '../../src/core/config/registry.js';
import { configSchema } from '../../src/core/config/schema.js';
import type { FanoutAccount } from '../../src/core/fanout/types.js';

/** Registry accounts for the engine's unit tests: `names` as dev accounts with ids 1000…, default role ReadOnly. */
export function testAccounts(names: readonly string[], regions: readonly string[] = ['us-east-1']): FanoutAccount[] {
  const config = configSchema.parse({
    defaults: { role: 'ReadOnly', regions: [...regions] },
    accounts: names.map((name, i) => ({ id: String(100000000000 + i), name, stage: i % 2 === 0 ? 'dev' : 'prod' })),
  });
  return buildRegistry(config).accounts.map((account) => ({ account, role: account.defaultRole }));
}
