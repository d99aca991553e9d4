import { partitionOfRegion, type Partition } from './partition.js';

/**
 * Where to sign in and where to land, per partition: the federation endpoint (regional for the commercial
 * partition when a region is given), the console destination for a service, and the switch-role page.
 * A configured `endpoint` (the sandbox, or another AWS-compatible endpoint) serves `/federation` itself.
 */
export interface FederationTarget {
  partition?: Partition | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
}

export interface FederationUrls {
  /** getSigninToken and login go here. */
  federation: string;
  /** The console's home for the region, e.g. https://us-west-2.console.aws.amazon.com/ */
  console: string;
  switchRole: string;
}

const HOSTS: Record<Partition, { signin: string; console: string }> = {
  aws: { signin: 'signin.aws.amazon.com', console: 'console.aws.amazon.com' },
  'aws-us-gov': { signin: 'signin.amazonaws-us-gov.com', console: 'console.amazonaws-us-gov.com' },
  'aws-cn': { signin: 'signin.amazonaws.cn', console: 'console.amazonaws.cn' },
};

export function federationUrls(target: FederationTarget = {}): FederationUrls {
  const partition = target.partition ?? partitionOfRegion(target.region);
  const hosts = HOSTS[partition];
  // Only the commercial partition has regional sign-in and console hosts.
  const regional = partition === 'aws' && target.region ? `${target.region}.` : '';
  const signinBase = target.endpoint ? target.endpoint.replace(/\/+$/, '') : `https://${regional}${hosts.signin}`;
  return {
    federation: `${signinBase}/federation`,
    console: `https://${regional}${hosts.console}/`,
    switchRole: `https://${hosts.signin}/switchrole`,
  };
}

/** The console page to land on: `<console>/<service>/home?region=<region>`; the console home without a service. */
export function consoleDestination(target: FederationTarget & { service?: string | undefined }): string {
  const base = federationUrls({ ...target, endpoint: undefined }).console;
  const service = (target.service ?? 'console').replace(/^\/+|\/+$/g, '');
  const query = target.region ? `?region=${encodeURIComponent(target.region)}` : '';
  return `${base}${encodeURI(service)}/home${query}`;
}
