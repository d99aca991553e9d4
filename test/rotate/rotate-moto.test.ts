import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { runCli } from '../cli/run-cli.js';
import { startMoto, type Moto } from '../helpers/moto.js';

/**
 * The same `crossbar rotate` against moto_server, an independent emulator that implements IAM access keys
 * (CreateAccessKey, ListAccessKeys, DeleteAccessKey with its NoSuchEntity) and GetCallerIdentity by key. moto does
 * not authorize, so the denied cases are the sandbox's (rotate.test.ts); here: the happy path and two keys.
 */
const ADMIN = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret' };

let moto: Moto;
let dir: string;
let users = 0;

const iam = (credentials: AwsCredentialIdentity = ADMIN) =>
  new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });

async function arnOf(credentials: AwsCredentialIdentity): Promise<string | undefined> {
  const out = await new STSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials }).send(
    new GetCallerIdentityCommand({}),
  );
  return out.Arn;
}

async function keyIdsOf(userName: string): Promise<string[]> {
  const out = await iam().send(new ListAccessKeysCommand({ UserName: userName }));
  return (out.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId ?? '');
}

/** A moto user with one key, in a credentials file of its own beside another profile, and a crossbar.yaml. */
async function motoUser() {
  const name = `rotator${(users += 1)}`;
  const user = await iam().send(new CreateUserCommand({ UserName: name }));
  const created = await iam().send(new CreateAccessKeyCommand({ UserName: name }));
  const key = {
    accessKeyId: created.AccessKey?.AccessKeyId ?? '',
    secretAccessKey: created.AccessKey?.SecretAccessKey ?? '',
  };
  const file = join(dir, `${name}-credentials`);
  const before = `# hand-written\n[${name}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n\n[moto-admin]\naws_access_key_id = ${ADMIN.accessKeyId}\naws_secret_access_key = ${ADMIN.secretAccessKey}\n`;
  writeFileSync(file, before, { mode: 0o600 });
  const yaml = join(dir, `${name}.yaml`);
  writeFileSync(
    yaml,
    [
      'organization: { name: moto, namespace: moto }',
      `source: { profile: ${name} }`,
      `endpoint: ${moto.endpoint}`,
      'accounts:',
      '  - { id: "123456789012", name: moto, stage: dev, roles: { read: { name: ReadOnly } } }',
      '',
    ].join('\n'),
  );
  const env = {
    HOME: join(dir, 'home'),
    CROSSBAR_HOME: mkdtempSync(join(dir, 'crossbar-home-')),
    CROSSBAR_KEY_STORE: 'file',
    CROSSBAR_NO_TTY: '1',
    CROSSBAR_CONFIG: yaml,
    AWS_CONFIG_FILE: join(dir, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: file,
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  };
  return { name, arn: user.User?.Arn ?? '', key, file, before, env };
}

beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(join(tmpdir(), 'crossbar-rotate-moto-'));
  mkdirSync(join(dir, 'home'));
  writeFileSync(join(dir, 'aws-config'), '');
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('crossbar rotate against moto_server', () => {
  it('rotates: moto lists only the new key, the new key is the user, the file changed only in that profile', async () => {
    const u = await motoUser();
    expect(await arnOf(u.key)).toBe(u.arn);
    const r = await runCli(['rotate', '-o', 'json'], u.env, dir);
    expect(r.stderr).not.toContain('hint:');
    expect(r.code).toBe(0);
    const [newKeyId] = await keyIdsOf(u.name);
    expect(await keyIdsOf(u.name)).toEqual([newKeyId]);
    expect(newKeyId).not.toBe(u.key.accessKeyId);
    expect(JSON.parse(r.stdout)).toEqual({
      source: 'default',
      userArn: u.arn,
      profile: u.name,
      file: u.file,
      oldKeyId: u.key.accessKeyId,
      newKeyId,
    });
    const after = readFileSync(u.file, 'utf8');
    const secret = /\[rotator\d+\]\naws_access_key_id = \S+\naws_secret_access_key = (\S+)/.exec(after)?.[1] ?? '';
    expect(after).toBe(u.before.replace(u.key.accessKeyId, newKeyId ?? '').replace(u.key.secretAccessKey, secret));
    expect(statSync(u.file).mode & 0o777).toBe(0o600);
    expect(await arnOf({ accessKeyId: newKeyId ?? '', secretAccessKey: secret })).toBe(u.arn);
    // moto answers any unknown key with its default identity: the old key is no longer the user.
    expect(await arnOf(u.key)).not.toBe(u.arn);
    expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('refuses a user that already has two keys, naming the other one; nothing changes', async () => {
    const u = await motoUser();
    const second = await iam().send(new CreateAccessKeyCommand({ UserName: u.name }));
    const other = second.AccessKey?.AccessKeyId ?? '';
    const r = await runCli(['rotate'], u.env, dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `already has two access keys (AWS's limit): ${u.key.accessKeyId}, the source's, and ${other}`,
    );
    expect((await keyIdsOf(u.name)).sort()).toEqual([u.key.accessKeyId, other].sort());
    expect(readFileSync(u.file, 'utf8')).toBe(u.before);
  });
});
