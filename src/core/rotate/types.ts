import type { Crossbar } from '../crossbar.js';
import type { MfaCodeProvider } from '../credentials/credential-engine.js';
import type { Env } from '../credentials/source-provider.js';
import type { StsClientFactory } from '../credentials/sts-client.js';
import type { SelfKeys } from './self-keys.js';

/** What a rotation needs of the composition root. */
export type RotateRoot = Pick<Crossbar, 'endpoint' | 'engine'>;

export type RotateEvent =
  | { step: 'checked'; userArn: string; keyId: string; profile: string; file: string }
  | { step: 'created'; keyId: string }
  | { step: 'proved'; keyId: string; attempts: number }
  | { step: 'written'; file: string; profile: string }
  | { step: 'deleted'; keyId: string };

export interface RotateOptions {
  /** The environment the source is resolved from (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, HOME, AWS_ACCESS_KEY_ID). */
  env: Env;
  /** The source to rotate by name (`sources:`; `default` is the unnamed `source:`); absent: the default source. */
  source?: string | undefined;
  mfaCodeProvider?: MfaCodeProvider | undefined;
  /** Told after each step (tests inject their faults at these points). */
  onProgress?: ((event: RotateEvent) => void) | undefined;
  /** How long STS may take to accept the new key (IAM is eventually consistent); default 60 s. */
  proveWithinMs?: number | undefined;
  stsClientFactory?: StsClientFactory | undefined;
  now?: (() => number) | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface RotateResult {
  /** The source's name (`default` for `source:`). */
  source: string;
  userArn: string;
  profile: string;
  file: string;
  oldKeyId: string;
  newKeyId: string;
}

/** One rotation under way: what every step needs. */
export interface Rotation {
  root: RotateRoot;
  /** The source's name and the region its STS and IAM calls sign for. */
  source: string;
  region: string;
  options: RotateOptions;
  keys: SelfKeys;
  userArn: string;
  userName: string;
  profile: string;
  file: string;
  oldKeyId: string;
}
