import { inspect } from 'node:util';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../src/sandbox/server.js';
import { RoleDenialError, stsClientFor, type Credentials } from '../../src/core/credentials/index.js';
import { CrossbarError } from '../../src/core/errors.js';
import {
  ALICE_MFA,
  assumeRoleEvents,
  CLIENT_ACME,
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
} from '../helpers/sandbox-clients.js';
import { harness } from '../helpers/credentials.js';
import { startWorld, type World } from '../helpers/world.js';

let w: World;
let sb: Sandbox;
beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
  sb = w.sb;
});
afterAll(async () => {
  await w.stop();
});

async function callerArn(creds: Credentials): Promise<string | undefined> {
  const sts = stsClientFor(creds, { region: 'us-east-1', endpoint: sb.endpoint });
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

describe('CredentialEngine: plain AssumeRole', () => {
  it('alice reaches development CrossbarReadOnly, and the credentials work with the SDK', async () => {
    const h = harness(w, 'alice');
    const creds = await h.engine().getCredentials(h.target('development'));
    expect(creds.accountId).toBe(DEVELOPMENT);
    expect(await callerArn(creds)).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/alice`);
    expect(creds.expiration && creds.expiration.getTime() - Date.now()).toBeGreaterThan(3_500_000);
  });

  it('denies bob the production administrator role, naming the caller policy', async () => {
    const h = harness(w, 'bob');
    const err = await rejection(h.engine().getCredentials(h.target('production:admin')));
    expect(err).toBeInstanceOf(RoleDenialError);
    expect(err.code).toBe('ROLE_ASSUME_DENIED');
    expect(err.message).toBe(
      `Could not assume arn:aws:iam::${PRODUCTION}:role/administrator from arn:aws:iam::${MANAGEMENT}:user/bob`,
    );
    expect(err instanceof RoleDenialError && err.reason).toBe('caller policy');
    expect(err.hint).toContain(`must allow sts:AssumeRole on arn:aws:iam::${PRODUCTION}:role/administrator`);
    expect(err.cause).toMatchObject({ name: 'AccessDenied' });
  });

  it('without the caller-policy probe, the same denial can only be explained by what was sent (MFA)', async () => {
    const h = harness(w, 'bob');
    const err = await rejection(h.engine({ probeCallerPolicy: false }).getCredentials(h.target('production:admin')));
    expect(err instanceof RoleDenialError && err.reason).toBe('MFA');
  });

  it('names the person in RoleSessionName and SourceIdentity, as CloudTrail records them', async () => {
    const h = harness(w, 'alice');
    const before = assumeRoleEvents(sb, PRODUCTION).length;
    await h.engine().getCredentials(h.target('production'));
    const events = assumeRoleEvents(sb, PRODUCTION);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({
      requestParameters: {
        roleArn: `arn:aws:iam::${PRODUCTION}:role/CrossbarReadOnly`,
        roleSessionName: 'alice',
        sourceIdentity: 'alice',
        durationSeconds: 3600,
      },
      responseElements: {
        sourceIdentity: 'alice',
        assumedRoleUser: { arn: `arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/alice` },
      },
    });
    // The caller's own account records the same call with the person as the caller.
    expect(assumeRoleEvents(sb, MANAGEMENT).at(-1)).toMatchObject({
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${MANAGEMENT}:user/alice` },
    });
  });

  it('uses source.identity when configured, sanitized to what AWS accepts', async () => {
    const h = harness(w, 'bob', { identity: 'Bób Smith (finance)' });
    const creds = await h.engine().getCredentials(h.target('development'));
    expect(await callerArn(creds)).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/Bob-Smith-finance`);
    expect(assumeRoleEvents(sb, DEVELOPMENT).at(-1)).toMatchObject({
      requestParameters: { sourceIdentity: 'Bob-Smith-finance' },
    });
  });
});

describe('CredentialEngine: SourceIdentity', () => {
  it('still reaches a role whose trust policy does not allow sts:SetSourceIdentity, named by the session name', async () => {
    const alice = sb.world.accounts[MANAGEMENT]?.iam.users['alice'];
    if (!alice) throw new Error('no alice');
    const h = harness(w, 'alice');
    // The denied twin first: alice's groups do not allow OrganizationAccountAccessRole.
    const err = await rejection(h.engine().getCredentials(h.target('production:org')));
    expect(err instanceof RoleDenialError && err.reason).toBe('caller policy');
    alice.inlinePolicies['test-allow-org-access'] = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: `arn:aws:iam::${PRODUCTION}:role/OrganizationAccountAccessRole`,
        },
      ],
    });
    try {
      const creds = await h.engine().getCredentials(h.target('production:org'));
      expect(await callerArn(creds)).toBe(
        `arn:aws:sts::${PRODUCTION}:assumed-role/OrganizationAccountAccessRole/alice`,
      );
      const event = assumeRoleEvents(sb, PRODUCTION).at(-1);
      expect(event).toMatchObject({ requestParameters: { roleSessionName: 'alice' } });
      expect(event?.['requestParameters']).not.toHaveProperty('sourceIdentity');
    } finally {
      delete alice.inlinePolicies['test-allow-org-access'];
    }
  });
});

describe('CredentialEngine: ExternalId', () => {
  it('reaches client-acme with its ExternalId', async () => {
    const h = harness(w, 'alice');
    const creds = await h.engine().getCredentials(h.target('client-acme'));
    expect(creds.accountId).toBe(CLIENT_ACME);
    expect(assumeRoleEvents(sb, CLIENT_ACME).at(-1)).toMatchObject({
      requestParameters: { externalId: 'acme-crossbar-7f3a9c' },
    });
  });

  it('without the ExternalId the denial says ExternalId', async () => {
    const h = harness(w, 'alice');
    const err = await rejection(h.engine().getCredentials(h.target('acme-without-id')));
    expect(err instanceof RoleDenialError && err.reason).toBe('ExternalId');
    expect(err.hint).toContain('set external_id for this account');
  });
});

describe('CredentialEngine: MFA', () => {
  it('opens one MFA session and reuses it for every MFA role, asking for one code', async () => {
    const h = harness(w, 'alice');
    const asked: string[] = [];
    const engine = h.engine({
      mfaCodeProvider: (serial) => {
        asked.push(serial);
        return Promise.resolve(sb.mfaCode('alice'));
      },
    });
    const prod = await engine.getCredentials(h.target('production:admin'));
    expect(await callerArn(prod)).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/administrator/alice`);
    expect(h.counts).toMatchObject({ GetSessionTokenCommand: 1, AssumeRoleCommand: 1 });
    expect(assumeRoleEvents(sb, PRODUCTION).at(-1)).toMatchObject({
      additionalEventData: { mfaAuthenticated: 'true' },
    });

    // A second process (a new engine on the same CROSSBAR_HOME) reuses the cached MFA session: no new code.
    const dev = await h
      .engine({ mfaCodeProvider: () => Promise.reject(new Error('must not be asked')) })
      .getCredentials(h.target('development:admin'));
    expect(dev.accountId).toBe(DEVELOPMENT);
    expect(h.counts).toMatchObject({ GetSessionTokenCommand: 1, AssumeRoleCommand: 2 });
    expect(asked).toEqual([ALICE_MFA]);
  });

  it('a wrong code is MFA_INVALID with a hint about the clock', async () => {
    const h = harness(w, 'alice');
    const good = sb.mfaCode('alice');
    const wrong = String((Number(good) + 500_000) % 1_000_000).padStart(6, '0');
    const err = await rejection(
      h.engine({ mfaCodeProvider: () => Promise.resolve(wrong) }).getCredentials(h.target('production:admin')),
    );
    expect(err.code).toBe('MFA_INVALID');
    expect(err.hint).toBe('Check the device clock and enter the current 6-digit code');
    expect(h.counts).toMatchObject({ GetSessionTokenCommand: 1 });
    expect(h.counts['AssumeRoleCommand']).toBeUndefined();
  });

  it('without a code provider an MFA role is MFA_REQUIRED, before any AssumeRole', async () => {
    const h = harness(w, 'alice');
    const err = await rejection(h.engine().getCredentials(h.target('production:admin')));
    expect(err.code).toBe('MFA_REQUIRED');
    expect(h.counts['AssumeRoleCommand']).toBeUndefined();
  });

  it('alice without mfa_serial configured is denied, and the reason is MFA', async () => {
    const h = harness(w, 'alice', { mfaSerial: null });
    const err = await rejection(h.engine().getCredentials(h.target('production:admin')));
    expect(err instanceof RoleDenialError && err.reason).toBe('MFA');
    expect(err.hint).toContain('set source.mfa_serial');
  });
});

describe('CredentialEngine: role chains', () => {
  it('alice → management CrossbarHub → production CrossbarReadOnly, the second hop capped at one hour', async () => {
    const h = harness(w, 'alice');
    const hubEvents = assumeRoleEvents(sb, MANAGEMENT).length;
    const creds = await h.engine().getCredentials(h.target('production:hub-readonly'));
    expect(await callerArn(creds)).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/alice`);
    expect(h.counts).toMatchObject({ AssumeRoleCommand: 2 });
    const hub = assumeRoleEvents(sb, MANAGEMENT)
      .slice(hubEvents)
      .find((e) => JSON.stringify(e).includes('role/CrossbarHub'));
    expect(hub).toMatchObject({ requestParameters: { durationSeconds: 3600, sourceIdentity: 'alice' } });
    // The role asks for 7200 s; as a chained hop crossbar requests no more than AWS's 3600 s limit (the sandbox
    // refuses more with AWS's ValidationError), and the session ends no later than the hub session it came from.
    const last = assumeRoleEvents(sb, PRODUCTION).at(-1);
    expect(last).toMatchObject({
      requestParameters: { roleArn: `arn:aws:iam::${PRODUCTION}:role/CrossbarReadOnly`, sourceIdentity: 'alice' },
    });
    const seconds = Number((last?.['requestParameters'] as { durationSeconds?: number } | undefined)?.durationSeconds);
    expect(seconds).toBeGreaterThan(3500);
    expect(seconds).toBeLessThanOrEqual(3600);
    expect(creds.expiration && creds.expiration.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('a hop the hub role may not make is denied with the caller policy of the hub', async () => {
    const h = harness(w, 'alice');
    const err = await rejection(h.engine().getCredentials(h.target('production:hub-admin')));
    expect(err instanceof RoleDenialError && err.reason).toBe('caller policy');
    expect(err.message).toBe(
      `Could not assume arn:aws:iam::${PRODUCTION}:role/administrator from arn:aws:sts::${MANAGEMENT}:assumed-role/CrossbarHub/alice`,
    );
  });
});

describe('CredentialEngine: bad source and endpoint', () => {
  it('a source profile that does not exist is CREDENTIALS_MISSING naming it', async () => {
    const h = harness(w, 'alice');
    const registry = { ...h.registry, config: { ...h.registry.config, source: { profile: 'nobody' } } };
    const err = await rejection(h.engine({ registry }).getCredentials(h.target('development')));
    expect(err.code).toBe('CREDENTIALS_MISSING');
    expect(err.message).toBe('No credentials found for profile nobody');
    expect(err.hint).toContain('aws configure --profile nobody');
  });

  it('expired env credentials are CREDENTIALS_EXPIRED; unknown keys are CREDENTIALS_MISSING', async () => {
    const h = harness(w, 'alice');
    const registry = { ...h.registry, config: { ...h.registry.config, source: {} } };
    const expired = {
      AWS_ACCESS_KEY_ID: 'ASIAEXPIRED',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_SESSION_TOKEN: 't',
      AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z',
    };
    expect((await rejection(h.engine({ registry, env: expired }).getCredentials(h.target('development')))).code).toBe(
      'CREDENTIALS_EXPIRED',
    );
    const unknown = { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000000', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-value' };
    const err = await rejection(h.engine({ registry, env: unknown }).getCredentials(h.target('development')));
    expect(err.code).toBe('CREDENTIALS_MISSING');
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain('not-a-real-secret-value');
  });

  it('an endpoint that does not answer is ENDPOINT_UNREACHABLE, quickly', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const address = s.address();
        s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const dead = `http://127.0.0.1:${port}`;
    const h = harness(w, 'alice', { endpoint: dead });
    const started = Date.now();
    const err = await rejection(h.engine().getCredentials(h.target('development')));
    expect(err.code).toBe('ENDPOINT_UNREACHABLE');
    expect(err.message).toBe(`No answer from ${dead}`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('credentials never show their secrets', () => {
  it('JSON, inspect, spread and errors leave out the secret key and session token', async () => {
    const h = harness(w, 'alice');
    const creds = await h.engine().getCredentials(h.target('staging'));
    const secret = creds.secretAccessKey;
    const token = creds.sessionToken ?? '';
    expect(secret.length).toBeGreaterThan(20);
    for (const shown of [
      JSON.stringify(creds),
      inspect(creds, { depth: 5, showHidden: true }),
      JSON.stringify({ ...creds }),
      String(creds),
    ]) {
      expect(shown).not.toContain(secret);
      expect(shown).not.toContain(token);
    }
    expect(JSON.parse(JSON.stringify(creds))).toMatchObject({
      accountId: '333333333333',
      accessKeyId: creds.accessKeyId,
      secretAccessKey: '[redacted]',
      sessionToken: '[redacted]',
    });
  });
});
