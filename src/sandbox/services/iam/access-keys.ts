import { accessKeysOf, createAccessKey } from '../../world/iam-entities.js';
import { str, type HandlerContext } from '../../service.js';
import type { AccessKeyRecord } from '../../world/types.js';
import {
  iamOf,
  isoNow,
  limitExceeded,
  noSuchEntity,
  pageOut,
  paginate,
  recordWrite,
  required,
  userNameOrCaller,
  validationError,
  type IamOperation,
} from './common.js';
import { requireUser, selfUserResource } from './entities.js';

type Input = Record<string, unknown>;

const KEYS_PER_USER = 2;

function createAccessKeyOp(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const user = requireUser(account, userNameOrCaller(ctx, input));
  if (accessKeysOf(ctx.world, account.id, user.name).length >= KEYS_PER_USER)
    throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${KEYS_PER_USER}`);
  const key = createAccessKey(ctx.world, account, user.name, isoNow(ctx));
  // The trail gets the user name only: the secret is returned once, here, and never recorded.
  recordWrite(ctx, { UserName: user.name });
  return {
    AccessKey: {
      UserName: user.name,
      AccessKeyId: key.accessKeyId,
      Status: key.status,
      SecretAccessKey: key.secretAccessKey,
      CreateDate: new Date(key.createDate),
    },
  };
}

function listAccessKeys(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const user = requireUser(account, userNameOrCaller(ctx, input));
  const keys = accessKeysOf(ctx.world, account.id, user.name).map((k) => ({
    UserName: k.userName,
    AccessKeyId: k.accessKeyId,
    Status: k.status,
    CreateDate: new Date(k.createDate),
  }));
  return pageOut('AccessKeyMetadata', paginate(keys, input));
}

/** The key must belong to the user the call names (or the caller); otherwise IAM says it cannot be found. */
function ownedKey(ctx: HandlerContext, input: Input): AccessKeyRecord {
  const account = iamOf(ctx);
  const user = requireUser(account, userNameOrCaller(ctx, input));
  const id = required(input, 'AccessKeyId');
  const key = Object.hasOwn(ctx.world.accessKeys, id) ? ctx.world.accessKeys[id] : undefined;
  if (!key || key.accountId !== account.id || key.userName !== user.name)
    throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
  return key;
}

function updateAccessKey(ctx: HandlerContext, input: Input) {
  const status = str(input, 'Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw validationError(
      `1 validation error detected: Value '${status ?? 'null'}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
    );
  }
  const key = ownedKey(ctx, input);
  key.status = status;
  recordWrite(ctx, input);
  return {};
}

function deleteAccessKey(ctx: HandlerContext, input: Input) {
  const key = ownedKey(ctx, input);
  delete ctx.world.accessKeys[key.accessKeyId];
  recordWrite(ctx, input);
  return {};
}

/** Any key of the account; `N/A` for service and region when the key was never used, as IAM answers. */
function getAccessKeyLastUsed(ctx: HandlerContext, input: Input) {
  const id = required(input, 'AccessKeyId');
  const key = keyInAccount(ctx, id);
  if (!key) throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
  const last = key.lastUsed;
  return {
    UserName: key.userName,
    AccessKeyLastUsed: last
      ? { LastUsedDate: new Date(last.date), ServiceName: last.service, Region: last.region }
      : { ServiceName: 'N/A', Region: 'N/A' },
  };
}

function keyInAccount(ctx: HandlerContext, id: string): AccessKeyRecord | undefined {
  const key = Object.hasOwn(ctx.world.accessKeys, id) ? ctx.world.accessKeys[id] : undefined;
  return key?.accountId === ctx.caller.accountId ? key : undefined;
}

/** GetAccessKeyLastUsed is authorized on the key owner's user ARN. */
function keyOwnerResource(ctx: HandlerContext, input: Input): string {
  const key = keyInAccount(ctx, str(input, 'AccessKeyId') ?? '');
  const user = key ? ctx.world.accounts[key.accountId]?.iam.users[key.userName] : undefined;
  return user?.arn ?? '*';
}

export const accessKeyOperations: Record<string, IamOperation> = {
  CreateAccessKey: { run: createAccessKeyOp, resource: selfUserResource },
  ListAccessKeys: { run: listAccessKeys, resource: selfUserResource },
  UpdateAccessKey: { run: updateAccessKey, resource: selfUserResource },
  DeleteAccessKey: { run: deleteAccessKey, resource: selfUserResource },
  GetAccessKeyLastUsed: { run: getAccessKeyLastUsed, resource: keyOwnerResource },
};
