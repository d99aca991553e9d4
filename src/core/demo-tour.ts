import type { STSClientConfig } from '@aws-sdk/client-sts';
import { createSdkClient } from './aws-clients/create-aws-client.js';
import { sendOptions } from './aws-clients/send-options.js';
import { CrossbarError } from './errors.js';
import { mapBounded } from './map-bounded.js';
import { tourOrganization, type OrgAccountRow } from './demo-tour-organization.js';
import { requireSdk } from './aws-clients/require-sdk.js';

const { OrganizationsClient } = requireSdk('@aws-sdk/client-organizations');
const { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } = requireSdk('@aws-sdk/client-sts');
type STSClient = InstanceType<typeof STSClient>;

export { type OrgAccountRow } from './demo-tour-organization.js';

/**
 * The demo's tour of the main job — see the organization, know who you are, hop into every account, with MFA
 * where it matters — as data. Every fact comes from the real AWS SDK talking to an endpoint, so the same tour
 * runs against the sandbox or (later) a real organization. The CLI renders the steps; later issues add steps.
 */
export type Credentials = NonNullable<STSClientConfig['credentials']>;

export interface TourIdentity {
  /** A person's name as the tour shows it: alice, bob. */
  name: string;
  credentials: Credentials;
  mfaSerial?: string | undefined;
}

/** What the tour needs of the root: the endpoint it tours (a sandbox) and the region the source signs in. */
export interface DemoTourRoot {
  readonly endpoint: string | undefined;
  readonly sourceRegion: string;
}

export interface DemoTourOptions {
  /** The source identity everything starts from (alice in the demo). */
  source: TourIdentity;
  /** Someone with less access, for the denied twin (bob in the demo). */
  other: TourIdentity;
  /** MFA is a callback, so the core never prompts (the CLI asks the sandbox). */
  mfaCodeProvider: (serial: string) => Promise<string>;
  /** ExternalIds by account id, from the registry (seed 002's client). */
  externalIds: Record<string, string>;
  readOnlyRole: string;
  adminRole: string;
  signal?: AbortSignal;
  concurrency?: number;
  /** Called as each step completes, so a terminal can show progress. */
  onStep?: (step: DemoStep) => void;
}

/** The options with the root's endpoint and region: what every step of the tour reads. */
interface TourContext extends DemoTourOptions {
  endpoint: string;
  region: string;
}

export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
}

export type HopResult =
  | { ok: true; arn: string; account: string; expiration: Date | undefined }
  | { ok: false; code: string; message: string };

export interface HopRow {
  from: string;
  accountId: string;
  accountName: string;
  role: string;
  /** What the hop presented beyond the caller's keys. */
  mfa: boolean;
  externalId: boolean;
  /** What the tour sets out to show: the allowed case, or its denied twin. */
  expect: 'allow' | 'deny';
  result: HopResult;
}

/** True when a hop came out as the tour meant it to; anything else means the endpoint is not behaving as AWS. */
export function asExpected(row: HopRow): boolean {
  return row.result.ok === (row.expect === 'allow');
}

export type DemoStep =
  | { kind: 'organization'; title: string; accounts: OrgAccountRow[] }
  | { kind: 'identity'; title: string; who: string; identity: CallerIdentity }
  | { kind: 'hops'; title: string; hops: HopRow[] };

/** Clients from the one factory, with its retries and timeouts: the tour is the product, shown on an endpoint. */
function sts(options: TourContext, credentials: Credentials): STSClient {
  return createSdkClient(STSClient, 'sts', { endpoint: options.endpoint, region: options.region, credentials });
}

/** An AWS answer (AccessDenied and friends) is data for the table; anything else is a real failure. */
function isServiceError(err: unknown): err is Error & { $metadata: unknown } {
  return err instanceof Error && '$metadata' in err && err.name !== 'AbortError';
}

async function callerIdentity(client: STSClient, signal: AbortSignal | undefined): Promise<CallerIdentity> {
  const out = await client.send(new GetCallerIdentityCommand({}), sendOptions(signal));
  return { arn: out.Arn ?? '', account: out.Account ?? '', userId: out.UserId ?? '' };
}

interface HopRequest {
  from: TourIdentity;
  account: { id: string; name: string };
  role: string;
  withMfa: boolean;
  expect: 'allow' | 'deny';
}

/** AssumeRole, then GetCallerIdentity with the new session: proof that the credentials work in that account. */
export async function hop(options: TourContext, request: HopRequest): Promise<HopRow> {
  const { from, account, role, withMfa, expect } = request;
  const externalId = options.externalIds[account.id];
  const serial = withMfa ? from.mfaSerial : undefined;
  const row = {
    from: from.name,
    accountId: account.id,
    accountName: account.name,
    role,
    mfa: serial !== undefined,
    externalId: externalId !== undefined,
    expect,
  };
  try {
    const out = await sts(options, from.credentials).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${account.id}:role/${role}`,
        RoleSessionName: `crossbar-demo-${from.name}`,
        ...(externalId ? { ExternalId: externalId } : {}),
        ...(serial ? { SerialNumber: serial, TokenCode: await options.mfaCodeProvider(serial) } : {}),
      }),
      sendOptions(options.signal),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      return {
        ...row,
        result: { ok: false, code: 'NoCredentials', message: 'AssumeRole answered without credentials' },
      };
    const session = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    const identity = await callerIdentity(sts(options, session), options.signal);
    return { ...row, result: { ok: true, arn: identity.arn, account: identity.account, expiration: c.Expiration } };
  } catch (err) {
    if (!isServiceError(err)) throw err;
    return { ...row, result: { ok: false, code: err.name, message: err.message } };
  }
}

function wrap(what: string, err: unknown, endpoint: string): never {
  if (err instanceof CrossbarError || (err instanceof Error && err.name === 'AbortError')) throw err;
  throw new CrossbarError(
    'SANDBOX',
    `${what} failed against ${endpoint}: ${err instanceof Error ? err.message : String(err)}`,
    { cause: err },
  );
}

export async function runDemoTour(root: DemoTourRoot, tourOptions: DemoTourOptions): Promise<DemoStep[]> {
  if (root.endpoint === undefined)
    throw new CrossbarError('USAGE', 'The demo tour shows a sandbox, and this configuration names no endpoint', {
      hint: 'run `crossbar demo`, or `crossbar sandbox start --write-config DIR` and use DIR/crossbar.yaml',
    });
  const options: TourContext = { ...tourOptions, endpoint: root.endpoint, region: root.sourceRegion };
  const steps: DemoStep[] = [];
  const add = (step: DemoStep) => {
    steps.push(step);
    options.onStep?.(step);
  };
  const { signal } = options;
  const concurrency = options.concurrency ?? 8;

  const organizations = createSdkClient(OrganizationsClient, 'organizations', {
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.source.credentials,
  });
  const accounts = await tourOrganization(organizations, { concurrency, ...(signal ? { signal } : {}) }).catch(
    (err: unknown) => wrap('organizations:ListAccounts', err, options.endpoint),
  );
  add({ kind: 'organization', title: 'The organization', accounts });

  const identity = await callerIdentity(sts(options, options.source.credentials), signal).catch((err: unknown) =>
    wrap('sts:GetCallerIdentity', err, options.endpoint),
  );
  add({ kind: 'identity', title: 'The source identity', who: options.source.name, identity });

  const members = accounts.filter((a) => a.id !== identity.account);
  const readOnly = await mapBounded(members, concurrency, (account) =>
    hop(options, { from: options.source, account, role: options.readOnlyRole, withMfa: false, expect: 'allow' }),
  );
  add({
    kind: 'hops',
    title: `${options.source.name} → ${options.readOnlyRole} in every member account`,
    hops: readOnly,
  });

  const prod = members.find((a) => a.stage === 'prod');
  if (prod) {
    const admin = { account: prod, role: options.adminRole };
    const mfaHops = [
      await hop(options, { ...admin, from: options.source, withMfa: true, expect: 'allow' }),
      // The denied twins: the same person without MFA, and someone whose policies do not allow the hop.
      await hop(options, { ...admin, from: options.source, withMfa: false, expect: 'deny' }),
      await hop(options, { ...admin, from: options.other, withMfa: false, expect: 'deny' }),
    ];
    add({ kind: 'hops', title: `${options.adminRole} in ${prod.name}: MFA required`, hops: mfaHops });
  }
  return steps;
}
