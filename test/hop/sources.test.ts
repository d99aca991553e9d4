import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { stsClientFor, type Credentials } from '../../src/core/credentials/index.js';
import { CrossbarError } from '../../src/core/errors.js';
import { ALICE_MFA, assumeRoleCount, DEVELOPMENT, MANAGEMENT, STAGING } from '../helpers/sandbox-clients.js';
import { addSecondIdentity, type SecondIdentity } from '../helpers/second-identity.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Two IAM sources at once (seed 002's consultant): alice's keys and MFA device in the management account, and
 * cobus's own keys and device in client-acme's account (555555555555), whose roles in staging trust only him.
 * Each account hops through its own source; one identity's MFA device never goes with the other's keys.
 */
const CLIENT_HOME = '555555555555';

let w: World;
let cobus: SecondIdentity;
let configPath: string;

function yaml(extra = ''): string {
  return `organization: { name: acme, namespace: acme }
source: { profile: alice, mfa_serial: "${ALICE_MFA}" }
sources:
  client:
    profile: cobus
    mfa_serial: "${cobus.mfaSerial}"
endpoint: ${w.sb.endpoint}
accounts:
  - id: "${DEVELOPMENT}"
    name: development
    stage: dev
    roles:
      CrossbarReadOnly: CrossbarReadOnly
      admin: { name: administrator, mfa: required }
  - id: "${STAGING}"
    name: client-staging
    stage: staging
    source: client
    roles:
      ClientReader: ClientReader
      admin: { name: ClientAdmin, mfa: required }
${extra}`;
}

beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
  cobus = addSecondIdentity(w.sb, w.paths.awsCredentials, {
    accountId: CLIENT_HOME,
    roleAccountId: STAGING,
    userName: 'cobus',
  });
  configPath = w.config('sources', yaml());
});
afterAll(async () => {
  await w.stop();
});

async function callerArn(creds: Credentials): Promise<string | undefined> {
  const sts = stsClientFor(creds, { region: 'us-east-1', endpoint: w.sb.endpoint });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

/** An MFA code provider that knows both devices, recording which device it was asked for. */
function codes(asked: string[]): (serial: string) => Promise<string> {
  return (serial) => {
    asked.push(serial);
    if (serial === ALICE_MFA) return Promise.resolve(w.sb.mfaCode('alice'));
    if (serial === cobus.mfaSerial) return Promise.resolve(cobus.mfaCode());
    return Promise.reject(new Error(`no device ${serial}`));
  };
}

describe('two IAM sources', () => {
  it('each account hops through its own source, with its own MFA session', async () => {
    const asked: string[] = [];
    const crossbar = w.crossbar(configPath, { mfaCodeProvider: codes(asked) });
    const dev = await crossbar.credentials(crossbar.resolveTarget('development:admin'));
    const client = await crossbar.credentials(crossbar.resolveTarget('client-staging:admin'));
    expect(await callerArn(dev)).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/administrator/alice`);
    expect(await callerArn(client)).toBe(`arn:aws:sts::${STAGING}:assumed-role/ClientAdmin/cobus`);
    // One GetSessionToken per source, each with its own device: asked once each, never the other's.
    expect(asked).toEqual([ALICE_MFA, cobus.mfaSerial]);
    await crossbar.credentials(crossbar.resolveTarget('client-staging:ClientReader'));
    await crossbar.credentials(crossbar.resolveTarget('development'));
    expect(asked).toEqual([ALICE_MFA, cobus.mfaSerial]);
    expect(await crossbar.sourceIdentity()).toMatchObject({ arn: `arn:aws:iam::${MANAGEMENT}:user/alice` });
    expect(await crossbar.sourceIdentity('client')).toMatchObject({
      arn: cobus.userArn,
      accountId: CLIENT_HOME,
      name: 'cobus',
    });
  });

  it("the MFA session of one source is never used for the other: with alice's open, cobus's role asks cobus's device", async () => {
    const asked: string[] = [];
    const crossbar = w.crossbar(configPath, { mfaCodeProvider: codes(asked) });
    await crossbar.credentials(crossbar.resolveTarget('development:admin'));
    // alice's MFA session is open and cached; cobus's role still needs cobus's own session.
    await crossbar.credentials(crossbar.resolveTarget('client-staging:admin'));
    expect(asked).toEqual([ALICE_MFA, cobus.mfaSerial]);
  });

  it("denied twin: alice's keys paired with cobus's MFA device are refused, and nothing is assumed", async () => {
    const wrong = w.config(
      'wrong-pairing',
      yaml().replace(
        `source: { profile: alice, mfa_serial: "${ALICE_MFA}" }`,
        `source: { profile: alice, mfa_serial: "${cobus.mfaSerial}" }`,
      ),
    );
    const crossbar = w.crossbar(wrong, { mfaCodeProvider: codes([]) });
    const before = assumeRoleCount(w.sb, DEVELOPMENT);
    const err = await crossbar.credentials(crossbar.resolveTarget('development:admin')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CrossbarError);
    expect([(err as CrossbarError).code, (err as CrossbarError).message]).toEqual([
      'MFA_INVALID',
      `${cobus.mfaSerial} is not an MFA device of the source identity`,
    ]);
    expect(assumeRoleCount(w.sb, DEVELOPMENT)).toBe(before);
  });

  it("denied twin: an account on alice's source cannot reach cobus's role", async () => {
    const crossbar = w.crossbar(
      w.config('client-on-default', yaml().replace('    source: client\n', '    source: default\n')),
      { mfaCodeProvider: codes([]) },
    );
    const err = await crossbar.credentials(crossbar.resolveTarget('client-staging:ClientReader')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as CrossbarError).code).toBe('ROLE_ASSUME_DENIED');
    expect((err as CrossbarError).message).toBe(
      `Could not assume arn:aws:iam::${STAGING}:role/ClientReader from arn:aws:iam::${MANAGEMENT}:user/alice`,
    );
  });
});

describe('the CLI with two sources', () => {
  it('whoami shows each source: who it is, its account and its MFA device', async () => {
    const out = await w.cli(['whoami', '--output', 'json'], { CROSSBAR_CONFIG: configPath });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const rows = JSON.parse(out.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({
        source: 'default',
        kind: 'iam',
        default: true,
        accounts: 1,
        arn: `arn:aws:iam::${MANAGEMENT}:user/alice`,
        accountId: MANAGEMENT,
        identity: 'alice',
        from: 'profile alice',
        mfaSerial: ALICE_MFA,
        state: 'ok',
      }),
      expect.objectContaining({
        source: 'client',
        kind: 'iam',
        default: false,
        accounts: 1,
        arn: cobus.userArn,
        accountId: CLIENT_HOME,
        identity: 'cobus',
        from: 'profile cobus',
        mfaSerial: cobus.mfaSerial,
        state: 'ok',
      }),
    ]);
  });

  it('whoami as a table names both', async () => {
    const out = await w.cli(['whoami', '--output', 'table'], { CROSSBAR_CONFIG: configPath, NO_COLOR: '1' });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(cobus.userArn);
    expect(out.stdout).toContain(`arn:aws:iam::${MANAGEMENT}:user/alice`);
    expect(out.stdout).toMatch(/default \(default\)/);
  });

  it('accounts check checks each account through its own source and says which', async () => {
    const out = await w.cli(['accounts', 'check', '--output', 'json', '--role', 'ClientReader'], {
      CROSSBAR_CONFIG: configPath,
    });
    expect(out.code).toBe(0);
    const rows = JSON.parse(out.stdout) as {
      account: string;
      role: string;
      source: string;
      status: string;
      assumedArn: string;
    }[];
    expect(rows.map((r) => [r.account, r.role, r.source, r.status])).toEqual([
      ['client-staging', 'ClientReader', 'client', 'ok'],
    ]);
    expect(rows[0]?.assumedArn).toBe(`arn:aws:sts::${STAGING}:assumed-role/ClientReader/cobus`);
    const both = await w.cli(['accounts', 'check', '--output', 'json', 'all'], { CROSSBAR_CONFIG: configPath });
    const all = JSON.parse(both.stdout) as { account: string; role: string; source: string; status: string }[];
    expect(all.filter((r) => r.status === 'ok').map((r) => [r.account, r.role, r.source])).toEqual([
      ['development', 'CrossbarReadOnly', 'default'],
      ['client-staging', 'ClientReader', 'client'],
    ]);
  });

  it('accounts check as a table shows the SOURCE column when there are several', async () => {
    const out = await w.cli(['accounts', 'check', '--output', 'table', 'all', '--role', 'ClientReader'], {
      CROSSBAR_CONFIG: configPath,
      NO_COLOR: '1',
    });
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/SOURCE/);
    expect(out.stdout).toMatch(/client-staging\s+client\s+ClientReader\s+ok/);
  });

  it('bad input: an unknown source name is one line naming it and the defined ones, exit 2', async () => {
    const out = await w.cli(['accounts', 'check', 'source=clinet'], { CROSSBAR_CONFIG: configPath });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.split('\n')[0]).toBe("crossbar: Unknown source 'clinet': the sources are default, client");
    const bad = w.config('unknown-source', yaml().replace('    source: client\n', '    source: clinet\n'));
    const cfg = await w.cli(['accounts', 'check'], { CROSSBAR_CONFIG: bad });
    expect(cfg.code).toBe(2);
    expect(cfg.stderr).toContain(
      "accounts[1].source: unknown source 'clinet' (did you mean 'client'?): the sources are default, client",
    );
    expect(cfg.stderr).not.toMatch(/\n\s+at /);
  });
});
