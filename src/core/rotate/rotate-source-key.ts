import { parseArn } from '../arn.js';
import { writeFileAtomic } from '../credentials/atomic-file.js';
import type { Credentials } from '../credentials/credentials.js';
import { withFileLock } from '../credentials/file-lock.js';
import { getCallerIdentity, type CallerIdentity } from '../credentials/sts-calls.js';
import { awsErrorFacts } from '../credentials/sts-errors.js';
import { stsClientFor, type StsClientFactory } from '../credentials/sts-client.js';
import { CrossbarError } from '../errors.js';
import { replaceProfileKeys } from './credentials-file.js';
import { proveKey } from './prove-key.js';
import {
  checkBeforeChange,
  checkFileHolds,
  deleteCommand,
  denied,
  iamFailure,
  readText,
  realFile,
  sharedCredentialsFile,
  sourceProfile,
} from './rotation-checks.js';
import { createSelfKeys, isDenied, isLimitExceeded } from './self-keys.js';
import type { RotateOptions, RotateResult, RotateRoot, Rotation } from './types.js';

/** How long a rotation may hold the credentials file's lock: the proof's bound plus the IAM calls around it. */
const LOCK_STALE_MS = 180_000;

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
