import { createRequire } from 'node:module';

/**
 * The AWS SDK's packages, loaded with require(). They ship CommonJS as their Node entry point (`main`:
 * dist-cjs/index.js, one bundled file of up to 2 MB per client), and an ESM `import` of CommonJS makes Node run
 * its export lexer over every such file before it runs it: measured, importing client-ec2 and client-sts took
 * 2.6 s against 1.2 s for require() of the same two (cjs-module-lexer alone was 1.3 s of a one-target `run`).
 * So core names an SDK package in a type position only (`import type`, `typeof import(...)`) and loads it here,
 * when the code that needs it runs. test/hop/startup-imports.test.ts keeps value imports of the SDK out of src.
 */
const requireFromHere = createRequire(import.meta.url);

/** The packages core loads by name, with their types: the one place their module shape is stated. */
export interface SdkPackages {
  '@aws-sdk/client-sts': typeof import('@aws-sdk/client-sts');
  '@aws-sdk/client-iam': typeof import('@aws-sdk/client-iam');
  '@aws-sdk/client-organizations': typeof import('@aws-sdk/client-organizations');
  '@aws-sdk/client-cost-explorer': typeof import('@aws-sdk/client-cost-explorer');
  '@aws-sdk/client-sso': typeof import('@aws-sdk/client-sso');
  '@aws-sdk/client-sso-oidc': typeof import('@aws-sdk/client-sso-oidc');
  '@aws-sdk/credential-providers': typeof import('@aws-sdk/credential-providers');
  '@smithy/shared-ini-file-loader': typeof import('@smithy/shared-ini-file-loader');
  '@smithy/core/retry': typeof import('@smithy/core/retry');
}

/** A package of SdkPackages, loaded once per process (require caches it). */
export function requireSdk<K extends keyof SdkPackages>(name: K): SdkPackages[K] {
  return requireFromHere(name) as SdkPackages[K];
}

/** A package named by data (a service client of SERVICES): its exports, to be checked by the caller. */
export function requirePackage(name: string): unknown {
  return requireFromHere(name);
}
