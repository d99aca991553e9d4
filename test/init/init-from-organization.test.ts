import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { parseConfig } from '../../src/core/config/load-config.js';
import { buildRegistry } from '../../src/core/config/registry.js';
import { CrossbarError } from '../../src/core/errors.js';
import {
  createOrganizationsClient,
  discoverOrganization,
  organizationToConfig,
  renderInitConfig,
  type DiscoveredOrganization,
  type DiscoveryProgress,
} from '../../src/core/init/index.js';
import {
  CLIENT_ACME,
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
  assume,
  keysOf,
  readOnlySession,
  sts,
} from '../helpers/sandbox-clients.js';
import { countCalls } from './count-calls.js';
import { startMoto, type Moto } from '../helpers/moto.js';

const ORG = 'o-sandbox0001';

async function denial(p: Promise<unknown>): Promise<CrossbarError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CrossbarError) return err;
    throw err;
  }
  throw new Error('expected a CrossbarError');
}

function roundTrip(org: DiscoveredOrganization, namespace = 'acme') {
  const yaml = renderInitConfig({
    ...organizationToConfig(org, { namespace }),
    generatedBy: 'crossbar init --from-organization',
    generatedAt: new Date(),
  });
  const parsed = parseConfig(yaml, 'crossbar.yaml');
  expect(parsed.problems).toEqual([]);
  if (!parsed.config) throw new Error('no config');
  return buildRegistry(parsed.config);
}

describe('crossbar init --from-organization against the demo organization', () => {
  let sb: Sandbox;
  const client = (credentials: AwsCredentialIdentity, maxAttempts?: number) =>
    createOrganizationsClient({ credentials, endpoint: sb.endpoint, ...(maxAttempts ? { maxAttempts } : {}) });
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(async () => {
    await sb.stop();
  });

  it('lists the management account and the four members with OU paths, tags, stages and colours', async () => {
    const events: DiscoveryProgress[] = [];
    const org = await discoverOrganization(client(keysOf(sb, 'alice')), { onProgress: (e) => events.push(e) });
    expect(org).toMatchObject({
      id: ORG,
      managementAccountId: MANAGEMENT,
      roleName: 'OrganizationAccountAccessRole',
      skipped: [],
    });
    expect(org.accounts.map((a) => [a.id, a.name, a.ou, a.stage, a.color, a.management])).toEqual([
      [MANAGEMENT, 'management', '/', undefined, undefined, true],
      [CLIENT_ACME, 'client-acme', '/Clients', 'client', 'blue', false],
      [DEVELOPMENT, 'development', '/Workloads', 'dev', 'green', false],
      [PRODUCTION, 'production', '/Workloads', 'prod', 'red', false],
      [STAGING, 'staging', '/Workloads', 'staging', 'yellow', false],
    ]);
    expect(org.accounts.find((a) => a.id === PRODUCTION)).toMatchObject({
      email: 'aws+production@example.com',
      tags: { stage: 'prod', color: 'red', team: 'payments', 'cost-center': 'cc-200' },
    });
    // The management account's tags do not matter and are not read.
    expect(org.accounts[0]?.tags).toEqual({});
    expect(events).toContainEqual({ phase: 'accounts', listed: 5 });
    expect(events).toContainEqual({ phase: 'tree', ous: 2, placed: 5 });
    expect(events.at(-1)).toEqual({ phase: 'tags', done: 5, total: 5 });
  });

  it("renders a crossbar.yaml that round-trips into the registry, with the --role template as every account's role", async () => {
    const org = await discoverOrganization(client(keysOf(sb, 'alice')), { roleName: 'CrossbarReadOnly' });
    const registry = roundTrip(org);
    expect(registry.accounts.map((a) => [a.name, a.color, a.ou, a.defaultRole.arn, a.defaultRole.profileName])).toEqual(
      [
        [
          'management',
          'blue',
          '/',
          `arn:aws:iam::${MANAGEMENT}:role/CrossbarReadOnly`,
          'acme-management-CrossbarReadOnly',
        ],
        [
          'client-acme',
          'blue',
          '/Clients',
          `arn:aws:iam::${CLIENT_ACME}:role/CrossbarReadOnly`,
          'acme-client-acme-CrossbarReadOnly',
        ],
        [
          'development',
          'green',
          '/Workloads',
          `arn:aws:iam::${DEVELOPMENT}:role/CrossbarReadOnly`,
          'acme-development-CrossbarReadOnly',
        ],
        [
          'production',
          'red',
          '/Workloads',
          `arn:aws:iam::${PRODUCTION}:role/CrossbarReadOnly`,
          'acme-production-CrossbarReadOnly',
        ],
        [
          'staging',
          'yellow',
          '/Workloads',
          `arn:aws:iam::${STAGING}:role/CrossbarReadOnly`,
          'acme-staging-CrossbarReadOnly',
        ],
      ],
    );
  });

  it('leaves out accounts that are not ACTIVE and reports them', async () => {
    const staging = sb.world.accounts[STAGING];
    if (!staging) throw new Error('no staging account');
    staging.status = 'SUSPENDED';
    try {
      const skippedEvents: DiscoveryProgress[] = [];
      const org = await discoverOrganization(client(keysOf(sb, 'alice')), {
        onProgress: (e) => {
          if (e.phase === 'skipped') skippedEvents.push(e);
        },
      });
      expect(org.accounts.map((a) => a.id)).not.toContain(STAGING);
      expect(org.accounts).toHaveLength(4);
      expect(org.skipped).toEqual([{ id: STAGING, name: 'staging', status: 'SUSPENDED' }]);
      expect(skippedEvents).toEqual([
        { phase: 'skipped', account: { id: STAGING, name: 'staging', status: 'SUSPENDED' } },
      ]);
    } finally {
      staging.status = 'ACTIVE';
    }
  });

  it('denied twin: a member-account session gets one clear error naming the account and the permissions', async () => {
    const member = await readOnlySession(sb, DEVELOPMENT);
    const caller = (await sts(sb, member).send(new GetCallerIdentityCommand({}))).Arn ?? '';
    const err = await denial(discoverOrganization(client(member), { caller }));
    expect(err.code).toBe('DENIED');
    expect(err.message).toBe(
      `organizations:ListAccounts was denied to ${caller}: --from-organization needs the management account ${MANAGEMENT} of ${ORG} ` +
        `or a delegated administrator account (AWS said: You don't have permissions to access this resource.)`,
    );
    expect(caller).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/test-session`);
    expect(err.hint).toContain('organizations:ListAccounts');
    expect(err.hint).toContain('organizations:ListTagsForResource');
    expect(err.cause).toMatchObject({ name: 'AccessDeniedException' });
  });

  it("denied twin: a management-account role without organizations:List* is named from AWS's own message", async () => {
    const hub = await assume(sb, keysOf(sb, 'alice'), MANAGEMENT, 'CrossbarHub');
    const err = await denial(discoverOrganization(client(hub)));
    expect(err.code).toBe('DENIED');
    expect(err.message).toMatch(
      new RegExp(
        `^organizations:DescribeOrganization was denied to arn:aws:sts::${MANAGEMENT}:assumed-role/CrossbarHub/test-session: --from-organization needs the management account or a delegated administrator`,
      ),
    );
  });

  it("rides out throttling with the SDK's adaptive retries", async () => {
    sb.faults.set({ rules: [{ service: 'organizations', operation: 'ListTagsForResource', throttleRps: 2 }] });
    try {
      const calls = countCalls();
      const c = client(keysOf(sb, 'alice'));
      calls.attach(c);
      const org = await discoverOrganization(c);
      expect(org.accounts).toHaveLength(5);
      expect(org.accounts.find((a) => a.id === STAGING)?.tags['team']).toBe('platform');
      // Four tag calls, but throttled ones were retried (each attempt passes through the counter).
      expect(calls.byOperation.get('ListTagsForResource')).toBeGreaterThan(4);
    } finally {
      sb.faults.set({});
    }
  });

  it('names an endpoint that does not answer', async () => {
    const dead = createOrganizationsClient({
      credentials: keysOf(sb, 'alice'),
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
    });
    const err = await denial(discoverOrganization(dead, { endpoint: 'http://127.0.0.1:9' }));
    expect(err.code).toBe('ENDPOINT_UNREACHABLE');
    expect(err.message).toBe('No answer from http://127.0.0.1:9 for organizations:DescribeOrganization');
  });
});

describe('crossbar init --from-organization against generated:300', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startTestSandbox({ org: 'generated:300' });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it('gives 301 accounts with OU paths and stages, in a few hundred calls and at most 8 in flight', async () => {
    const calls = countCalls();
    const client = createOrganizationsClient({ credentials: keysOf(sb, 'alice'), endpoint: sb.endpoint });
    calls.attach(client);
    const org = await discoverOrganization(client);
    expect(org.accounts).toHaveLength(301);
    expect(org.accounts[0]).toMatchObject({ id: MANAGEMENT, management: true, ou: '/' });
    expect(org.accounts.find((a) => a.name === 'account-0002')).toMatchObject({
      id: '200000000002',
      ou: '/Workloads/staging',
      stage: 'staging',
      color: 'yellow',
    });
    expect(new Set(org.accounts.map((a) => a.ou))).toEqual(
      new Set(['/', '/Workloads/dev', '/Workloads/staging', '/Workloads/prod']),
    );
    // One tag call per member; OU paths come from the tree walk, not from a ListParents per account.
    expect(calls.byOperation.get('ListTagsForResource')).toBe(300);
    expect(calls.byOperation.get('ListParents') ?? 0).toBe(0);
    // DescribeOrganization, 16 pages of ListAccounts, ListRoots, then per OU level: root and /Workloads take one
    // ListOrganizationalUnitsForParent and one ListChildren page each; each stage OU one plus five pages of 20.
    expect(calls.total).toBe(300 + 1 + 16 + 1 + 2 * 2 + 3 * (1 + 5));
    expect(calls.mostInFlight).toBeLessThanOrEqual(8);

    const registry = roundTrip(org);
    expect(registry.accounts).toHaveLength(301);
    expect(registry.accounts.filter((a) => a.stage === 'prod').every((a) => a.color === 'red')).toBe(true);
  });
});

describe('the same discovery against moto_server', () => {
  let sb: Sandbox;
  let moto: Moto;
  beforeAll(async () => {
    sb = await startTestSandbox();
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await sb?.stop();
    await moto?.stop();
  });

  /** Builds in moto the accounts the sandbox discovered (same names, OUs and tags) through the SDK. */
  async function mirrorIntoMoto(accounts: DiscoveredOrganization['accounts']): Promise<OrganizationsClient> {
    const orgs = new OrganizationsClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret' },
    });
    await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await orgs.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
    const ouIds = new Map<string, string>();
    for (const ou of new Set(accounts.map((a) => a.ou))) {
      const created = await orgs.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: ou.slice(1) }));
      ouIds.set(ou, created.OrganizationalUnit?.Id ?? '');
    }
    for (const a of accounts) {
      const created = await orgs.send(
        new CreateAccountCommand({
          AccountName: a.name,
          Email: a.email ?? `${a.name}@example.com`,
          Tags: Object.entries(a.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      const id = created.CreateAccountStatus?.AccountId ?? '';
      await orgs.send(
        new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ouIds.get(a.ou) ?? '' }),
      );
    }
    return orgs;
  }

  it('finds the same accounts, OU paths, tags and stages in both', async () => {
    const fromSandbox = await discoverOrganization(
      createOrganizationsClient({ credentials: keysOf(sb, 'alice'), endpoint: sb.endpoint }),
    );
    // Two OUs, three accounts: what the comparison needs, and what moto builds quickly.
    const chosen = fromSandbox.accounts.filter((a) => ['development', 'production', 'client-acme'].includes(a.name));
    await mirrorIntoMoto(chosen);
    const fromMoto = await discoverOrganization(
      createOrganizationsClient({
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret' },
        endpoint: moto.endpoint,
      }),
    );
    const shape = (org: DiscoveredOrganization) =>
      org.accounts
        .filter((a) => !a.management)
        .map((a) => ({ name: a.name, ou: a.ou, tags: a.tags, stage: a.stage, color: a.color }));
    expect(shape(fromMoto)).toEqual(shape({ ...fromSandbox, accounts: chosen }));
    expect(shape(fromMoto).map((a) => [a.name, a.ou, a.stage])).toEqual([
      ['client-acme', '/Clients', 'client'],
      ['development', '/Workloads', 'dev'],
      ['production', '/Workloads', 'prod'],
    ]);
    // Both mark their own management account and no other.
    expect(fromMoto.accounts.filter((a) => a.management).map((a) => [a.id, a.ou])).toEqual([
      [fromMoto.managementAccountId, '/'],
    ]);
    expect(fromMoto.managementAccountId).toBe('123456789012');
    expect(fromMoto.accounts).toHaveLength(4);
    roundTrip(fromMoto);
  });
});
