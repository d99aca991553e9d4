import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { homeOf } from '../config-location.js';
import type { IamRegistrySource } from '../config/registry.js';
import { errnoOf } from '../credentials/atomic-file.js';
import type { Env } from '../credentials/source-provider.js';
import { awsErrorFacts } from '../credentials/sts-errors.js';
import { CrossbarError } from '../errors.js';
import { readProfileKeys } from './credentials-file.js';
import { isDenied, type AccessKeyInfo } from './self-keys.js';
import type { Rotation } from './types.js';

/*
 * What `crossbar rotate` checks before it changes anything, and the errors its steps share.
 */

/** The permissions a rotation needs, as a person would ask an administrator for them. */
const MANAGE_OWN_KEYS =
  'allow iam:ListAccessKeys, iam:CreateAccessKey and iam:DeleteAccessKey on the user itself (AWS\'s "manage your own access keys" policy)';

/** The shared credentials file the SDK reads for this environment. */
export function sharedCredentialsFile(env: Env): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] || join(homeOf(env), '.aws', 'credentials');
}

/** The profile the source's keys come from, following the SDK's precedence, or why there is none to write to. */
export function sourceProfile(source: IamRegistrySource, env: Env): string {
  const profile = source.profile ?? env['AWS_PROFILE'];
  if (profile) return profile;
  if (env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY'])
    throw new CrossbarError(
      'USAGE',
      `source ${source.name} is AWS_ACCESS_KEY_ID from the environment, and a rotated key cannot be written back there`,
      {
        hint: 'put the keys in a profile of the shared credentials file (aws configure --profile NAME) and set source.profile in crossbar.yaml, or rotate them where they are kept',
      },
    );
  return env['AWS_DEFAULT_PROFILE'] || 'default';
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    return '';
  }
}

/** Writes go to the file a symlink points at (a dotfiles repo), never over the link. */
export function realFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

export function checkFileHolds(text: string, profile: string, keyId: string, file: string): void {
  const held = readProfileKeys(text, profile);
  if (held?.accessKeyId === keyId && !held.hasSessionToken) return;
  throw new CrossbarError(
    'USAGE',
    held
      ? `[${profile}] in ${file} holds ${held.accessKeyId}${held.hasSessionToken ? ' with a session token' : ''}, not the source's key ${keyId}`
      : `the source's key ${keyId} (profile ${profile}) is not in ${file}, and rotate writes the new key only there`,
    {
      hint: held
        ? 'the credentials file changed since crossbar read it: run crossbar rotate again'
        : "keep the profile's aws_access_key_id and aws_secret_access_key in the shared credentials file (not ~/.aws/config, a credential_process or a keyring), or rotate them where they are kept",
    },
  );
}

export function denied(ctx: Rotation, action: string, err: unknown): CrossbarError {
  return new CrossbarError(
    'DENIED',
    `${ctx.userArn} may not ${action} on itself: refused before any change, the key ${ctx.oldKeyId} is as it was`,
    { hint: `${MANAGE_OWN_KEYS}, then run crossbar rotate again`, cause: err },
  );
}

export function deleteCommand(ctx: Rotation, keyId: string): string {
  return `aws iam delete-access-key --user-name ${ctx.userName} --access-key-id ${keyId} --profile ${ctx.profile}`;
}

/** Everything that can be known before a change: the permissions to list and delete, and room for a second key. */
export async function checkBeforeChange(ctx: Rotation): Promise<AccessKeyInfo[]> {
  let existing: AccessKeyInfo[];
  try {
    existing = await ctx.keys.list();
  } catch (err) {
    if (isDenied(err)) throw denied(ctx, 'iam:ListAccessKeys', err);
    throw iamFailure(err, 'ListAccessKeys');
  }
  const others = existing.filter((k) => k.accessKeyId !== ctx.oldKeyId);
  const [other] = others;
  if (other) {
    const created = other.createDate ? `, created ${other.createDate.toISOString().slice(0, 10)}` : '';
    throw new CrossbarError(
      'CONFLICT',
      `${ctx.userName} already has two access keys (AWS's limit): ${ctx.oldKeyId}, the source's, and ${other.accessKeyId} (${other.status}${created})`,
      {
        hint: `if nothing uses ${other.accessKeyId}, delete it (${deleteCommand(ctx, other.accessKeyId)}), then run crossbar rotate again`,
      },
    );
  }
  let mayDelete: boolean;
  try {
    mayDelete = await ctx.keys.mayDelete();
  } catch (err) {
    throw iamFailure(err, 'DeleteAccessKey (asked of a key that does not exist, to check the permission)');
  }
  if (!mayDelete) throw denied(ctx, 'iam:DeleteAccessKey', undefined);
  return existing;
}

export function iamFailure(err: unknown, what: string): CrossbarError {
  if (err instanceof CrossbarError) return err;
  const { name, message } = awsErrorFacts(err);
  return new CrossbarError('ERROR', `IAM ${what} failed: ${name}: ${message}`, {
    hint: 'nothing was changed; run crossbar rotate again',
    cause: err,
  });
}
