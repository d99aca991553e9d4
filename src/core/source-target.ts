import type { RegistryAccount, RegistryRole } from './config/registry.js';
import type { Credentials } from './credentials/credentials.js';
import type { SourceIdentity } from './credentials/credential-engine.js';
import type { ExtraTarget } from './select/select-accounts.js';
import { requireSdk } from './aws-clients/require-sdk.js';

/**
 * The source's own account as a target. crossbar.yaml lists the accounts reached through a role; the account the
 * source lives in (in an organization, usually the management account) is reached with the source identity
 * itself, and is named the way the organization names it: `cost` shows "111111111111 (management)" because Cost
 * Explorer reports the Organizations account name. So the source account answers to its id, to `source`, to its
 * Organizations name and, when it is the organization's management account, to `management`.
 */
export const SOURCE_ROLE_KEY = '(source)';

export interface SourceTargetInput {
  identity: SourceIdentity;
  /** The source's credentials, for the Organizations lookups. */
  credentials: () => Promise<Credentials>;
  region: string;
  endpoint: string | undefined;
  /** Its Organizations name and whether it is the management account; undefined when Organizations will not say. */
  describe?: (input: SourceTargetInput) => Promise<OrganizationView | undefined>;
}

export interface OrganizationView {
  name?: string | undefined;
  management: boolean;
}

/** DescribeOrganization and DescribeAccount with the source; any refusal (not in an organization, no rights) is silence. */
async function describeInOrganization(input: SourceTargetInput): Promise<OrganizationView | undefined> {
  const { OrganizationsClient, DescribeOrganizationCommand, DescribeAccountCommand } = requireSdk(
    '@aws-sdk/client-organizations',
  );
  const { createSdkClient } = await import('./aws-clients/create-aws-client.js');
  const client = createSdkClient(OrganizationsClient, 'organizations', {
    region: input.region,
    credentials: input.credentials,
    endpoint: input.endpoint,
    maxAttempts: 2,
  });
  try {
    const org = await client.send(new DescribeOrganizationCommand({})).catch(() => undefined);
    if (!org?.Organization) return undefined;
    const management = org.Organization.MasterAccountId === input.identity.accountId;
    const account = await client
      .send(new DescribeAccountCommand({ AccountId: input.identity.accountId }))
      .catch(() => undefined);
    return { name: account?.Account?.Name, management };
  } finally {
    client.destroy();
  }
}

export function sourceRole(identity: SourceIdentity): RegistryRole {
  return {
    key: SOURCE_ROLE_KEY,
    name: SOURCE_ROLE_KEY,
    arn: identity.arn,
    mfa: 'none',
    confirm: false,
    profileName: '',
  };
}

/** The source account as an account of the registry's shape, named by the organization when it can tell. */
export function sourceAccountOf(
  identity: SourceIdentity,
  region: string,
  name?: string,
  source = 'default',
): RegistryAccount {
  const role = sourceRole(identity);
  return {
    source,
    id: identity.accountId,
    name: name ?? `source:${identity.accountId}`,
    color: 'blue',
    tags: {},
    regions: [region],
    roles: [role],
    defaultRole: role,
  };
}

export async function resolveSourceTarget(input: SourceTargetInput): Promise<ExtraTarget> {
  const view = await (input.describe ?? describeInOrganization)(input).catch(() => undefined);
  const orgName = view?.name && /^[\w.@+-]+$/.test(view.name) ? view.name : undefined;
  const name = orgName ?? (view?.management ? 'management' : undefined);
  const names = [
    input.identity.accountId,
    'source',
    ...(orgName ? [orgName] : []),
    ...(view?.management ? ['management'] : []),
  ];
  return { account: sourceAccountOf(input.identity, input.region, name), names: [...new Set(names)] };
}
