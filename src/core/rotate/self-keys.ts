import type { IAMClient } from '@aws-sdk/client-iam';
import { createSdkClient } from '../aws-clients/create-aws-client.js';
import { requireSdk } from '../aws-clients/require-sdk.js';
import { awsErrorFacts } from '../credentials/sts-errors.js';
import type { Credentials } from '../credentials/credentials.js';
import { CrossbarError } from '../errors.js';

/**
 * The four IAM calls of a rotation, on the user's own access keys, each turning AWS's answer into crossbar's
 * vocabulary. A denial names the action the user lacks, since that is what the person has to ask for.
 */
type Iam = typeof import('@aws-sdk/client-iam');

export interface AccessKeyInfo {
  accessKeyId: string;
  status: string;
  createDate: Date | undefined;
}

export interface SelfKeys {
  list(): Promise<AccessKeyInfo[]>;
  /** Whether DeleteAccessKey is allowed, asked without deleting anything (see `probeDelete`). */
  mayDelete(): Promise<boolean>;
  create(): Promise<Credentials & { accessKeyId: string; secretAccessKey: string }>;
  delete(accessKeyId: string): Promise<void>;
  destroy(): void;
}

export interface SelfKeysOptions {
  userName: string;
  credentials: Credentials;
  region: string;
  endpoint?: string | undefined;
}

/**
 * A key id that cannot exist (real ones are 20 upper-case letters and digits), for asking IAM whether
 * DeleteAccessKey is allowed: IAM authorizes the call on the user's ARN before it looks for the key, so an allowed
 * call answers NoSuchEntity and a denied one AccessDenied, and neither changes anything.
 */
export const PROBE_KEY_ID = 'AKIA0CROSSBAR0PROBE0NOT0A0KEY';

export function isDenied(err: unknown): boolean {
  const { name } = awsErrorFacts(err);
  return /^(AccessDenied|UnauthorizedOperation|Forbidden)/.test(name);
}

function isNoSuchEntity(err: unknown): boolean {
  return /^NoSuchEntity/.test(awsErrorFacts(err).name);
}

export function isLimitExceeded(err: unknown): boolean {
  return /^LimitExceeded/.test(awsErrorFacts(err).name);
}

export function createSelfKeys(options: SelfKeysOptions): SelfKeys {
  const sdk: Iam = requireSdk('@aws-sdk/client-iam');
  const iam: IAMClient = createSdkClient(sdk.IAMClient, 'iam', {
    region: options.region,
    credentials: options.credentials,
    endpoint: options.endpoint,
    maxAttempts: 4,
    retryMode: 'standard',
    retryBudgetMs: 20_000,
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 15_000,
  });
  const UserName = options.userName;
  return {
    async list() {
      const keys: AccessKeyInfo[] = [];
      for await (const page of sdk.paginateListAccessKeys({ client: iam }, { UserName })) {
        for (const k of page.AccessKeyMetadata ?? []) {
          if (k.AccessKeyId)
            keys.push({ accessKeyId: k.AccessKeyId, status: k.Status ?? 'Active', createDate: k.CreateDate });
        }
      }
      return keys;
    },
    async mayDelete() {
      try {
        await iam.send(new sdk.DeleteAccessKeyCommand({ UserName, AccessKeyId: PROBE_KEY_ID }));
      } catch (err) {
        if (isNoSuchEntity(err)) return true;
        if (isDenied(err)) return false;
        throw err;
      }
      // A key by that id existed and is gone: not possible for AWS's ids; an emulator that deletes anything says yes.
      return true;
    },
    async create() {
      const out = await iam.send(new sdk.CreateAccessKeyCommand({ UserName }));
      const key = out.AccessKey;
      if (!key?.AccessKeyId || !key.SecretAccessKey)
        throw new CrossbarError('ERROR', `CreateAccessKey for ${UserName} returned no key`);
      return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    },
    async delete(accessKeyId) {
      await iam.send(new sdk.DeleteAccessKeyCommand({ UserName, AccessKeyId: accessKeyId }));
    },
    destroy: () => iam.destroy(),
  };
}
