import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { parseArn } from '../arn.js';
import { homeOf } from '../config-location.js';
import type { Crossbar } from '../crossbar.js';
import { errnoOf, writeFileAtomic } from '../credentials/atomic-file.js';
import type { Env } from '../credentials/source-provider.js';
import type { IamRegistrySource } from '../config/registry.js';
import type { MfaCodeProvider } from '../credentials/credential-engine.js';
import { withFileLock } from '../credentials/file-lock.js';
import { awsErrorFacts } from '../credentials/sts-errors.js';
import { getCallerIdentity, type CallerIdentity } from '../credentials/sts-calls.js';
import type { Credentials } from '../credentials/credentials.js';
import { stsClientFor, type StsClientFactory } from '../credentials/sts-client.js';
import { CrossbarError } from '../errors.js';
import { readProfileKeys, replaceProfileKeys } from './credentials-file.js';
import { proveKey } from './prove-key.js';
import { createSelfKeys, isDenied, isLimitExceeded, type AccessKeyInfo, type SelfKeys } from './self-keys.js';

/** What a rotation needs of the composition root. */
export type RotateRoot = Pick<Crossbar, 'endpoint' | 'engine'>;

export type RotateEvent =
  | { step: 'checked'; userArn: string; keyId: string; profile: string; file: string }
  | { step: 'created'; keyId: string }
  | { step: 'proved'; keyId: string; attempts: number }
  | { step: 'written'; file: string; profile: string }
  | { step: 'deleted'; keyId: string };

export interface RotateOptions {
  /** The environment the source is resolved from (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, HOME, AWS_ACCESS_KEY_ID). */
  env: Env;
  /** The source to rotate by name (`sources:`; `default` is the unnamed `source:`); absent: the default source. */
  source?: string | undefined;
  mfaCodeProvider?: MfaCodeProvider | undefined;
  /** Told after each step (tests inject their faults at these points). */
  onProgress?: ((event: RotateEvent) => void) | undefined;
  /** How long STS may take to accept the new key (IAM is eventually consistent); default 60 s. */
  proveWithinMs?: number | undefined;
  stsClientFactory?: StsClientFactory | undefined;
  now?: (() => number) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface RotateResult {
  /** The source's name (`default` for `source:`). */
  source: string;
  userArn: string;
  profile: string;
  file: string;
  oldKeyId: string;
  newKeyId: string;
}

const MANAGE_OWN_KEYS =
  'allow iam:ListAccessKeys, iam:CreateAccessKey and iam:DeleteAccessKey on the user itself (AWS\'s "manage your own access keys" policy)';

/** How long a rotation may hold the credentials file's lock: the proof's bound plus the IAM calls around it. */
const LOCK_STALE_MS = 180_000;

/** The shared credentials file the SDK reads for this environment. */
export function sharedCredentialsFile(env: Env): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] || join(homeOf(env), '.aws', 'credentials');
}

/** The profile the source's keys come from, following the SDK's precedence, or why there is none to write to. */
function sourceProfile(source: IamRegistrySource, env: Env): string {
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

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw err;
    return '';
  }
}

/**
 * `crossbar rotate`: replaces the source's IAM user access key as aws-vault does. Checks first (an IAM user's
 * long-term key, kept in the shared credentials file; ListAccessKeys, DeleteAccessKey allowed; fewer than two
 * keys), then under the file's lock: CreateAccessKey, prove the new key with GetCallerIdentity, write it over the
 * old one (that profile's two values only, atomically, 0600), delete the old key. Until the write, any failure
 * deletes the new key again: the old key keeps working and at most two keys ever exist. After the write, a failed
 * delete leaves the new key in place and says which old key to delete. No secret is printed or recorded.
 */
export async function rotateSourceKey(root: RotateRoot, options: RotateOptions): Promise<RotateResult> {
  const { env } = options;
  const { engine } = root;
  const name = options.source ?? engine.defaultSourceName;
  // An unknown name is UNKNOWN_SOURCE naming the sources there are.
  const source = engine.sourceConfig(name);
  if (source.kind === 'sso')
    throw new CrossbarError(
      'USAGE',
      `source ${name} signs in through IAM Identity Center (${source.sso.startUrl}): it has no access key to rotate`,
      { hint: `its sessions come from \`crossbar login ${name}\`; rotate replaces an IAM user's access key` },
    );
  const profile = sourceProfile(source, env);
  const provider = engine.sourceProvider(name);
  const credentials = await provider.provider();
  const identity = await engine.sourceIdentity(name);
  const arn = parseArn(identity.arn);
  if (arn.resourceType !== 'user')
    throw new CrossbarError(
      'USAGE',
      `source ${name} (${provider.label}) is ${identity.arn}, not an IAM user: only an IAM user's access keys can be rotated`,
      {
        hint: 'a role, SSO or federated session has no key to rotate; rotate the keys of the IAM user it comes from, where they are kept',
      },
    );
  const oldKeyId = credentials.accessKeyId;
  if (credentials.sessionToken !== undefined)
    throw new CrossbarError(
      'USAGE',
      `source ${name} (${provider.label}) holds temporary credentials (${oldKeyId} with a session token), not an access key`,
      { hint: "rotate the IAM user's long-term key where it is kept" },
    );
  const file = realFile(sharedCredentialsFile(env));
  checkFileHolds(readText(file), profile, oldKeyId, file);

  // AWS refuses IAM calls from a session without MFA, and a user's policies often require MFA for them.
  const caller =
    (await engine.sourceMfaSession(
      options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {},
      name,
    )) ?? credentials;
  const keys = createSelfKeys({
    userName: arn.resourceName,
    credentials: caller,
    region: source.region,
    endpoint: root.endpoint,
  });
  try {
    const ctx: Rotation = {
      root,
      options,
      keys,
      source: name,
      region: source.region,
      userArn: identity.arn,
      userName: arn.resourceName,
      profile,
      file,
      oldKeyId,
    };
    await checkBeforeChange(ctx);
    options.onProgress?.({ step: 'checked', userArn: identity.arn, keyId: oldKeyId, profile, file });
    return await withFileLock(`${file}.crossbar-lock`, () => rotateLocked(ctx), { staleMs: LOCK_STALE_MS });
  } finally {
    keys.destroy();
  }
}

interface Rotation {
  root: RotateRoot;
  /** The source's name and the region its STS and IAM calls sign for. */
  source: string;
  region: string;
  options: RotateOptions;
  keys: SelfKeys;
  userArn: string;
  userName: string;
  profile: string;
  file: string;
  oldKeyId: string;
}

/** Writes go to the file a symlink points at (a dotfiles repo), never over the link. */
function realFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function checkFileHolds(text: string, profile: string, keyId: string, file: string): void {
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

function denied(ctx: Rotation, action: string, err: unknown): CrossbarError {
  return new CrossbarError(
    'DENIED',
    `${ctx.userArn} may not ${action} on itself: refused before any change, the key ${ctx.oldKeyId} is as it was`,
    { hint: `${MANAGE_OWN_KEYS}, then run crossbar rotate again`, cause: err },
  );
}

function deleteCommand(ctx: Rotation, keyId: string): string {
  return `aws iam delete-access-key --user-name ${ctx.userName} --access-key-id ${keyId} --profile ${ctx.profile}`;
}

/** Everything that can be known before a change: the permissions to list and delete, and room for a second key. */
async function checkBeforeChange(ctx: Rotation): Promise<AccessKeyInfo[]> {
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

async function rotateLocked(ctx: Rotation): Promise<RotateResult> {
  const { options, file, profile, oldKeyId } = ctx;
  // Another rotation may have finished while this one waited for the lock.
  checkFileHolds(readText(file), profile, oldKeyId, file);
  let created: { accessKeyId: string; secretAccessKey: string };
  try {
    created = await ctx.keys.create();
  } catch (err) {
    if (isDenied(err)) throw denied(ctx, 'iam:CreateAccessKey', err);
    if (isLimitExceeded(err))
      throw new CrossbarError('CONFLICT', `${ctx.userName} got a second access key meanwhile (AWS's limit is two)`, {
        hint: `list them (aws iam list-access-keys --user-name ${ctx.userName}), delete the one nothing uses, then run crossbar rotate again`,
        cause: err,
      });
    throw iamFailure(err, 'CreateAccessKey');
  }
  const newKeyId = created.accessKeyId;
  options.onProgress?.({ step: 'created', keyId: newKeyId });
  try {
    const attempts = await proveKey({
      credentials: created,
      expectedArn: ctx.userArn,
      callerIdentity: (credentials) => callerIdentityWith(options.stsClientFactory ?? stsClientFor, credentials, ctx),
      withinMs: options.proveWithinMs ?? 60_000,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
    options.onProgress?.({ step: 'proved', keyId: newKeyId, attempts });
    writeFileAtomic(file, replaceProfileKeys(readText(file), profile, oldKeyId, created));
  } catch (err) {
    throw await undoCreate(ctx, newKeyId, err);
  }
  options.onProgress?.({ step: 'written', file, profile });
  try {
    await ctx.keys.delete(oldKeyId);
  } catch (err) {
    const { name, message } = awsErrorFacts(err);
    throw new CrossbarError(
      isDenied(err) ? 'DENIED' : 'ERROR',
      `rotated [${profile}] in ${file} to ${newKeyId}, which works, but deleting the old key ${oldKeyId} failed (${name}: ${message}): both keys are active`,
      { hint: `delete the old key: ${deleteCommand(ctx, oldKeyId)}`, cause: err },
    );
  }
  options.onProgress?.({ step: 'deleted', keyId: oldKeyId });
  return { source: ctx.source, userArn: ctx.userArn, profile, file, oldKeyId, newKeyId };
}

/**
 * A failure before the write: the new key is deleted again (tried three times), so that the old key, still in the
 * file, is the user's only key. Returns the error to throw, which says whether the new key is gone.
 */
async function undoCreate(ctx: Rotation, newKeyId: string, err: unknown): Promise<CrossbarError> {
  const why = err instanceof Error ? err.message : String(err);
  let lastDeleteError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await ctx.keys.delete(newKeyId);
      return new CrossbarError(
        err instanceof CrossbarError && err.code === 'CONFLICT' ? 'CONFLICT' : 'ERROR',
        `rotation of ${ctx.oldKeyId} stopped (${why}); the new key ${newKeyId} was deleted again, the old key and ${ctx.file} are unchanged`,
        { hint: err instanceof CrossbarError && err.hint ? err.hint : 'run crossbar rotate again', cause: err },
      );
    } catch (deleteError) {
      lastDeleteError = deleteError;
    }
  }
  const { name, message } = awsErrorFacts(lastDeleteError);
  return new CrossbarError(
    'ERROR',
    `rotation of ${ctx.oldKeyId} stopped (${why}) and deleting the new key ${newKeyId} failed too (${name}: ${message}); the old key and ${ctx.file} are unchanged`,
    { hint: `delete the unused new key: ${deleteCommand(ctx, newKeyId)}`, cause: err },
  );
}

/** One GetCallerIdentity with a client of its own, for a key no other client knows yet. */
async function callerIdentityWith(
  factory: StsClientFactory,
  credentials: Credentials,
  ctx: Rotation,
): Promise<CallerIdentity> {
  const sts = factory(credentials, {
    region: ctx.region,
    maxAttempts: 2,
    retryBudgetMs: 10_000,
    ...(ctx.root.endpoint ? { endpoint: ctx.root.endpoint } : {}),
  });
  try {
    return await getCallerIdentity(sts);
  } finally {
    sts.destroy();
  }
}

function iamFailure(err: unknown, what: string): CrossbarError {
  if (err instanceof CrossbarError) return err;
  const { name, message } = awsErrorFacts(err);
  return new CrossbarError('ERROR', `IAM ${what} failed: ${name}: ${message}`, {
    hint: 'nothing was changed; run crossbar rotate again',
    cause: err,
  });
}
