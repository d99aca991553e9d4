import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { DEVELOPMENT, adminSession, clientConfig, failure, keysOf, sts } from '../helpers/sandbox-clients.js';

let running: Sandbox | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('--state persists and restores the world', () => {
  it('a role created before a restart is still there after it, with the same keys and sessions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossbar-state-'));
    const statePath = join(dir, 'state.json');
    running = await startTestSandbox({ statePath });
    const first = running;
    const alice = keysOf(first, 'alice');
    const admin = await adminSession(first, DEVELOPMENT);
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
    });
    await new IAMClient(clientConfig(first, admin)).send(
      new CreateRoleCommand({ RoleName: 'survives-restart', AssumeRolePolicyDocument: trust }),
    );
    await first.stop();
    running = undefined;
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(statePath, 'utf8')).toContain('survives-restart');

    running = await startTestSandbox({ statePath });
    const second = running;
    expect(keysOf(second, 'alice')).toEqual(alice);
    const role = await new IAMClient(clientConfig(second, admin)).send(
      new GetRoleCommand({ RoleName: 'survives-restart' }),
    );
    expect(role.Role?.Arn).toBe(`arn:aws:iam::${DEVELOPMENT}:role/survives-restart`);
    expect((await sts(second, admin).send(new GetCallerIdentityCommand({}))).Account).toBe(DEVELOPMENT);
  });

  it('a fresh sandbox without the state does not know that role (the twin)', async () => {
    running = await startTestSandbox();
    const admin = await adminSession(running, DEVELOPMENT);
    const f = await failure(
      new IAMClient(clientConfig(running, admin)).send(new GetRoleCommand({ RoleName: 'survives-restart' })),
    );
    expect(f.name).toBe('NoSuchEntityException');
  });

  it('refuses a state file that is not sandbox state, rather than misreading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossbar-state-'));
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, '{"hello": "world"}');
    await expect(startTestSandbox({ statePath })).rejects.toThrow(/is not a crossbar sandbox state/);
    writeFileSync(statePath, '{not json');
    await expect(startTestSandbox({ statePath })).rejects.toThrow(/is not valid JSON/);
  });
});
