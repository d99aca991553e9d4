import { countUsers, hashToken, newToken, type TeamStore } from '../../core/team/index.js';

const KEY = 'setup_token_hash';

/**
 * The first start of a server with no users makes a one-time setup token (its hash is stored; the token is
 * printed once by `crossbar serve`): whoever has it creates the owner. Each start before setup makes a new one,
 * so a token from an old log is worthless. Undefined once a user exists.
 */
export async function issueSetupToken(store: TeamStore): Promise<string | undefined> {
  if ((await countUsers(store)) > 0) return undefined;
  const token = newToken('xbsetup_');
  await store.db.deleteFrom('settings').where('key', '=', KEY).execute();
  await store.db
    .insertInto('settings')
    .values({ key: KEY, value: hashToken(token) })
    .execute();
  return token;
}

export async function setupTokenMatches(store: TeamStore, token: string): Promise<boolean> {
  const row = await store.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  return row !== undefined && row.value === hashToken(token);
}

export async function consumeSetupToken(store: TeamStore): Promise<void> {
  await store.db.deleteFrom('settings').where('key', '=', KEY).execute();
}
