import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterClientCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { failure } from '../../helpers/sandbox-clients.js';

/**
 * moto_server (5.2) implements IAM Identity Center's admin API (`sso-admin`) but neither SSO OIDC nor the access
 * portal: RegisterClient answers a bare HTTP 500 and the portal's paths fall through to S3 (`NoSuchBucket`,
 * bucket `assignment`). So there is nothing to compare the sandbox's SSO with; this test pins that down, so that
 * the day moto implements them it fails and a real comparison replaces it.
 */
let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
}, 30_000);
afterAll(async () => {
  await moto.stop();
});

describe('moto_server and SSO', () => {
  it('does not implement SSO OIDC RegisterClient', async () => {
    const oidc = new SSOOIDCClient({ endpoint: moto.endpoint, region: 'us-east-1', maxAttempts: 1 });
    const f = await failure(oidc.send(new RegisterClientCommand({ clientName: 'x', clientType: 'public' })));
    expect(f.status).toBe(500);
  });

  it('does not implement the portal: ListAccounts reaches its S3 emulation', async () => {
    const portal = new SSOClient({ endpoint: moto.endpoint, region: 'us-east-1', maxAttempts: 1 });
    const f = await failure(portal.send(new ListAccountsCommand({ accessToken: 'token' })));
    expect(f.status).toBe(404);
  });
});
