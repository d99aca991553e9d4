import { createAwsClient } from '../aws-clients/index.js';
import type { RegistryAccount, RegistryRole } from '../config/registry.js';
import type { Crossbar } from '../crossbar.js';
import type { Credentials } from '../credentials/index.js';
import { CrossbarError } from '../errors.js';
import type { IamAccess } from './plan.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const { IAMClient } = requireSdk('@aws-sdk/client-iam');
type IAMClient = InstanceType<typeof IAMClient>;

/**
 * IAM clients for `--apply`: in each target account through a role crossbar can already use there (`--via`,
 * OrganizationAccountAccessRole by default, assumed by the credential engine like any role), in the source
 * account with the source's own credentials. Clients come from the one factory and are reused per account.
 */
export interface IamAccessOptions {
  /** Role name assumed in each target account. */
  via: string;
  /** Where IAM is called (a global service): default, the source's region. */
  region?: string;
}

export interface ClosableIamAccess extends IamAccess {
  close(): void;
}

async function iamClient(
  credentials: Credentials | (() => Promise<Credentials>),
  endpoint: string | undefined,
  region: string,
): Promise<IAMClient> {
  const client = await createAwsClient('iam', { region, credentials, endpoint, maxAttempts: 4, retryMode: 'standard' });
  if (!(client instanceof IAMClient))
    throw new CrossbarError('ERROR', 'The AWS client factory did not give an IAMClient for iam');
  return client;
}

/** The `--via` role of one account, as the credential engine takes roles: with the account's ExternalId. */
function viaRole(crossbar: Crossbar, account: RegistryAccount, via: string): RegistryRole {
  const externalId = crossbar.config.accounts.find((a) => a.id === account.id)?.external_id;
  return {
    key: `bootstrap-via:${via}`,
    name: via,
    arn: crossbar.roleArn(account, via),
    mfa: 'none',
    confirm: false,
    profileName: '',
    ...(externalId ? { externalId } : {}),
  };
}

export function createIamAccess(crossbar: Crossbar, options: IamAccessOptions): ClosableIamAccess {
  const { via } = options;
  const region = options.region ?? crossbar.sourceRegion;
  const clients = new Map<string, Promise<IAMClient>>();
  const cached = (key: string, make: () => Promise<IAMClient>): Promise<IAMClient> => {
    let client = clients.get(key);
    if (!client) {
      client = make();
      clients.set(key, client);
      // A failed attempt is not kept: the next call tries again.
      client.catch(() => clients.delete(key));
    }
    return client;
  };
  return {
    targetIam: (accountId) =>
      cached(accountId, async () => {
        const account = crossbar.registry.accounts.find((a) => a.id === accountId);
        if (!account) throw new CrossbarError('UNKNOWN_ACCOUNT', `Account ${accountId} is not in crossbar.yaml`);
        const credentials = await crossbar.credentials({ account, role: viaRole(crossbar, account, via) });
        return iamClient(credentials, crossbar.endpoint, region);
      }),
    sourceIam: () =>
      cached('source', async () => iamClient(await crossbar.source.provider(), crossbar.endpoint, region)),
    close() {
      for (const client of clients.values())
        client.then(
          (c) => c.destroy(),
          () => {},
        );
      clients.clear();
    },
  };
}
