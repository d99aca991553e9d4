import { appendFileSync } from 'node:fs';
import { trustDocument, allowDocument } from '../../src/sandbox/world/build-org.js';
import {
  createAccessKey,
  createRole,
  createUser,
  createVirtualMfaDevice,
  enableMfaDevice,
} from '../../src/sandbox/world/iam-entities.js';
import type { Sandbox } from '../../src/sandbox/server.js';

/**
 * A second person with their own keys and MFA device in another account of the sandbox (seed 002's consultant: a
 * client's IAM user beside one's own), and the roles only they may assume: `ClientAdmin` (with MFA) and
 * `ClientReader` (without) in `roleAccountId`. Their keys go into the world's credentials file as a profile.
 */
export interface SecondIdentity {
  userArn: string;
  mfaSerial: string;
  profile: string;
  mfaCode(): string;
}

export function addSecondIdentity(
  sb: Sandbox,
  credentialsFile: string,
  options: { accountId: string; roleAccountId: string; userName: string },
): SecondIdentity {
  const { world } = sb;
  const home = world.accounts[options.accountId];
  const target = world.accounts[options.roleAccountId];
  if (!home || !target) throw new Error('unknown sandbox account');
  const created = new Date(sb.now() - 86_400_000).toISOString();
  const user = createUser(world, home, options.userName, { createDate: created });
  const device = createVirtualMfaDevice(world, home, options.userName);
  enableMfaDevice(home, device.serialNumber, options.userName, created);
  const key = createAccessKey(world, home, options.userName, created);
  user.inlinePolicies['assume-client-roles'] = allowDocument('sts:AssumeRole', [
    `arn:aws:iam::${options.roleAccountId}:role/ClientAdmin`,
    `arn:aws:iam::${options.roleAccountId}:role/ClientReader`,
  ]);
  const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
  createRole(world, target, 'ClientAdmin', {
    createDate: created,
    trust: trustDocument([
      {
        Effect: 'Allow',
        Principal: { AWS: user.arn },
        Action: actions,
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ]),
  }).attachedPolicies.push('arn:aws:iam::aws:policy/AdministratorAccess');
  createRole(world, target, 'ClientReader', {
    createDate: created,
    trust: trustDocument([{ Effect: 'Allow', Principal: { AWS: user.arn }, Action: actions }]),
  }).attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');
  appendFileSync(
    credentialsFile,
    `\n[${options.userName}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`,
  );
  return {
    userArn: user.arn,
    mfaSerial: device.serialNumber,
    profile: options.userName,
    mfaCode: () => sb.mfaCode(options.userName, options.accountId),
  };
}
