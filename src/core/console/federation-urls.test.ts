import { describe, expect, it } from 'vitest';
import { consoleDestination, federationUrls } from './federation-urls.js';
import { partitionOfRegion } from './partition.js';

describe('federationUrls', () => {
  it('uses the global sign-in host without a region and the regional one with a region', () => {
    expect(federationUrls()).toEqual({
      federation: 'https://signin.aws.amazon.com/federation',
      console: 'https://console.aws.amazon.com/',
      switchRole: 'https://signin.aws.amazon.com/switchrole',
    });
    expect(federationUrls({ region: 'eu-west-1' })).toMatchObject({
      federation: 'https://eu-west-1.signin.aws.amazon.com/federation',
      console: 'https://eu-west-1.console.aws.amazon.com/',
    });
  });

  it('uses the GovCloud and China hosts, picked from the region', () => {
    expect(federationUrls({ region: 'us-gov-west-1' })).toEqual({
      federation: 'https://signin.amazonaws-us-gov.com/federation',
      console: 'https://console.amazonaws-us-gov.com/',
      switchRole: 'https://signin.amazonaws-us-gov.com/switchrole',
    });
    expect(federationUrls({ region: 'cn-north-1' })).toEqual({
      federation: 'https://signin.amazonaws.cn/federation',
      console: 'https://console.amazonaws.cn/',
      switchRole: 'https://signin.amazonaws.cn/switchrole',
    });
  });

  it('sends federation to a configured endpoint (the sandbox)', () => {
    expect(federationUrls({ endpoint: 'http://127.0.0.1:4566/', region: 'us-east-1' }).federation).toBe(
      'http://127.0.0.1:4566/federation',
    );
  });
});

describe('consoleDestination', () => {
  it('opens a service in a region, or the console home', () => {
    expect(consoleDestination({ region: 'us-west-2', service: 'ec2' })).toBe(
      'https://us-west-2.console.aws.amazon.com/ec2/home?region=us-west-2',
    );
    expect(consoleDestination({})).toBe('https://console.aws.amazon.com/console/home');
    expect(consoleDestination({ region: 'us-gov-east-1', service: 's3' })).toBe(
      'https://console.amazonaws-us-gov.com/s3/home?region=us-gov-east-1',
    );
    expect(consoleDestination({ region: 'cn-northwest-1', service: 'iam' })).toBe(
      'https://console.amazonaws.cn/iam/home?region=cn-northwest-1',
    );
  });

  it('keeps the real console as destination even with an endpoint', () => {
    expect(consoleDestination({ region: 'us-east-1', service: 'ec2', endpoint: 'http://127.0.0.1:4566' })).toBe(
      'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1',
    );
  });
});

describe('partitionOfRegion', () => {
  it('reads the partition from the region name', () => {
    expect([
      partitionOfRegion('us-east-1'),
      partitionOfRegion('us-gov-west-1'),
      partitionOfRegion('cn-north-1'),
      partitionOfRegion(undefined),
    ]).toEqual(['aws', 'aws-us-gov', 'aws-cn', 'aws']);
  });
});
