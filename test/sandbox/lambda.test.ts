import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { workloadsIn } from '../../src/sandbox/world/workloads.js';
import { DEVELOPMENT, PRODUCTION, clientConfig, failure, keysOf, readOnlySession } from '../helpers/sandbox-clients.js';
import { limitedSession, runAwsCli } from '../helpers/limited-role.js';

let sb: Sandbox;
let dev: AwsCredentialIdentity;
let prod: AwsCredentialIdentity;
beforeAll(async () => {
  sb = await startTestSandbox();
  dev = await readOnlySession(sb, DEVELOPMENT);
  prod = await readOnlySession(sb, PRODUCTION);
});
afterAll(async () => {
  await sb.stop();
});

const lambda = (creds: AwsCredentialIdentity, region = 'us-east-1') =>
  new LambdaClient(clientConfig(sb, creds, region));
const seededNames = (accountId: string, region: string) =>
  workloadsIn(sb.world, sb.world.accounts[accountId], region)
    .functions.map((f) => f.name)
    .sort();

describe('ListFunctions', () => {
  it("lists production's us-east-1 functions, orders-api among them, with Lambda's shapes", async () => {
    const out = await lambda(prod).send(new ListFunctionsCommand({}));
    const names = out.Functions?.map((f) => f.FunctionName);
    expect(names).toEqual(seededNames(PRODUCTION, 'us-east-1'));
    expect(names).toContain('orders-api');
    expect(names).toHaveLength(3);
    expect(out.NextMarker).toBeUndefined();
    const orders = out.Functions?.find((f) => f.FunctionName === 'orders-api');
    expect(orders).toMatchObject({
      FunctionArn: `arn:aws:lambda:us-east-1:${PRODUCTION}:function:orders-api`,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Version: '$LATEST',
      PackageType: 'Zip',
      Environment: { Variables: { STAGE: 'prod', TABLE_NAME: 'orders' } },
    });
    expect(orders?.Role).toMatch(
      new RegExp(`^arn:aws:iam::${PRODUCTION}:role/service-role/orders-api-role-[a-z0-9]{8}$`),
    );
    expect(orders?.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(typeof orders?.CodeSize).toBe('number');
    expect([128, 256, 512, 1024]).toContain(orders?.MemorySize);
    expect(orders?.Timeout).toBeGreaterThan(0);
    // ListFunctions returns a subset: State and LastUpdateStatus only come with GetFunction.
    expect(orders?.State).toBeUndefined();
    expect(orders?.LastUpdateStatus).toBeUndefined();
  });

  it('answers per account and per region', async () => {
    const devEast = await lambda(dev).send(new ListFunctionsCommand({}));
    const devWest = await lambda(dev, 'eu-west-1').send(new ListFunctionsCommand({}));
    expect(devEast.Functions?.map((f) => f.FunctionName)).toEqual(seededNames(DEVELOPMENT, 'us-east-1'));
    expect(devWest.Functions?.map((f) => f.FunctionName)).toEqual(seededNames(DEVELOPMENT, 'eu-west-1'));
    for (const f of devWest.Functions ?? [])
      expect(f.FunctionArn).toMatch(new RegExp(`^arn:aws:lambda:eu-west-1:${DEVELOPMENT}:function:`));
    expect(devEast.Functions?.length).toBeGreaterThanOrEqual(1);
    expect(devEast.Functions?.length).toBeLessThanOrEqual(3);
    expect(devEast.Functions?.map((f) => f.FunctionName)).not.toContain('orders-api');
    // The management account runs no workloads: an empty list, not an error.
    expect((await lambda(keysOf(sb, 'bob')).send(new ListFunctionsCommand({}))).Functions).toEqual([]);
  });

  it('pages with MaxItems and NextMarker through the SDK paginator', async () => {
    const pages: string[][] = [];
    for await (const page of paginateListFunctions({ client: lambda(prod), pageSize: 1 }, {}))
      pages.push((page.Functions ?? []).map((f) => f.FunctionName ?? ''));
    expect(pages).toHaveLength(3);
    expect(pages.flat()).toEqual(seededNames(PRODUCTION, 'us-east-1'));
    const first = await lambda(prod).send(new ListFunctionsCommand({ MaxItems: 2 }));
    expect(first.Functions).toHaveLength(2);
    expect(first.NextMarker).toEqual(expect.any(String));
  });

  it('refuses MaxItems 0 and a forged Marker', async () => {
    expect(await failure(lambda(prod).send(new ListFunctionsCommand({ MaxItems: 0 })))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
      status: 400,
    });
    expect(await failure(lambda(prod).send(new ListFunctionsCommand({ Marker: 'forged' })))).toMatchObject({
      name: 'InvalidParameterValueException',
      status: 400,
    });
  });

  it('works in an opt-in region production enabled and refuses it for development', async () => {
    const out = await lambda(prod, 'eu-south-1').send(new ListFunctionsCommand({}));
    expect(out.Functions?.map((f) => f.FunctionName)).toEqual(seededNames(PRODUCTION, 'eu-south-1'));
    expect(out.Functions?.length).toBeGreaterThan(0);
    expect(await failure(lambda(dev, 'eu-south-1').send(new ListFunctionsCommand({})))).toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    expect((await failure(lambda(dev, 'xx-nowhere-1').send(new ListFunctionsCommand({})))).name).toBe('InvalidRegion');
  });
});

describe('GetFunction, GetFunctionConfiguration, ListTags', () => {
  it('gets a function by name and by ARN, with its tags and code location', async () => {
    const out = await lambda(prod).send(new GetFunctionCommand({ FunctionName: 'orders-api' }));
    expect(out.Configuration).toMatchObject({
      FunctionName: 'orders-api',
      State: 'Active',
      LastUpdateStatus: 'Successful',
    });
    expect(out.Tags).toEqual({ stage: 'prod', 'managed-by': 'terraform' });
    expect(out.Code?.RepositoryType).toBe('S3');
    expect(out.Code?.Location).toMatch(/^https:\/\/awslambda-us-east-1-tasks\.s3\.us-east-1\.amazonaws\.com\//);
    const arn = `arn:aws:lambda:us-east-1:${PRODUCTION}:function:orders-api`;
    const byArn = await lambda(prod).send(new GetFunctionConfigurationCommand({ FunctionName: arn }));
    expect(byArn.FunctionArn).toBe(arn);
    expect(byArn.RevisionId).toBe(out.Configuration?.RevisionId);
    expect((await lambda(prod).send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual(out.Tags);
  });

  it('answers ResourceNotFoundException (404) for an unknown function, qualifier or another region', async () => {
    expect(await failure(lambda(prod).send(new GetFunctionCommand({ FunctionName: 'nope' })))).toEqual({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:us-east-1:${PRODUCTION}:function:nope`,
      status: 404,
    });
    expect(
      (await failure(lambda(prod).send(new GetFunctionCommand({ FunctionName: 'orders-api', Qualifier: '7' }))))
        .message,
    ).toBe(`Function not found: arn:aws:lambda:us-east-1:${PRODUCTION}:function:orders-api:7`);
    expect(
      (await failure(lambda(prod, 'eu-west-1').send(new GetFunctionCommand({ FunctionName: 'orders-api' })))).name,
    ).toBe('ResourceNotFoundException');
  });
});

describe('authorization', () => {
  it('denies a role without lambda permissions with AccessDeniedException (403)', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    expect(await failure(lambda(ec2Only).send(new ListFunctionsCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/Ec2OnlyAuditor/test-session is not authorized to perform: lambda:ListFunctions on resource: * because no identity-based policy allows the lambda:ListFunctions action`,
      status: 403,
    });
    // The region is checked before any policy.
    expect((await failure(lambda(ec2Only, 'eu-south-1').send(new ListFunctionsCommand({})))).name).toBe(
      'UnrecognizedClientException',
    );
  });

  it('names the function ARN when only listing is allowed', async () => {
    const lister = await limitedSession(sb, DEVELOPMENT, 'LambdaLister', ['lambda:ListFunctions']);
    const [name = ''] = seededNames(DEVELOPMENT, 'us-east-1');
    expect((await lambda(lister).send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).toContain(
      name,
    );
    const f = await failure(lambda(lister).send(new GetFunctionCommand({ FunctionName: name })));
    expect(f.name).toBe('AccessDeniedException');
    expect(f.message).toContain(
      `lambda:GetFunction on resource: arn:aws:lambda:us-east-1:${DEVELOPMENT}:function:${name} because`,
    );
  });
});

describe('AWS CLI', () => {
  it('aws lambda list-functions and get-function', async () => {
    const list = await runAwsCli(sb, prod, ['lambda', 'list-functions']);
    expect(list.stderr).toBe('');
    const parsed = JSON.parse(list.stdout) as { Functions: { FunctionName: string; LastModified: string }[] };
    expect(parsed.Functions.map((f) => f.FunctionName)).toEqual(seededNames(PRODUCTION, 'us-east-1'));
    expect(parsed.Functions[0]?.LastModified).toMatch(/\+0000$/);
    const missing = await runAwsCli(sb, prod, ['lambda', 'get-function', '--function-name', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      '(ResourceNotFoundException) when calling the GetFunction operation: Function not found',
    );
  }, 60_000);
});
