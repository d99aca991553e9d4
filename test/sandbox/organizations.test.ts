import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateOrganizationCommand,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
} from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import {
  CLIENT_ACME,
  DEVELOPMENT,
  MANAGEMENT,
  PRODUCTION,
  STAGING,
  assume,
  clientConfig,
  failure,
  keysOf,
  readOnlySession,
} from '../helpers/sandbox-clients.js';
import { runAwsCli } from '../helpers/limited-role.js';
import { startMoto, type Moto } from '../helpers/moto.js';

const ORG = 'o-sandbox0001';
const ROOT = 'r-sb01';
const MEMBER_DENIED = { name: 'AccessDeniedException', message: "You don't have permissions to access this resource." };

let sb: Sandbox;
let alice: OrganizationsClient;
let member: OrganizationsClient;
let memberCreds: AwsCredentialIdentity;
const orgs = (creds: AwsCredentialIdentity) => new OrganizationsClient(clientConfig(sb, creds));

beforeAll(async () => {
  sb = await startTestSandbox();
  alice = orgs(keysOf(sb, 'alice'));
  memberCreds = await readOnlySession(sb, DEVELOPMENT);
  member = orgs(memberCreds);
});
afterAll(async () => {
  await sb.stop();
});

async function ouIds(): Promise<{ workloads: string; clients: string }> {
  const out = await alice.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT }));
  const id = (name: string) => out.OrganizationalUnits?.find((ou) => ou.Name === name)?.Id ?? '';
  return { workloads: id('Workloads'), clients: id('Clients') };
}

describe('ListAccounts', () => {
  it('lists the five accounts of the demo organization to the management account', async () => {
    const out = await alice.send(new ListAccountsCommand({}));
    expect(out.NextToken).toBeUndefined();
    expect(out.Accounts?.map((a) => [a.Id, a.Name])).toEqual([
      [MANAGEMENT, 'management'],
      [DEVELOPMENT, 'development'],
      [STAGING, 'staging'],
      [PRODUCTION, 'production'],
      [CLIENT_ACME, 'client-acme'],
    ]);
    const prod = out.Accounts?.find((a) => a.Id === PRODUCTION);
    expect(prod).toMatchObject({
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG}/${PRODUCTION}`,
      Email: 'aws+production@example.com',
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
    });
    expect(prod?.JoinedTimestamp).toBeInstanceOf(Date);
    expect(out.Accounts?.find((a) => a.Id === MANAGEMENT)?.JoinedMethod).toBe('INVITED');
  });

  it('refuses a member account, even with a read-only policy that allows organizations:List*', async () => {
    expect(await failure(member.send(new ListAccountsCommand({})))).toMatchObject({ ...MEMBER_DENIED, status: 400 });
  });

  it("refuses a management-account role whose identity policy does not allow it, with IAM's message", async () => {
    const hub = orgs(await assume(sb, keysOf(sb, 'alice'), MANAGEMENT, 'CrossbarHub'));
    const f = await failure(hub.send(new ListAccountsCommand({})));
    expect(f.name).toBe('AccessDeniedException');
    expect(f.message).toBe(
      `User: arn:aws:sts::${MANAGEMENT}:assumed-role/CrossbarHub/test-session is not authorized to perform: organizations:ListAccounts on resource: * because no identity-based policy allows the organizations:ListAccounts action`,
    );
  });

  it('pages with MaxResults and NextToken, as the SDK paginator expects', async () => {
    const pages: string[][] = [];
    for await (const page of paginateListAccounts({ client: alice, pageSize: 2 }, {}))
      pages.push((page.Accounts ?? []).map((a) => a.Id ?? ''));
    expect(pages).toEqual([[MANAGEMENT, DEVELOPMENT], [STAGING, PRODUCTION], [CLIENT_ACME]]);
  });

  it('refuses a forged token and an out-of-range MaxResults with InvalidInputException', async () => {
    const forged = await failure(alice.send(new ListAccountsCommand({ NextToken: 'bm90LWEtdG9rZW4=' })));
    expect(forged).toMatchObject({
      name: 'InvalidInputException',
      message: 'You specified an invalid value for nextToken.',
    });
    const token = (await alice.send(new ListAccountsCommand({ MaxResults: 1 }))).NextToken;
    expect(token).toBeDefined();
    const elsewhere = await failure(
      alice.send(new ListChildrenCommand({ ParentId: ROOT, ChildType: 'ACCOUNT', NextToken: token })),
    );
    expect(elsewhere.name).toBe('InvalidInputException');
    const tooMany = await failure(alice.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany.name).toBe('InvalidInputException');
    expect(tooMany.message).toContain('less than or equal to 20');
  });
});

describe('DescribeOrganization', () => {
  it('answers the management account and members alike', async () => {
    for (const client of [alice, member]) {
      const out = await client.send(new DescribeOrganizationCommand({}));
      expect(out.Organization).toMatchObject({
        Id: ORG,
        FeatureSet: 'ALL',
        MasterAccountId: MANAGEMENT,
        MasterAccountEmail: 'aws+management@example.com',
        MasterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG}/${MANAGEMENT}`,
      });
    }
  });

  it('but ListRoots is for the management account only', async () => {
    const out = await alice.send(new ListRootsCommand({}));
    expect(out.Roots).toEqual([
      { Id: ROOT, Arn: `arn:aws:organizations::${MANAGEMENT}:root/${ORG}/${ROOT}`, Name: 'Root', PolicyTypes: [] },
    ]);
    expect(await failure(member.send(new ListRootsCommand({})))).toMatchObject(MEMBER_DENIED);
  });
});

describe('the OU tree', () => {
  it('has /Workloads with development, staging, production and /Clients with client-acme', async () => {
    const { workloads, clients } = await ouIds();
    expect(workloads).toMatch(/^ou-sb01-[a-z0-9]{8}$/);
    const ids = async (parent: string) =>
      (await alice.send(new ListAccountsForParentCommand({ ParentId: parent }))).Accounts?.map((a) => a.Name);
    expect(await ids(workloads)).toEqual(['development', 'staging', 'production']);
    expect(await ids(clients)).toEqual(['client-acme']);
    expect(await ids(ROOT)).toEqual(['management']);
    const ou = await alice.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: workloads }));
    expect(ou.OrganizationalUnit).toEqual({
      Id: workloads,
      Name: 'Workloads',
      Arn: `arn:aws:organizations::${MANAGEMENT}:ou/${ORG}/${workloads}`,
      Path: `${ORG}/${ROOT}/${workloads}/`,
    });
  });

  it('lists children by type', async () => {
    const { workloads, clients } = await ouIds();
    const ous = await alice.send(new ListChildrenCommand({ ParentId: ROOT, ChildType: 'ORGANIZATIONAL_UNIT' }));
    expect(ous.Children).toEqual([
      { Id: workloads, Type: 'ORGANIZATIONAL_UNIT' },
      { Id: clients, Type: 'ORGANIZATIONAL_UNIT' },
    ]);
    const accounts = await alice.send(new ListChildrenCommand({ ParentId: workloads, ChildType: 'ACCOUNT' }));
    expect(accounts.Children?.map((c) => c.Id)).toEqual([DEVELOPMENT, STAGING, PRODUCTION]);
  });

  it('refuses unknown and malformed parents, and members', async () => {
    expect(await failure(alice.send(new ListAccountsForParentCommand({ ParentId: 'ou-sb01-zzzzzzzz' })))).toMatchObject(
      { name: 'ParentNotFoundException' },
    );
    expect(
      await failure(alice.send(new ListChildrenCommand({ ParentId: 'not-an-ou', ChildType: 'ACCOUNT' }))),
    ).toMatchObject({ name: 'InvalidInputException' });
    expect(
      await failure(alice.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-sb01-zzzzzzzz' }))),
    ).toMatchObject({ name: 'OrganizationalUnitNotFoundException' });
    expect(await failure(member.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT })))).toMatchObject(
      MEMBER_DENIED,
    );
  });
});

describe('ListParents, DescribeAccount, ListTagsForResource', () => {
  it('gives an account its OU, an OU and the management account the root', async () => {
    const { workloads } = await ouIds();
    expect((await alice.send(new ListParentsCommand({ ChildId: PRODUCTION }))).Parents).toEqual([
      { Id: workloads, Type: 'ORGANIZATIONAL_UNIT' },
    ]);
    expect((await alice.send(new ListParentsCommand({ ChildId: workloads }))).Parents).toEqual([
      { Id: ROOT, Type: 'ROOT' },
    ]);
    expect((await alice.send(new ListParentsCommand({ ChildId: MANAGEMENT }))).Parents).toEqual([
      { Id: ROOT, Type: 'ROOT' },
    ]);
    expect(await failure(alice.send(new ListParentsCommand({ ChildId: '999999999999' })))).toMatchObject({
      name: 'ChildNotFoundException',
    });
    expect(await failure(member.send(new ListParentsCommand({ ChildId: DEVELOPMENT })))).toMatchObject(MEMBER_DENIED);
  });

  it('describes an account, and refuses unknown and malformed ids', async () => {
    const out = await alice.send(new DescribeAccountCommand({ AccountId: CLIENT_ACME }));
    expect(out.Account).toMatchObject({
      Id: CLIENT_ACME,
      Name: 'client-acme',
      Status: 'ACTIVE',
      JoinedMethod: 'CREATED',
    });
    expect(await failure(alice.send(new DescribeAccountCommand({ AccountId: '999999999998' })))).toMatchObject({
      name: 'AccountNotFoundException',
      message: "You specified an account that doesn't exist.",
    });
    expect(await failure(alice.send(new DescribeAccountCommand({ AccountId: 'abc' })))).toMatchObject({
      name: 'InvalidInputException',
    });
    expect(await failure(member.send(new DescribeAccountCommand({ AccountId: DEVELOPMENT })))).toMatchObject(
      MEMBER_DENIED,
    );
  });

  it("lists an account's tags; roots and OUs have none; unknown targets are refused", async () => {
    const tags = await alice.send(new ListTagsForResourceCommand({ ResourceId: PRODUCTION }));
    expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      stage: 'prod',
      color: 'red',
      team: 'payments',
      'cost-center': 'cc-200',
    });
    expect((await alice.send(new ListTagsForResourceCommand({ ResourceId: ROOT }))).Tags).toEqual([]);
    expect(await failure(alice.send(new ListTagsForResourceCommand({ ResourceId: '999999999999' })))).toMatchObject({
      name: 'TargetNotFoundException',
    });
    expect(await failure(member.send(new ListTagsForResourceCommand({ ResourceId: DEVELOPMENT })))).toMatchObject(
      MEMBER_DENIED,
    );
  });
});

describe('the AWS CLI', () => {
  it('lists the accounts as alice', async () => {
    const out = await runAwsCli(sb, keysOf(sb, 'alice'), ['organizations', 'list-accounts']);
    expect(out.code).toBe(0);
    const parsed = JSON.parse(out.stdout) as { Accounts: { Id: string; JoinedTimestamp: unknown }[] };
    expect(parsed.Accounts.map((a) => a.Id)).toEqual([MANAGEMENT, DEVELOPMENT, STAGING, PRODUCTION, CLIENT_ACME]);
    // CLI v1 prints the wire's epoch seconds as they came.
    const joined = new Date(Number(parsed.Accounts[0]?.JoinedTimestamp) * 1000).toISOString();
    expect(joined).toBe(sb.world.accounts[MANAGEMENT]?.joinedTimestamp.replace('Z', '.000Z'));
  });

  it("shows the member account AWS's refusal", async () => {
    const out = await runAwsCli(sb, memberCreds, ['organizations', 'list-accounts']);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(
      "An error occurred (AccessDeniedException) when calling the ListAccounts operation: You don't have permissions to access this resource.",
    );
  });
});

describe('a generated organization of 300 accounts', () => {
  let big: Sandbox;
  beforeAll(async () => {
    big = await startTestSandbox({ org: 'generated:300' });
  });
  afterAll(async () => {
    await big.stop();
  });

  it('pages through all 301 accounts, 20 at a time', async () => {
    const client = new OrganizationsClient(clientConfig(big, keysOf(big, 'alice')));
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client }, {})) {
      pages += 1;
      expect(page.Accounts?.length).toBeLessThanOrEqual(20);
      ids.push(...(page.Accounts ?? []).map((a) => a.Id ?? ''));
    }
    expect(ids).toHaveLength(301);
    expect(new Set(ids).size).toBe(301);
    expect(ids.at(-1)).toBe('200000000300');
    expect(pages).toBe(16);
  });

  it('pages through one stage OU', async () => {
    const client = new OrganizationsClient(clientConfig(big, keysOf(big, 'alice')));
    const workloads =
      (await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT }))).OrganizationalUnits?.[0]
        ?.Id ?? '';
    const prodOu =
      (
        await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: workloads }))
      ).OrganizationalUnits?.find((o) => o.Name === 'prod')?.Id ?? '';
    let count = 0;
    for await (const page of paginateListAccountsForParent({ client, pageSize: 7 }, { ParentId: prodOu }))
      count += page.Accounts?.length ?? 0;
    expect(count).toBe(100);
  });
});

describe('agreement with moto', () => {
  let moto: Moto;
  let motoClient: OrganizationsClient;
  let motoRoot: string;
  beforeAll(async () => {
    moto = await startMoto();
    motoClient = new OrganizationsClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    await motoClient.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    motoRoot = (await motoClient.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  });
  afterAll(async () => {
    await moto.stop();
  });

  // moto differs where AWS's model says otherwise, and those cases are left out: it answers ListParents of an
  // unknown account with AccountNotFoundException (AWS: ChildNotFoundException), does not check id patterns
  // or MaxResults, and refuses a forged NextToken with `InvalidToken`, a code Organizations does not have.
  it('refuses unknown accounts, OUs, parents, targets and child types alike', async () => {
    const both = async (call: (client: OrganizationsClient, root: string) => Promise<unknown>) => {
      const [ours, theirs] = [await failure(call(alice, ROOT)), await failure(call(motoClient, motoRoot))];
      expect(ours).toEqual(theirs);
    };
    await both((c) => c.send(new DescribeAccountCommand({ AccountId: '999999999998' })));
    await both((c) => c.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-sb01-zzzzzzzz' })));
    await both((c) => c.send(new ListChildrenCommand({ ParentId: 'ou-sb01-zzzzzzzz', ChildType: 'ACCOUNT' })));
    await both((c, root) => c.send(new ListChildrenCommand({ ParentId: root, ChildType: 'HANDSHAKE' as 'ACCOUNT' })));
    await both((c) => c.send(new ListTagsForResourceCommand({ ResourceId: '999999999998' })));
  });

  it("answers a root's tags and its own DescribeOrganization shape alike", async () => {
    expect((await motoClient.send(new ListTagsForResourceCommand({ ResourceId: motoRoot }))).Tags).toEqual(
      (await alice.send(new ListTagsForResourceCommand({ ResourceId: ROOT }))).Tags,
    );
    const keys = async (c: OrganizationsClient) =>
      Object.keys((await c.send(new DescribeOrganizationCommand({}))).Organization ?? {}).sort();
    expect(await keys(alice)).toEqual(await keys(motoClient));
  });
});
