import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { stsClientFor, type Credentials } from '../../src/core/credentials/index.js';
import { CrossbarError } from '../../src/core/errors.js';
import { assumeRoleEvents, DEVELOPMENT, MANAGEMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { harness } from '../helpers/credentials.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * CredentialEngine.assumeAs: what the team server vends. The session is named after the member (RoleSessionName
 * and SourceIdentity), whoever the source is, and a trust policy that refuses SourceIdentity is an error.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
});
afterAll(async () => w.stop());

async function callerArn(creds: Credentials): Promise<string | undefined> {
  const sts = stsClientFor(creds, { region: 'us-east-1', endpoint: w.sb.endpoint });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

describe('CredentialEngine.assumeAs', () => {
  it('names the member, not the source, in the session name and SourceIdentity', async () => {
    const h = harness(w, 'alice');
    const session = await h.engine().assumeAs(h.target('development:CrossbarReadOnly'), { name: 'carol' });
    expect(await callerArn(session.credentials)).toBe(
      `arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/carol`,
    );
    expect(session.chained).toBe(false);
    expect(assumeRoleEvents(w.sb, DEVELOPMENT).at(-1)).toMatchObject({
      requestParameters: { roleSessionName: 'carol', sourceIdentity: 'carol' },
    });
  });

  it('asks for the duration it is given, and caches nothing', async () => {
    const h = harness(w, 'alice');
    const engine = h.engine();
    const first = await engine.assumeAs(h.target('development:CrossbarReadOnly'), {
      name: 'carol',
      durationSeconds: 900,
    });
    const remaining = (first.credentials.expiration?.getTime() ?? 0) - Date.now();
    expect(remaining).toBeGreaterThan(800_000);
    expect(remaining).toBeLessThanOrEqual(900_000);
    await engine.assumeAs(h.target('development:CrossbarReadOnly'), { name: 'carol', durationSeconds: 900 });
    expect(h.counts['AssumeRoleCommand']).toBe(2);
  });

  it('carries the member through a role chain (both hops), and says it is chained', async () => {
    const h = harness(w, 'alice');
    const session = await h.engine().assumeAs(h.target('production:hub-readonly'), { name: 'dave' });
    expect(session.chained).toBe(true);
    expect(await callerArn(session.credentials)).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/dave`);
    expect(assumeRoleEvents(w.sb, PRODUCTION).at(-1)).toMatchObject({
      requestParameters: { roleSessionName: 'dave', sourceIdentity: 'dave' },
    });
  });

  it("reaches an MFA role with the source's MFA code, named after the member", async () => {
    const h = harness(w, 'alice');
    const session = await h
      .engine()
      .assumeAs(h.target('development:admin'), { name: 'erin', mfaCodeProvider: () => Promise.resolve(w.mfaCode()) });
    expect(await callerArn(session.credentials)).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/administrator/erin`);
  });

  it('refuses a role whose trust policy does not allow sts:SetSourceIdentity, instead of dropping the name', async () => {
    const alice = w.sb.world.accounts[MANAGEMENT]?.iam.users['alice'];
    if (!alice) throw new Error('no alice');
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
      const h = harness(w, 'alice');
      const before = assumeRoleEvents(w.sb, PRODUCTION).length;
      const err = await h
        .engine()
        .assumeAs(h.target('production:org'), { name: 'frank' })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(CrossbarError);
      expect(err).toMatchObject({ code: 'ROLE_ASSUME_DENIED' });
      expect((err as CrossbarError).message).toContain('does not allow sts:SetSourceIdentity');
      expect((err as CrossbarError).hint).toContain('sts:SetSourceIdentity');
      expect(assumeRoleEvents(w.sb, PRODUCTION).length).toBe(before);
      // The twin: the CLI's own engine still gets in without SourceIdentity (named by the session name).
      const cli = await h.engine().getCredentials(h.target('production:org'));
      expect(await callerArn(cli)).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/OrganizationAccountAccessRole/alice`);
    } finally {
      delete alice.inlinePolicies['test-allow-org-access'];
    }
  });
});
