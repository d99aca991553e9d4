import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
  paginateDescribeConfigRules,
} from '@aws-sdk/client-config-service';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { DEVELOPMENT, PRODUCTION, clientConfig, failure, keysOf, readOnlySession } from '../helpers/sandbox-clients.js';
import { limitedSession } from '../helpers/limited-role.js';

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

const config = (creds: AwsCredentialIdentity, region = 'us-east-1') =>
  new ConfigServiceClient(clientConfig(sb, creds, region));

describe('DescribeConfigurationRecorders and their status', () => {
  it('reports the default recorder of a member account, recording global resources in us-east-1 only', async () => {
    const east = await config(dev).send(new DescribeConfigurationRecordersCommand({}));
    expect(east.ConfigurationRecorders).toHaveLength(1);
    expect(east.ConfigurationRecorders?.[0]).toMatchObject({
      name: 'default',
      roleARN: `arn:aws:iam::${DEVELOPMENT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
      recordingMode: { recordingFrequency: 'CONTINUOUS' },
    });
    expect(east.ConfigurationRecorders?.[0]?.arn).toMatch(
      new RegExp(`^arn:aws:config:us-east-1:${DEVELOPMENT}:configuration-recorder/default/`),
    );
    const west = await config(dev, 'eu-west-1').send(new DescribeConfigurationRecordersCommand({}));
    expect(west.ConfigurationRecorders?.[0]?.recordingGroup?.includeGlobalResourceTypes).toBe(false);
    const status = await config(dev).send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(status.ConfigurationRecordersStatus?.[0]).toMatchObject({
      name: 'default',
      recording: true,
      lastStatus: 'Success',
    });
    expect(status.ConfigurationRecordersStatus?.[0]?.lastStartTime).toBeInstanceOf(Date);
  });

  it('has none in the management account and none in regions without workloads', async () => {
    expect(
      (await config(keysOf(sb, 'bob')).send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders,
    ).toEqual([]);
    expect(
      (await config(dev, 'ap-south-1').send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders,
    ).toEqual([]);
  });

  it('refuses an unknown recorder name', async () => {
    expect(
      await failure(
        config(dev).send(new DescribeConfigurationRecordersCommand({ ConfigurationRecorderNames: ['ghost'] })),
      ),
    ).toEqual({
      name: 'NoSuchConfigurationRecorderException',
      message: "Cannot find configuration recorder with the specified name 'ghost'.",
      status: 400,
    });
  });
});

describe('DescribeConfigRules', () => {
  it('lists the AWS managed rules production evaluates, and none in development', async () => {
    const out = await config(prod).send(new DescribeConfigRulesCommand({}));
    expect(out.ConfigRules?.map((r) => r.ConfigRuleName)).toEqual([
      'rds-storage-encrypted',
      's3-bucket-public-read-prohibited',
    ]);
    const rule = out.ConfigRules?.[1];
    expect(rule).toMatchObject({
      Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
      ConfigRuleState: 'ACTIVE',
      Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
    });
    expect(rule?.ConfigRuleId).toMatch(/^config-rule-[a-z0-9]{6}$/);
    expect(rule?.ConfigRuleArn).toBe(`arn:aws:config:us-east-1:${PRODUCTION}:config-rule/${rule?.ConfigRuleId}`);
    expect((await config(dev).send(new DescribeConfigRulesCommand({}))).ConfigRules).toEqual([]);
    const pages = [];
    for await (const page of paginateDescribeConfigRules({ client: config(prod) }, {}))
      pages.push(page.ConfigRules?.length);
    expect(pages).toEqual([2]);
  });

  it('selects by name; unknown names and forged tokens are refused', async () => {
    const one = await config(prod).send(new DescribeConfigRulesCommand({ ConfigRuleNames: ['rds-storage-encrypted'] }));
    expect(one.ConfigRules?.map((r) => r.ConfigRuleName)).toEqual(['rds-storage-encrypted']);
    expect(await failure(config(prod).send(new DescribeConfigRulesCommand({ ConfigRuleNames: ['ghost'] })))).toEqual({
      name: 'NoSuchConfigRuleException',
      message: "The ConfigRule 'ghost' provided in the request is invalid. Please check the configRule name",
      status: 400,
    });
    expect((await failure(config(prod).send(new DescribeConfigRulesCommand({ NextToken: 'forged' })))).name).toBe(
      'InvalidNextTokenException',
    );
  });
});

describe('regions and authorization', () => {
  it('refuses a disabled opt-in region', async () => {
    expect((await failure(config(dev, 'eu-south-1').send(new DescribeConfigRulesCommand({})))).name).toBe(
      'UnrecognizedClientException',
    );
    expect(
      (await config(prod, 'eu-south-1').send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders,
    ).toHaveLength(1);
  });

  it('denies a role without config permissions, naming no resource', async () => {
    const ec2Only = await limitedSession(sb, DEVELOPMENT, 'Ec2OnlyAuditor', ['ec2:Describe*']);
    expect(await failure(config(ec2Only).send(new DescribeConfigRulesCommand({})))).toEqual({
      name: 'AccessDeniedException',
      message: `User: arn:aws:sts::${DEVELOPMENT}:assumed-role/Ec2OnlyAuditor/test-session is not authorized to perform: config:DescribeConfigRules because no identity-based policy allows the config:DescribeConfigRules action`,
      status: 400,
    });
  });
});
