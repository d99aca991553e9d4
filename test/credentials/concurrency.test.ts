import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { assumeRoleEvents, DEVELOPMENT } from '../helpers/sandbox-clients.js';
import { demoConfig } from '../helpers/credentials.js';
import { startWorld, type World } from '../helpers/world.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/credential-process.ts', import.meta.url));
const PROCESSES = 50;

let w: World;
let sb: Sandbox;
beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
  sb = w.sb;
});
afterAll(async () => {
  await w.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('single-flight across processes', () => {
  it(`${PROCESSES} cold credential-process runs for one target make exactly one AssumeRole`, async () => {
    const config = w.config('alice', demoConfig(sb.endpoint, { profile: 'alice' }));
    const home = w.newHome();
    const env = {
      PATH: process.env['PATH'],
      HOME: w.home,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...w.awsEnv,
    };
    const before = assumeRoleEvents(sb, DEVELOPMENT).length;

    const runs = await Promise.all(Array.from({ length: PROCESSES }, () => run([config, 'development', home], env)));

    const failed = runs.filter((r) => r.code !== 0);
    expect(failed.map((r) => r.stderr)).toEqual([]);
    const outputs = runs.map(
      (r) => JSON.parse(r.stdout) as { Version: number; AccessKeyId: string; AccountId: string; Expiration: string },
    );
    expect(new Set(outputs.map((o) => o.AccessKeyId)).size).toBe(1);
    expect(outputs[0]).toMatchObject({ Version: 1, AccountId: DEVELOPMENT });
    expect(assumeRoleEvents(sb, DEVELOPMENT).length - before).toBe(1);
  }, 180_000);

  it('a denied target fails in every process, each with the same one-line error', async () => {
    const config = w.config('bob', demoConfig(sb.endpoint, { profile: 'bob' }));
    const home = w.newHome();
    const env = {
      PATH: process.env['PATH'],
      HOME: w.home,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...w.awsEnv,
    };
    const runs = await Promise.all(Array.from({ length: 5 }, () => run([config, 'production:admin', home], env)));
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1, 1, 1]);
    expect(new Set(runs.map((r) => r.stderr.trim()))).toEqual(
      new Set([
        'ROLE_ASSUME_DENIED: Could not assume arn:aws:iam::444444444444:role/administrator from arn:aws:iam::111111111111:user/bob',
      ]),
    );
  }, 120_000);
});
