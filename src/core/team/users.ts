import { CrossbarError } from '../errors.js';
import type { TeamStore } from './open-team-db.js';
import { checkPasswordStrength, hashPassword } from './passwords.js';
import { isoAt, newId } from './team-ids.js';
import type { UsersTable } from './team-schema.js';

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  password: string;
  serverRole: 'owner' | 'member';
}

export type UserRow = UsersTable;

export const USERNAME_RE = /^[a-z][a-z0-9._-]{0,63}$/;

/** Creates a user (password hashed); a taken name is CONFLICT, a bad one INVALID. */
export async function createUser(store: TeamStore, user: NewUser, now: number): Promise<UserRow> {
  if (!USERNAME_RE.test(user.username))
    throw new CrossbarError('INVALID', `'${user.username}' is not a valid user name`, {
      hint: 'lower-case letters, digits, dot, dash and underscore, starting with a letter (it becomes the SourceIdentity in CloudTrail)',
    });
  checkPasswordStrength(user.password);
  const existing = await findUserByName(store, user.username);
  if (existing)
    throw new CrossbarError('CONFLICT', `the user ${user.username} already exists`, { hint: 'pick another name' });
  const row: UserRow = {
    id: newId(),
    username: user.username,
    display_name: user.displayName ?? user.username,
    password_hash: await hashPassword(user.password),
    server_role: user.serverRole,
    created_at: isoAt(now),
    disabled: 0,
    failed_logins: 0,
    locked_until: null,
    totp_secret_enc: null,
    totp_enrolled_at: null,
    totp_last_step: null,
  };
  await store.db.insertInto('users').values(row).execute();
  return row;
}

export function findUserByName(store: TeamStore, username: string): Promise<UserRow | undefined> {
  return store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export function findUserById(store: TeamStore, id: string): Promise<UserRow | undefined> {
  return store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function countUsers(store: TeamStore): Promise<number> {
  const row = await store.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What the API shows of a user: never the hash, never the TOTP secret. */
export function publicUser(user: UserRow): {
  id: string;
  username: string;
  display_name: string;
  server_role: string;
  totp_enrolled: boolean;
} {
  return {
    id: user.id,
    username: user.username,
    display_name: user.display_name,
    server_role: user.server_role,
    totp_enrolled: user.totp_enrolled_at !== null,
  };
}
