import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  CredentialEngine,
  redactCredentials,
  stsClientFor,
  type Credentials,
  type SsoAccessFactory,
} from '../../src/core/credentials/index.js';
import { CrossbarError } from '../../src/core/errors.js';
import { resolveTarget } from '../../src/core/select/select-accounts.js';
import { assume, assumeRoleEvents, keysOf, MANAGEMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { registryFrom } from '../helpers/credentials.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * The engine's SSO seam with a fake Identity Center: the fake's "permission set" session is alice's CrossbarHub
 * session in the management account (a real sandbox role session), so the hops after it are real AssumeRoles.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
});
afterAll(async () => {
  await w.stop();
});

const START = 'https://d-90679a1b2c.awsapps.com/start';

function config(sso: string): string {
  return `source: { profile: alice }
sources:
  acme-sso:
    sso: { start_url: "${START}", region: us-east-1${sso} }
  ghost: { profile: nobody }
endpoint: ${w.sb.endpoint}
accounts:
  - { id: "${MANAGEMENT}", name: management, source: acme-sso, roles: { hub: { permission_set: Hub } } }
  - id: "${PRODUCTION}"
    name: production
    source: acme-sso
    roles:
      readonly: { name: CrossbarReadOnly, via: "management:hub", duration: 7200 }
  - { id: "222222222222", name: development }
  - { id: "333333333333", name: staging, source: ghost }
`;
}

/** A fake Identity Center: counts its calls, and knows one assignment (management × Hub). */
function fakeSso(): { factory: SsoAccessFactory; calls: string[]; built: string[] } {
  const calls: string[] = [];
  const built: string[] = [];
  const factory: SsoAccessFactory = (name, sso) => {
    built.push(`${name} ${sso.startUrl} ${sso.session}`);
    return {
      label: `SSO ${name} (${sso.startUrl})`,
      async roleCredentials(accountId, permissionSet) {
        calls.push(`${accountId}/${permissionSet}`);
        if (accountId !== MANAGEMENT || permissionSet !== 'Hub')
          throw new CrossbarError('DENIED', `No access to ${permissionSet} in ${accountId}`);
        return redactCredentials(await assume(w.sb, keysOf(w.sb, 'alice'), MANAGEMENT, 'CrossbarHub', {}));
      },
    };
  };
  return { factory, calls, built };
}

async function callerArn(creds: Credentials): Promise<string | undefined> {
  const sts = stsClientFor(creds, { region: 'us-east-1', endpoint: w.sb.endpoint });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

async function rejection(p: Promise<unknown>): Promise<CrossbarError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CrossbarError) return err;
    throw err;
  }
  throw new Error('expected a CrossbarError, but the call succeeded');
}

describe('CredentialEngine: an SSO source (fake Identity Center)', () => {
  it('a permission_set role is GetRoleCredentials, cached: a second engine on the same home asks nothing', async () => {
    const registry = registryFrom(config(''));
    const sso = fakeSso();
    const home = w.newHome();
    const engine = () =>
      new CredentialEngine({ registry, home, env: w.awsEnv, keyStore: 'file', ssoAccessFactory: sso.factory });
    const creds = await engine().getCredentials(resolveTarget(registry, 'management:hub'));
    expect(await callerArn(creds)).toMatch(/:assumed-role\/CrossbarHub\//);
    expect(sso.built).toEqual([`acme-sso ${START} acme-sso`]);
    await engine().getCredentials(resolveTarget(registry, 'management:hub'));
    expect(sso.calls).toEqual([`${MANAGEMENT}/Hub`]);
  });

  it('a role via the permission set is chained from its session, capped at one hour, as its person', async () => {
    const registry = registryFrom(config(''));
    const sso = fakeSso();
    const engine = new CredentialEngine({
      registry,
      home: w.newHome(),
      env: w.awsEnv,
      keyStore: 'file',
      ssoAccessFactory: sso.factory,
    });
    const creds = await engine.getCredentials(resolveTarget(registry, 'production:readonly'));
    expect(await callerArn(creds)).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/test-session`);
    const last = assumeRoleEvents(w.sb, PRODUCTION).at(-1);
    expect(last).toMatchObject({ requestParameters: { sourceIdentity: 'test-session' } });
    expect(
      Number((last?.['requestParameters'] as { durationSeconds?: number } | undefined)?.durationSeconds),
    ).toBeLessThanOrEqual(3600);
    // Its development account stays on the default source (alice's keys): no SSO call for it.
    const dev = await engine.getCredentials(resolveTarget(registry, 'development'));
    expect(await callerArn(dev)).toMatch(/assumed-role\/CrossbarReadOnly\/alice$/);
    expect(sso.calls).toEqual([`${MANAGEMENT}/Hub`]);
  });

  it('denied twin: a permission set not assigned is the SSO answer, and the chain stops there', async () => {
    const registry = registryFrom(config(''));
    const sso = fakeSso();
    const engine = new CredentialEngine({
      registry,
      home: w.newHome(),
      env: w.awsEnv,
      keyStore: 'file',
      ssoAccessFactory: sso.factory,
    });
    const prod = registry.accounts.find((a) => a.name === 'production');
    if (!prod) throw new Error('no production');
    const admin = { ...prod.defaultRole, key: 'admin', name: 'Admin', permissionSet: 'Admin' };
    delete admin.via;
    const err = await rejection(engine.getCredentials({ account: prod, role: admin }));
    expect(err.code).toBe('DENIED');
    expect(sso.calls).toEqual([`${PRODUCTION}/Admin`]);
  });

  it('a plain role of an SSO account without a hub is CONFIG_INVALID; with a hub it is assumed from the hub', async () => {
    const registry = registryFrom(config(''));
    const prod = registry.accounts.find((a) => a.name === 'production');
    if (!prod) throw new Error('no production');
    const plain = {
      ...prod.defaultRole,
      key: 'CrossbarReadOnly',
      name: 'CrossbarReadOnly',
      arn: `arn:aws:iam::${PRODUCTION}:role/CrossbarReadOnly`,
    };
    delete plain.via;
    const sso = fakeSso();
    const engine = new CredentialEngine({
      registry,
      home: w.newHome(),
      env: w.awsEnv,
      ssoAccessFactory: sso.factory,
      keyStore: 'file',
    });
    const err = await rejection(engine.getCredentials({ account: prod, role: plain }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe(
      `production:CrossbarReadOnly is a plain role, and SSO acme-sso (${START}) has no hub to assume it from`,
    );

    const hubbed = registryFrom(config(`, account: "${MANAGEMENT}", role: Hub`));
    const hubProd = hubbed.accounts.find((a) => a.name === 'production');
    if (!hubProd) throw new Error('no production');
    const withHub = new CredentialEngine({
      registry: hubbed,
      home: w.newHome(),
      env: w.awsEnv,
      keyStore: 'file',
      ssoAccessFactory: sso.factory,
    });
    const creds = await withHub.getCredentials({ account: hubProd, role: { ...plain, implicit: true } });
    expect(await callerArn(creds)).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/test-session`);
    const identity = await withHub.sourceIdentity('acme-sso');
    expect(identity).toMatchObject({ accountId: MANAGEMENT, assumedRole: true, name: 'test-session' });
    expect(identity.arn).toMatch(/assumed-role\/CrossbarHub\/test-session$/);
  });

  it('without an Identity Center client, an SSO role fails clearly, and the other sources still work', async () => {
    const registry = registryFrom(config(''));
    const engine = new CredentialEngine({ registry, home: w.newHome(), env: w.awsEnv, keyStore: 'file' });
    const err = await rejection(engine.getCredentials(resolveTarget(registry, 'management:hub')));
    expect(err.code).toBe('CREDENTIALS_MISSING');
    expect(err.message).toBe(`SSO acme-sso (${START}): this crossbar cannot sign in to IAM Identity Center`);
    await expect(engine.getCredentials(resolveTarget(registry, 'development'))).resolves.toBeDefined();
  });

  it('an unused source is never resolved: its missing profile costs nothing until an account of it is asked for', async () => {
    const registry = registryFrom(config(''));
    const sso = fakeSso();
    const engine = new CredentialEngine({
      registry,
      home: w.newHome(),
      env: w.awsEnv,
      keyStore: 'file',
      ssoAccessFactory: sso.factory,
    });
    await engine.getCredentials(resolveTarget(registry, 'development'));
    expect(sso.built).toEqual([]);
    expect(await engine.sourceIdentity()).toMatchObject({ name: 'alice' });
    const err = await rejection(engine.getCredentials(resolveTarget(registry, 'staging')));
    expect(err.code).toBe('CREDENTIALS_MISSING');
    expect(err.message).toBe('No credentials found for profile nobody');
    expect((await rejection(engine.sourceIdentity('nope'))).code).toBe('UNKNOWN_SOURCE');
  });
});
