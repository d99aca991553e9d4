/** `crossbar rotate`: the source's IAM access key replaced as aws-vault does, and the credentials file with it. */
export { rotateSourceKey } from './rotate-source-key.js';
export { sharedCredentialsFile } from './rotation-checks.js';
export type { RotateEvent, RotateOptions, RotateResult, RotateRoot } from './types.js';
export { readProfileKeys, replaceProfileKeys, type NewKey, type ProfileKeys } from './credentials-file.js';
export { PROBE_KEY_ID } from './self-keys.js';
