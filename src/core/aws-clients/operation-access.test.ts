import { describe, expect, it } from 'vitest';
import { findOperation } from './find-operation.js';
import { operationAccess } from './operation-access.js';
import { isGlobalOperation, resolveService } from './services.js';

/** Read or write, from the SDK's own service model and AWS's read verbs: the rule `crossbar run` enforces. */
const access = async (service: string, operation: string) => operationAccess(await findOperation(service, operation));

describe('operationAccess', () => {
  it.each([
    ['ec2', 'DescribeInstances', 'its name starts with Describe'],
    ['iam', 'ListUsers', 'its name starts with List'],
    ['s3', 'GetBucketTagging', 'the service model binds it to HTTP GET'],
    ['s3', 'HeadBucket', 'the service model binds it to HTTP HEAD'],
    ['cloudtrail', 'LookupEvents', 'its name starts with Lookup'],
    ['sts', 'GetCallerIdentity', 'its name starts with Get'],
    ['dynamodb', 'Scan', "AWS's documentation classes it as a read"],
    ['dynamodb', 'Query', "AWS's documentation classes it as a read"],
  ])('%s %s reads: %s', async (service, operation, why) => {
    expect(await access(service, operation)).toEqual({ read: true, why });
  });

  it.each([
    ['iam', 'CreateUser'],
    ['ec2', 'TerminateInstances'],
    ['ec2', 'RunInstances'],
    ['s3', 'DeleteBucket'],
    ['s3', 'PutBucketPolicy'],
    ['lambda', 'Invoke'],
    ['dynamodb', 'PutItem'],
    ['dynamodb', 'ExecuteStatement'],
    ['organizations', 'CloseAccount'],
  ])('%s %s is a write', async (service, operation) => {
    const result = await access(service, operation);
    expect(result.read).toBe(false);
    expect(result.why).toMatch(/says it only reads/);
  });

  it('a read verb inside a name is not a read: DescribeX must start the name', async () => {
    // ec2 ModifyInstanceAttribute contains no read verb at its start; GetObject's verb is at its start.
    expect((await access('ec2', 'ModifyInstanceAttribute')).read).toBe(false);
    expect((await access('s3', 'GetObject')).read).toBe(true);
  });
});

describe('isGlobalOperation', () => {
  it('IAM, Organizations and Cost Explorer are global; of S3 only ListBuckets; EC2 never', () => {
    expect(isGlobalOperation(resolveService('iam'), 'ListUsers')).toBe(true);
    expect(isGlobalOperation(resolveService('organizations'), 'ListAccounts')).toBe(true);
    expect(isGlobalOperation(resolveService('ce'), 'GetCostAndUsage')).toBe(true);
    expect(isGlobalOperation(resolveService('s3'), 'ListBuckets')).toBe(true);
    expect(isGlobalOperation(resolveService('s3'), 'GetBucketTagging')).toBe(false);
    expect(isGlobalOperation(resolveService('ec2'), 'DescribeInstances')).toBe(false);
  });
});
