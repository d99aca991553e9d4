import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServiceModel } from '../model/service-model.js';
import { serializeError, wireErrorCode } from './errors.js';
import { startFakeEndpoint, type FakeEndpoint } from '../../../test/helpers/fake-endpoint.js';

const sts = loadServiceModel('sts');
const iam = loadServiceModel('iam');
const ec2 = loadServiceModel('ec2');
const organizations = loadServiceModel('organizations');
const s3 = loadServiceModel('s3');

let endpoint: FakeEndpoint;
beforeAll(async () => {
  endpoint = await startFakeEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

const config = () => ({
  endpoint: endpoint.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
  maxAttempts: 1,
});

/** Sends a request that the endpoint answers with `answer` and returns what the SDK threw. */
async function sdkError(send: () => Promise<unknown>): Promise<{
  name: string;
  message: string;
  status: number | undefined;
  requestId: string | undefined;
  fault: unknown;
}> {
  try {
    await send();
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const metadata: { httpStatusCode?: number; requestId?: string } = Reflect.get(err, '$metadata') ?? {};
    return {
      name: err.name,
      message: err.message,
      status: metadata.httpStatusCode,
      requestId: metadata.requestId,
      fault: Reflect.get(err, '$fault'),
    };
  }
  throw new Error('the SDK accepted an error response as a success');
}

describe('serializeError, judged by the SDK', () => {
  it('query: IAM NoSuchEntity 404 becomes the modelled NoSuchEntityException', async () => {
    endpoint.answer(
      serializeError(
        iam,
        { code: 'NoSuchEntity', message: 'The role with name Nope cannot be found.', status: 404 },
        'req-1',
      ),
    );
    const err = await sdkError(() => new IAMClient(config()).send(new GetRoleCommand({ RoleName: 'Nope' })));
    expect(err).toEqual({
      name: 'NoSuchEntityException',
      message: 'The role with name Nope cannot be found.',
      status: 404,
      requestId: 'req-1',
      fault: 'client',
    });
  });

  it('query: STS AccessDenied 403 (not modelled) keeps its code as name', async () => {
    const message =
      'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::2:role/R';
    endpoint.answer(serializeError(sts, { code: 'AccessDenied', message, status: 403 }, 'req-2'));
    const err = await sdkError(() =>
      new STSClient(config()).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::2:role/R', RoleSessionName: 's' })),
    );
    expect(err).toMatchObject({ name: 'AccessDenied', message, status: 403, requestId: 'req-2', fault: 'client' });
  });

  it('ec2: AuthFailure 401 and RequestLimitExceeded 503', async () => {
    endpoint.answer(
      serializeError(
        ec2,
        { code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials', status: 401 },
        'req-3',
      ),
    );
    const auth = await sdkError(() => new EC2Client(config()).send(new DescribeRegionsCommand({})));
    expect(auth).toMatchObject({
      name: 'AuthFailure',
      message: 'AWS was not able to validate the provided access credentials',
      status: 401,
      requestId: 'req-3',
    });
    endpoint.answer(
      serializeError(ec2, { code: 'RequestLimitExceeded', message: 'Request limit exceeded.', status: 503 }, 'req-4'),
    );
    const throttled = await sdkError(() => new EC2Client(config()).send(new DescribeRegionsCommand({})));
    expect(throttled).toMatchObject({
      name: 'RequestLimitExceeded',
      message: 'Request limit exceeded.',
      status: 503,
      requestId: 'req-4',
    });
  });

  it('json: Organizations AccessDeniedException and AWSOrganizationsNotInUseException', async () => {
    endpoint.answer(
      serializeError(
        organizations,
        { code: 'AccessDeniedException', message: "You don't have permissions to access this resource.", status: 400 },
        'req-5',
      ),
    );
    const denied = await sdkError(() => new OrganizationsClient(config()).send(new ListAccountsCommand({})));
    expect(denied).toEqual({
      name: 'AccessDeniedException',
      message: "You don't have permissions to access this resource.",
      status: 400,
      requestId: 'req-5',
      fault: 'client',
    });
    endpoint.answer(
      serializeError(
        organizations,
        {
          code: 'AWSOrganizationsNotInUseException',
          message: 'Your account is not a member of an organization.',
          status: 400,
        },
        'req-6',
      ),
    );
    const notInUse = await sdkError(() => new OrganizationsClient(config()).send(new ListAccountsCommand({})));
    expect(notInUse).toMatchObject({
      name: 'AWSOrganizationsNotInUseException',
      message: 'Your account is not a member of an organization.',
      status: 400,
      requestId: 'req-6',
    });
  });

  it('rest-xml: S3 AccessDenied 403', async () => {
    endpoint.answer(serializeError(s3, { code: 'AccessDenied', message: 'Access Denied', status: 403 }, 'req-7'));
    const s3Client = new S3Client({ ...config(), forcePathStyle: true });
    const err = await sdkError(() => s3Client.send(new ListBucketsCommand({})));
    expect(err).toMatchObject({ name: 'AccessDenied', message: 'Access Denied', status: 403, requestId: 'req-7' });
  });
});

describe('serializeError, the bytes', () => {
  it('query: ErrorResponse with Type, escaped text and the request id', () => {
    const answer = serializeError(
      iam,
      { code: 'MalformedPolicyDocument', message: 'Bad <policy> & more', status: 400 },
      'rid',
    );
    expect(answer.body).toBe(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>MalformedPolicyDocument</Code><Message>Bad &lt;policy&gt; &amp; more</Message></Error><RequestId>rid</RequestId></ErrorResponse>',
    );
    expect(answer.headers).toMatchObject({ 'Content-Type': 'text/xml', 'x-amzn-RequestId': 'rid' });
    expect(serializeError(sts, { code: 'InternalFailure', message: 'x', status: 500 }, 'rid').body).toContain(
      '<Type>Receiver</Type>',
    );
  });

  it('query: a shape name is sent as its wire code', () => {
    expect(wireErrorCode(iam, 'NoSuchEntityException')).toBe('NoSuchEntity');
    expect(wireErrorCode(iam, 'NoSuchEntity')).toBe('NoSuchEntity');
    expect(serializeError(iam, { code: 'NoSuchEntityException', message: 'm', status: 404 }, 'r').body).toContain(
      '<Code>NoSuchEntity</Code>',
    );
  });

  it('ec2: Response/Errors/Error and RequestID', () => {
    expect(
      serializeError(
        ec2,
        { code: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-1' does not exist", status: 400 },
        'rid',
      ).body,
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID &apos;i-1&apos; does not exist</Message></Error></Errors><RequestID>rid</RequestID></Response>',
    );
  });

  it('json: __type, the modelled message key and x-amzn-ErrorType', () => {
    const answer = serializeError(organizations, { code: 'AccessDeniedException', message: 'no', status: 400 }, 'rid');
    expect(JSON.parse(answer.body)).toEqual({ __type: 'AccessDeniedException', Message: 'no' });
    expect(answer.headers).toMatchObject({
      'Content-Type': 'application/x-amz-json-1.1',
      'x-amzn-ErrorType': 'AccessDeniedException',
      'x-amzn-RequestId': 'rid',
    });
    const unmodelled = serializeError(
      organizations,
      { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 },
      'rid',
    );
    expect(JSON.parse(unmodelled.body)).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  });

  it('rest-xml: Error with RequestId and HostId, and the S3 request id headers', () => {
    const answer = serializeError(
      s3,
      { code: 'NoSuchBucket', message: 'The specified bucket does not exist', status: 404 },
      'rid',
    );
    expect(answer.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><RequestId>rid<\/RequestId><HostId>[A-Za-z0-9+/=]+<\/HostId><\/Error>$/,
    );
    expect(answer.headers['x-amz-request-id']).toBe('rid');
    expect(answer.headers['Content-Type']).toBe('application/xml');
  });
});
