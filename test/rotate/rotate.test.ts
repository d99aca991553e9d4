import { lstatSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { rotateSourceKey, type RotateEvent } from '../../src/core/rotate/index.js';
import { allowDocument } from '../../src/sandbox/world/build-org.js';
import {
  accessKeysOf,
  createAccessKey,
  createUser,
  createVirtualMfaDevice,
  enableMfaDevice,
} from '../../src/sandbox/world/iam-entities.js';
import { CROSSBAR, runProcess } from '../helpers/crossbar-bin.js';
import { MANAGEMENT, assume, keysOf, sts } from '../helpers/sandbox-clients.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar rotate` against the sandbox: users made for each case (the demo's alice and bob may not manage their
 * own keys), each with its profile in a credentials file of its own between a comment and other profiles, so that
 * "everything else unchanged" is checked byte for byte.
 */
let world: World;

beforeAll(async () => {
  world = await startWorld({ awsFiles: 'keys' });
});
afterAll(async () => {
  await world.stop();
});

const OWN_KEYS = ['ListAccessKeys', 'CreateAccessKey', 'DeleteAccessKey'];

interface Person {
  name: string;
  key: AwsCredentialIdentity;
  file: string;
  yaml: string;
  before: string;
  env: Record<string, string | undefined>;
}

let people = 0;

/** A user of the management account allowed `actions` (iam:…) on itself, its key in a profile named after it. */
function person(actions: string[] = OWN_KEYS): Person {
  const sb = world.sb;
  const mgmt = sb.world.accounts[MANAGEMENT];
  if (!mgmt) throw new Error('no management account');
  const name = `rotator${(people += 1)}`;
  const createDate = new Date(sb.now() - 200 * 86_400_000).toISOString();
  const user = createUser(sb.world, mgmt, name, { createDate });
  if (actions.length > 0)
    user.inlinePolicies['own-keys'] = allowDocument(
      actions.map((a) => `iam:${a}`),
      user.arn,
    );
  const k = createAccessKey(sb.world, mgmt, name, createDate);
  const key = { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey };
  const bob = keysOf(sb, 'bob');
  const before = [
    '# written by hand; keep this comment',
    '[bob]',
    `aws_access_key_id = ${bob.accessKeyId}`,
    `aws_secret_access_key = ${bob.secretAccessKey}`,
    '',
    `[${name}]`,
    'region = us-east-1',
    `aws_access_key_id=${key.accessKeyId}`,
    `aws_secret_access_key = ${key.secretAccessKey}`,
    '',
    '; and this one',
    '[other]',
    'aws_access_key_id = AKIAOTHEROTHEROTHER0',
    'aws_secret_access_key = other-secret',
    '',
  ].join('\n');
  const file = join(world.dir, `${name}-credentials`);
  writeFileSync(file, before, { mode: 0o600 });
  const yaml = world.variant(name, (text) => text.replace(/^source: .*$/m, `source: { profile: ${name} }`));
  const env = { ...world.awsEnv, AWS_SHARED_CREDENTIALS_FILE: file };
  return { name, key, file, yaml, before, env };
}

function keyIds(p: Person): string[] {
  return accessKeysOf(world.sb.world, MANAGEMENT, p.name).map((k) => k.accessKeyId);
}

async function works(key: AwsCredentialIdentity): Promise<boolean> {
  try {
    await sts(world.sb, key).send(new GetCallerIdentityCommand({}));
    return true;
  } catch {
    return false;
  }
}

function rotate(p: Person, onProgress?: (e: RotateEvent) => void, proveWithinMs = 1500) {
  const root = world.crossbar(p.yaml, { env: p.env });
  const counts: number[] = [];
  const run = rotateSourceKey(root, {
    env: p.env,
    proveWithinMs,
    onProgress: (e) => {
      counts.push(keyIds(p).length);
      onProgress?.(e);
    },
  });
  return { run, counts };
}

function profileKeys(text: string, name: string): { id: string; secret: string } {
  const section = text.split(`[${name}]`)[1] ?? '';
  return {
    id: /aws_access_key_id\s*=\s*(\S+)/.exec(section)?.[1] ?? '',
    secret: /aws_secret_access_key\s*=\s*(\S+)/.exec(section)?.[1] ?? '',
  };
}

describe('crossbar rotate', () => {
  it('rotates end to end as a real process: the old key stops working, the new one works, the file changes only there', async () => {
    const p = person();
    const result = await runProcess([...CROSSBAR, 'rotate'], world.env({ CROSSBAR_CONFIG: p.yaml, ...p.env }));
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(result.code).toBe(0);
    const after = readFileSync(p.file, 'utf8');
    const now = profileKeys(after, p.name);
    expect(now.id).toMatch(/^AKIA/);
    expect(now.id).not.toBe(p.key.accessKeyId);
    expect(result.stdout).toContain(`${p.key.accessKeyId} → ${now.id}`);
    // Every byte but the two values is as it was.
    expect(after).toBe(
      p.before
        .replace(`=${p.key.accessKeyId}`, `=${now.id}`)
        .replace(`= ${p.key.secretAccessKey ?? ''}`, `= ${now.secret}`),
    );
    expect(statSync(p.file).mode & 0o777).toBe(0o600);
    expect(await works(p.key)).toBe(false);
    expect(await works({ accessKeyId: now.id, secretAccessKey: now.secret })).toBe(true);
    expect(keyIds(p)).toEqual([now.id]);
    // No secret in what the person sees.
    for (const secret of [p.key.secretAccessKey, now.secret]) {
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('a fault after CreateAccessKey (STS refuses the new key): the new key is deleted, the old one works, the file is unchanged', async () => {
    const p = person();
    let created = '';
    const { run, counts } = rotate(p, (e) => {
      if (e.step !== 'created') return;
      created = e.keyId;
      world.sb.faults.set({ rules: [{ service: 'sts', operation: 'GetCallerIdentity', errorRate: 1 }] });
    });
    try {
      await expect(run).rejects.toThrow(/the new key AKIA\w+ was deleted again, the old key and .* are unchanged/);
    } finally {
      world.sb.faults.set({});
    }
    expect(created).toMatch(/^AKIA/);
    expect(keyIds(p)).toEqual([p.key.accessKeyId]);
    expect(await works(p.key)).toBe(true);
    expect(readFileSync(p.file, 'utf8')).toBe(p.before);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
  });

  it('a fault after the file write (DeleteAccessKey fails): the file has the new key, both work, the message names the old key to delete', async () => {
    const p = person();
    const { run, counts } = rotate(p, (e) => {
      if (e.step === 'written')
        world.sb.faults.set({ rules: [{ service: 'iam', operation: 'DeleteAccessKey', errorRate: 1 }] });
    });
    let error: unknown;
    try {
      await run;
    } catch (err) {
      error = err;
    } finally {
      world.sb.faults.set({});
    }
    expect(error).toMatchObject({
      message: expect.stringMatching(new RegExp(`deleting the old key ${p.key.accessKeyId} failed`)) as unknown,
      hint: `delete the old key: aws iam delete-access-key --user-name ${p.name} --access-key-id ${p.key.accessKeyId} --profile ${p.name}`,
    });
    const now = profileKeys(readFileSync(p.file, 'utf8'), p.name);
    expect(now.id).not.toBe(p.key.accessKeyId);
    expect(await works(p.key)).toBe(true);
    expect(await works({ accessKeyId: now.id, secretAccessKey: now.secret })).toBe(true);
    expect(keyIds(p).sort()).toEqual([p.key.accessKeyId, now.id].sort());
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
  });

  it('writes through a symlinked credentials file (a dotfiles repository): the link stays, its target changes', async () => {
    const p = person();
    const target = `${p.file}.real`;
    renameSync(p.file, target);
    symlinkSync(target, p.file);
    const result = await rotate(p).run;
    expect(lstatSync(p.file).isSymbolicLink()).toBe(true);
    expect(result.file).toBe(target);
    expect(profileKeys(readFileSync(target, 'utf8'), p.name).id).toBe(result.newKeyId);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('two rotations at once: one rotates, the other refuses, and no key is left behind', async () => {
    const p = person();
    const { run: first, counts: a } = rotate(p);
    const { run: second, counts: b } = rotate(p);
    const outcomes = await Promise.allSettled([first, second]);
    const done = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/not the source's key|already has two access keys/);
    expect(keyIds(p)).toEqual([done[0]?.newKeyId]);
    expect(profileKeys(readFileSync(p.file, 'utf8'), p.name).id).toBe(done[0]?.newKeyId);
    expect(Math.max(...a, ...b)).toBeLessThanOrEqual(2);
  });

  it('denied twin: a user without iam:CreateAccessKey is refused naming it, keys and file unchanged', async () => {
    const p = person(['ListAccessKeys', 'DeleteAccessKey']);
    const out = await world.cli(['rotate'], { CROSSBAR_CONFIG: p.yaml, ...p.env, NO_COLOR: '1' });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^crossbar: .* may not iam:CreateAccessKey on itself: refused before any change/);
    expect(out.stderr.trim().split('\n')).toHaveLength(2);
    expect(keyIds(p)).toEqual([p.key.accessKeyId]);
    expect(readFileSync(p.file, 'utf8')).toBe(p.before);
    expect(await works(p.key)).toBe(true);
  });

  it('a user without iam:DeleteAccessKey is refused before CreateAccessKey, so no second key is left behind', async () => {
    const p = person(['ListAccessKeys', 'CreateAccessKey']);
    const { run, counts } = rotate(p);
    await expect(run).rejects.toThrow(/may not iam:DeleteAccessKey on itself: refused before any change/);
    expect(keyIds(p)).toEqual([p.key.accessKeyId]);
    expect(counts).toEqual([]); // not even 'checked'
    expect(readFileSync(p.file, 'utf8')).toBe(p.before);
  });

  it('refuses a user that already has two keys, naming the other and how to delete it', async () => {
    const p = person();
    const mgmt = world.sb.world.accounts[MANAGEMENT];
    if (!mgmt) throw new Error('no management account');
    const other = createAccessKey(world.sb.world, mgmt, p.name, new Date(world.sb.now()).toISOString());
    const out = await world.cli(['rotate'], { CROSSBAR_CONFIG: p.yaml, ...p.env, NO_COLOR: '1' });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(
      `already has two access keys (AWS's limit): ${p.key.accessKeyId}, the source's, and ${other.accessKeyId}`,
    );
    expect(out.stderr).toContain(
      `aws iam delete-access-key --user-name ${p.name} --access-key-id ${other.accessKeyId}`,
    );
    expect(keyIds(p)).toHaveLength(2);
    expect(readFileSync(p.file, 'utf8')).toBe(p.before);
  });

  it('refuses keys from the environment: they cannot be written back', async () => {
    const p = person();
    const yaml = world.variant(`${p.name}-env`, (text) => text.replace(/^source: .*$/m, 'source: {}'));
    const out = await world.cli(['rotate'], {
      CROSSBAR_CONFIG: yaml,
      ...p.env,
      AWS_ACCESS_KEY_ID: p.key.accessKeyId,
      AWS_SECRET_ACCESS_KEY: p.key.secretAccessKey,
      NO_COLOR: '1',
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /^crossbar: source default is AWS_ACCESS_KEY_ID from the environment, and a rotated key cannot be written back there\n/,
    );
    expect(keyIds(p)).toEqual([p.key.accessKeyId]);
  });

  it('refuses a role session as the source: only an IAM user has keys to rotate', async () => {
    const p = person();
    const session = await assume(world.sb, keysOf(world.sb, 'alice'), MANAGEMENT, 'CrossbarHub');
    writeFileSync(
      p.file,
      `${p.before}\n[hub]\naws_access_key_id = ${session.accessKeyId}\naws_secret_access_key = ${session.secretAccessKey}\naws_session_token = ${session.sessionToken ?? ''}\n`,
    );
    const yaml = world.variant(`${p.name}-hub`, (text) => text.replace(/^source: .*$/m, 'source: { profile: hub }'));
    const out = await world.cli(['rotate'], { CROSSBAR_CONFIG: yaml, ...p.env, NO_COLOR: '1' });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/is arn:aws:sts::111111111111:assumed-role\/CrossbarHub\/\S+, not an IAM user/);
  });

  it('an MFA-protected source signs its IAM calls with the MFA session; without a code it is refused before any change', async () => {
    const p = person([]);
    const mgmt = world.sb.world.accounts[MANAGEMENT];
    const user = mgmt?.iam.users[p.name];
    if (!mgmt || !user) throw new Error('no user');
    const device = createVirtualMfaDevice(world.sb.world, mgmt, p.name);
    enableMfaDevice(mgmt, device.serialNumber, p.name, new Date(world.sb.now()).toISOString());
    user.inlinePolicies['own-keys-with-mfa'] = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: OWN_KEYS.map((a) => `iam:${a}`),
          Resource: user.arn,
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    });
    const yaml = world.variant(`${p.name}-mfa`, (text) =>
      text.replace(/^source: .*$/m, `source: { profile: ${p.name}, mfa_serial: "${device.serialNumber}" }`),
    );
    // Denied twin: no way to ask for a code, so no MFA session and no change.
    const refused = await world.cli(['rotate'], { CROSSBAR_CONFIG: yaml, ...p.env, NO_COLOR: '1' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`needs an MFA code from ${device.serialNumber}`);
    expect(keyIds(p)).toEqual([p.key.accessKeyId]);

    const root = world.crossbar(yaml, { env: p.env });
    const result = await rotateSourceKey(root, {
      env: p.env,
      mfaCodeProvider: () => Promise.resolve(world.sb.mfaCode(p.name)),
    });
    expect(result.oldKeyId).toBe(p.key.accessKeyId);
    expect(keyIds(p)).toEqual([result.newKeyId]);
    expect(profileKeys(readFileSync(p.file, 'utf8'), p.name).id).toBe(result.newKeyId);
  });

  it('rotates a named source (sources:), leaving the default source alone and never resolving it', async () => {
    const p = person();
    // The default source stays alice, whose profile is not even in this credentials file.
    const yaml = world.variant(`${p.name}-named`, (text) => `${text}\nsources:\n  own-iam: { profile: ${p.name} }\n`);
    const out = await world.cli(['rotate', 'own-iam'], { CROSSBAR_CONFIG: yaml, ...p.env, NO_COLOR: '1' });
    expect(out.stderr).not.toContain('crossbar:');
    expect(out.code).toBe(0);
    const now = profileKeys(readFileSync(p.file, 'utf8'), p.name);
    expect(out.stdout).toContain(`rotated [${p.name}] of source own-iam: ${p.key.accessKeyId} → ${now.id}`);
    expect(keyIds(p)).toEqual([now.id]);
    expect(await works(keysOf(world.sb, 'alice'))).toBe(true);
  });

  it('refuses an SSO source (no access key) and a source name it does not know, in one line each', async () => {
    const p = person();
    const yaml = world.variant(
      `${p.name}-sso`,
      (text) =>
        `${text}\nsources:\n  acme-sso:\n    sso: { start_url: "https://d-90679a1b2c.awsapps.com/start", region: eu-west-1 }\n`,
    );
    const sso = await world.cli(['rotate', 'acme-sso'], { CROSSBAR_CONFIG: yaml, ...p.env, NO_COLOR: '1' });
    expect(sso.code).toBe(2);
    expect(sso.stderr).toMatch(
      /^crossbar: source acme-sso signs in through IAM Identity Center \(https:\/\/d-90679a1b2c.awsapps.com\/start\): it has no access key to rotate\nhint: /,
    );
    const unknown = await world.cli(['rotate', 'nope'], { CROSSBAR_CONFIG: yaml, ...p.env, NO_COLOR: '1' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown source 'nope'");
    expect(unknown.stderr).toContain('acme-sso');
    expect(keyIds(p)).toEqual([p.key.accessKeyId]);
  });
});
