import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { STSClient } from '@aws-sdk/client-sts';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import { createCrossbar } from '../../src/core/crossbar.js';
import { stsClientFor, type StsClientFactory } from '../../src/core/credentials/index.js';
import { roleTargets } from '../../src/core/reachability.js';
import { sourceEnv } from '../../src/cli/config-context.js';
import { DEVELOPMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { startWorld, type World } from '../helpers/world.js';

/** The composition root with fakes where they tell something: who asked for an MFA code, which endpoint STS used. */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

function recordingSts(): { factory: StsClientFactory; calls: string[]; endpoints: Set<string> } {
  const calls: string[] = [];
  const endpoints = new Set<string>();
  const factory: StsClientFactory = (credentials, options) => {
    endpoints.add(options.endpoint ?? 'aws');
    const client: STSClient = stsClientFor(credentials, options);
    client.middlewareStack.add(
      (next, context) => (args) => {
        calls.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'recordStsCalls' },
    );
    return client;
  };
  return { factory, calls, endpoints };
}

function crossbarFor(
  extra: { mfaCodeProvider?: (serial: string) => Promise<string>; stsClientFactory?: StsClientFactory } = {},
) {
  const parsed = parseConfig(readFileSync(w.paths.crossbarYaml, 'utf8'), w.paths.crossbarYaml);
  if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  const env = w.env();
  return createCrossbar({
    config: parsed.config,
    env: sourceEnv(env),
    home: env['CROSSBAR_HOME'] ?? join(w.dir, 'h'),
    keyStore: 'file',
    ...extra,
  });
}

describe('createCrossbar', () => {
  it('checking several MFA roles at once asks for one code and opens one MFA session for all of them', async () => {
    const asked: string[] = [];
    const sts = recordingSts();
    const crossbar = crossbarFor({
      mfaCodeProvider: async (serial) => {
        asked.push(serial);
        await new Promise((r) => setTimeout(r, 50));
        return w.mfaCode();
      },
      stsClientFactory: sts.factory,
    });
    const targets = roleTargets(crossbar.selectAccounts('development,production'), 'admin');
    const results = await crossbar.checkReachability(targets, { concurrency: 8 });
    expect(results.map((r) => (r.ok ? r.value.assumedArn : r.error.code))).toEqual([
      `arn:aws:sts::${DEVELOPMENT}:assumed-role/administrator/alice`,
      `arn:aws:sts::${PRODUCTION}:assumed-role/administrator/alice`,
    ]);
    expect(asked).toEqual(['arn:aws:iam::111111111111:mfa/alice']);
    expect(sts.calls.filter((c) => c === 'GetSessionTokenCommand')).toHaveLength(1);
    expect(sts.calls.filter((c) => c === 'AssumeRoleCommand')).toHaveLength(2);
  });

  it('every STS call goes to the configured endpoint', async () => {
    const sts = recordingSts();
    const crossbar = crossbarFor({ stsClientFactory: sts.factory });
    const id = await crossbar.identityOf(crossbar.resolveTarget('/switch-to-staging'));
    expect(id).toMatchObject({
      accountId: '333333333333',
      arn: 'arn:aws:sts::333333333333:assumed-role/CrossbarReadOnly/alice',
    });
    expect(sts.calls).toEqual(['GetCallerIdentityCommand', 'AssumeRoleCommand', 'GetCallerIdentityCommand']);
    expect([...sts.endpoints]).toEqual([w.sb.endpoint]);
  });

  it("the source is read from the AWS files the environment names, not the process's own home", () => {
    expect(sourceEnv({ HOME: '/h' })).toMatchObject({
      AWS_CONFIG_FILE: '/h/.aws/config',
      AWS_SHARED_CREDENTIALS_FILE: '/h/.aws/credentials',
    });
    expect(sourceEnv({ HOME: '/h', AWS_CONFIG_FILE: '/x' })['AWS_CONFIG_FILE']).toBe('/x');
  });
});
