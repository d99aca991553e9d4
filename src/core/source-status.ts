import { registrySources, type RegistrySource } from './config/registry.js';
import type { SourceIdentity } from './credentials/credential-engine.js';
import type { Crossbar } from './crossbar.js';
import { isCrossbarError, type ErrorCode } from './errors.js';

/**
 * Each source of crossbar.yaml and who it is, for `whoami`: an IAM source's caller (GetCallerIdentity), an SSO
 * source's session when a token is cached, else that it is not signed in (read from the token cache, without a call).
 * A source no account uses is listed, not resolved.
 */
export interface SourceStatus {
  name: string;
  kind: RegistrySource['kind'];
  /** The default source (of accounts that name none). */
  isDefault: boolean;
  /** How many accounts of the registry it serves. */
  accounts: number;
  /** Where its credentials come from: `profile cobus`, `SSO acme-sso (https://…/start)`. */
  from: string;
  mfaSerial?: string | undefined;
  /** Who it is, when resolved. */
  identity?: SourceIdentity | undefined;
  state: 'ok' | 'unused' | 'signed-out' | 'error';
  /** Why it is not `ok`: what to do next. */
  message?: string | undefined;
  code?: ErrorCode | undefined;
}

export type SourceStatusRoot = Pick<Crossbar, 'registry' | 'defaultSource' | 'sourceProvider' | 'sourceIdentity'>;

export async function sourceStatuses(crossbar: SourceStatusRoot): Promise<SourceStatus[]> {
  const sources = registrySources(crossbar.registry);
  const named = sources.length > 1;
  const shown = sources.filter((s) => {
    const used = crossbar.registry.accounts.some((a) => a.source === s.name);
    // The unnamed source is listed when it is in use, the default or the only one: else it is an empty `source:`.
    return s.name !== 'default' || used || s.name === crossbar.defaultSource || !named;
  });
  return Promise.all(shown.map((source) => statusOf(crossbar, source)));
}

async function statusOf(crossbar: SourceStatusRoot, source: RegistrySource): Promise<SourceStatus> {
  const accounts = crossbar.registry.accounts.filter((a) => a.source === source.name).length;
  const isDefault = source.name === crossbar.defaultSource;
  const provider = crossbar.sourceProvider(source.name);
  const base: SourceStatus = {
    name: source.name,
    kind: source.kind,
    isDefault,
    accounts,
    from: provider.label,
    ...(source.kind === 'iam' && source.mfaSerial ? { mfaSerial: source.mfaSerial } : {}),
    state: 'ok',
  };
  if (accounts === 0 && !isDefault) return { ...base, state: 'unused', message: 'no account uses it' };
  const signIn = await provider.sso?.signInState?.().catch(() => undefined);
  if (signIn && !signIn.signedIn)
    return {
      ...base,
      state: 'signed-out',
      message: `not signed in — run \`crossbar login ${source.name}\``,
    };
  try {
    return { ...base, identity: await crossbar.sourceIdentity(source.name) };
  } catch (err) {
    if (!isCrossbarError(err)) throw err;
    return { ...base, state: 'error', code: err.code, message: err.hint ? `${err.message}: ${err.hint}` : err.message };
  }
}
