import { ApiError } from '../../api-error.js';
import { totpFor, verifyTotp } from '../../totp.js';
import { createVirtualMfaDevice, enableMfaDevice } from '../../world/iam-entities.js';
import { str, type HandlerContext } from '../../service.js';
import type { MfaDevice, SandboxAccount } from '../../world/types.js';
import {
  alreadyExists,
  deleteConflict,
  iamOf,
  isoNow,
  nameOf,
  noSuchEntity,
  pageOut,
  paginate,
  pathOf,
  recordWrite,
  required,
  userNameOrCaller,
  validationError,
  type IamOperation,
} from './common.js';
import { requireUser, selfUserResource, userOut, userResource } from './entities.js';

type Input = Record<string, unknown>;

const STEP_MS = 30_000;

function device(account: SandboxAccount, serial: string): MfaDevice | undefined {
  return Object.hasOwn(account.iam.mfaDevices, serial) ? account.iam.mfaDevices[serial] : undefined;
}

function requireDevice(account: SandboxAccount, serial: string): MfaDevice {
  const found = device(account, serial);
  if (!found) throw noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
  return found;
}

function createVirtualMfaDeviceOp(ctx: HandlerContext, input: Input) {
  const name = nameOf(input, 'VirtualMFADeviceName', 226);
  const path = pathOf(input);
  const account = iamOf(ctx);
  const serial = `arn:aws:iam::${account.id}:mfa${path}${name}`;
  if (device(account, serial)) throw alreadyExists('MFADevice entity at the same path and name already exists.');
  const created = createVirtualMfaDevice(ctx.world, account, name, path);
  recordWrite(ctx, { VirtualMFADeviceName: name, Path: path });
  // AWS sends the seed as base64 of the base32 text; the wire layer base64-encodes this blob's UTF-8 bytes.
  return { VirtualMFADevice: { SerialNumber: created.serialNumber, Base32StringSeed: created.secret } };
}

/**
 * Two consecutive codes, as IAM demands: the first from the previous 30-second step and the second from the
 * current one. One step of clock drift either way is tolerated, as AWS does for sign-in.
 */
function codesAreConsecutive(secret: string, code1: string, code2: string, nowMs: number): boolean {
  if (code1 === code2 || !verifyTotp(secret, code1, nowMs - STEP_MS) || !verifyTotp(secret, code2, nowMs)) return false;
  return [0, -1, 1].some((drift) => {
    const at = nowMs + drift * STEP_MS;
    return totpFor(secret, at - STEP_MS) === code1 && totpFor(secret, at) === code2;
  });
}

function enableMfaDeviceOp(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const user = requireUser(account, nameOf(input, 'UserName', 128));
  const serial = required(input, 'SerialNumber');
  const code1 = required(input, 'AuthenticationCode1');
  const code2 = required(input, 'AuthenticationCode2');
  const found = requireDevice(account, serial);
  if (found.userName !== undefined) throw alreadyExists('MFA Device is already in use.');
  if (!codesAreConsecutive(found.secret, code1, code2, ctx.now())) {
    throw new ApiError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', 403);
  }
  enableMfaDevice(account, serial, user.name, isoNow(ctx));
  recordWrite(ctx, { UserName: user.name, SerialNumber: serial }, [{ type: 'AWS::IAM::User', name: user.arn }]);
  return {};
}

function deactivateMfaDevice(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const user = requireUser(account, userNameOrCaller(ctx, input));
  const serial = required(input, 'SerialNumber');
  const found = device(account, serial);
  if (!found || found.userName !== user.name)
    throw noSuchEntity(`MFA Device with serial number ${serial} does not exist.`);
  delete found.userName;
  delete found.enableDate;
  recordWrite(ctx, { UserName: user.name, SerialNumber: serial });
  return {};
}

function deleteVirtualMfaDevice(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const serial = required(input, 'SerialNumber');
  const found = requireDevice(account, serial);
  if (found.userName !== undefined) throw deleteConflict('MFA Device is still in use.');
  delete account.iam.mfaDevices[serial];
  recordWrite(ctx, { SerialNumber: serial });
  return {};
}

function listMfaDevices(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const user = requireUser(account, userNameOrCaller(ctx, input));
  const devices = Object.values(account.iam.mfaDevices)
    .filter((d) => d.userName === user.name)
    .map((d) => ({
      UserName: user.name,
      SerialNumber: d.serialNumber,
      EnableDate: new Date(d.enableDate ?? user.createDate),
    }));
  return pageOut('MFADevices', paginate(devices, input));
}

function listVirtualMfaDevices(ctx: HandlerContext, input: Input) {
  const account = iamOf(ctx);
  const status = str(input, 'AssignmentStatus') ?? 'Any';
  if (status !== 'Any' && status !== 'Assigned' && status !== 'Unassigned') {
    throw validationError(
      `1 validation error detected: Value '${status}' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]`,
    );
  }
  const devices = Object.values(account.iam.mfaDevices)
    .filter((d) => status === 'Any' || (status === 'Assigned') === (d.userName !== undefined))
    .map((d) => {
      const user = d.userName === undefined ? undefined : account.iam.users[d.userName];
      return {
        SerialNumber: d.serialNumber,
        ...(user ? { User: userOut(user) } : {}),
        ...(d.enableDate ? { EnableDate: new Date(d.enableDate) } : {}),
      };
    });
  return pageOut('VirtualMFADevices', paginate(devices, input));
}

const serialResource = (_ctx: HandlerContext, input: Input) => str(input, 'SerialNumber') ?? '*';
const newDeviceResource = (ctx: HandlerContext, input: Input) =>
  `arn:aws:iam::${ctx.caller.accountId}:mfa${str(input, 'Path') ?? '/'}${str(input, 'VirtualMFADeviceName') ?? ''}`;

export const mfaOperations: Record<string, IamOperation> = {
  CreateVirtualMFADevice: { run: createVirtualMfaDeviceOp, resource: newDeviceResource },
  EnableMFADevice: { run: enableMfaDeviceOp, resource: userResource },
  DeactivateMFADevice: { run: deactivateMfaDevice, resource: selfUserResource },
  DeleteVirtualMFADevice: { run: deleteVirtualMfaDevice, resource: serialResource },
  ListMFADevices: { run: listMfaDevices, resource: selfUserResource },
  ListVirtualMFADevices: listVirtualMfaDevices,
};
