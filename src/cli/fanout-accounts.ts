import type { RegistryAccount, RegistryRole } from '../core/config/registry.js';
import type { Crossbar } from '../core/crossbar.js';
import type { Credentials } from '../core/credentials/credentials.js';
import { parseArn } from '../core/arn.js';
import type { FanoutAccount } from '../core/fanout/types.js';
import type { CliContext } from './context.js';

/**
 * Which accounts a fan-out command reaches, with which role, and with which credentials: the few places where
 * the fan-out commands ask the core root for accounts and sources, kept together so that they follow the root's
 * API in one file.
 */
const SOURCE_KEY = '(source)';

/**
 * The role each account is run with: `--role` by key or IAM name, else the account's default role. A role the
 * registry does not list is tried by name (the account's ExternalId kept), so that a missing role is reported
 * DENIED for that account instead of stopping the whole run.
 */
export function roleFor(account: RegistryAccount, ref: string | undefined): RegistryRole {
  if (ref === undefined) return account.defaultRole;
  const configured = account.roles.find((r) => r.key === ref || r.name === ref);
  if (configured) return configured;
  const partition = parseArn(account.defaultRole.arn).partition;
  const externalId = account.defaultRole.externalId;
  return {
    key: ref,
    name: ref,
    arn: `arn:${partition}:iam::${account.id}:role/${ref}`,
    mfa: 'none',
    confirm: false,
    profileName: '',
    ...(externalId ? { externalId } : {}),
  };
}

/** The source's own account, read with the source's credentials: where the people (users, groups) live. */
export async function sourceAccount(crossbar: Crossbar): Promise<FanoutAccount> {
  const source = await crossbar.sourceIdentity();
  const role: RegistryRole = {
    key: SOURCE_KEY,
    name: SOURCE_KEY,
    arn: source.arn,
    mfa: 'none',
    confirm: false,
    profileName: '',
  };
  const account: RegistryAccount = {
    id: source.accountId,
    name: `source:${source.accountId}`,
    color: 'blue',
    tags: {},
    regions: ['us-east-1'],
    roles: [role],
    defaultRole: role,
  };
  return { account, role };
}

export interface FanoutAccountOptions {
  /** `--role`: the role in every account (default: each account's default role). */
  role?: string | undefined;
  /** Auditing everything (no selector, or `all`) includes the source's account unless the registry has it. */
  includeSource?: boolean;
}

/** The selected accounts, each with the role it is reached with. */
export async function fanoutAccounts(
  crossbar: Crossbar,
  selector: string | undefined,
  options: FanoutAccountOptions = {},
): Promise<FanoutAccount[]> {
  const accounts = crossbar
    .selectAccounts(selector)
    .map((account): FanoutAccount => ({ account, role: roleFor(account, options.role) }));
  if (options.includeSource === true && (selector === undefined || selector === 'all')) {
    const source = await sourceAccount(crossbar);
    if (!accounts.some((a) => a.account.id === source.account.id)) accounts.unshift(source);
  }
  return accounts;
}

/** The source's own credentials, as the SDK resolves them from the environment and the source profile. */
export async function sourceProvider(ctx: CliContext, crossbar: Crossbar): Promise<() => Promise<Credentials>> {
  const [{ resolveSourceProvider }, { sourceEnv }] = await Promise.all([
    import('../core/credentials/index.js'),
    import('./config-context.js'),
  ]);
  const config = crossbar.config;
  const source = resolveSourceProvider({
    env: sourceEnv(ctx.io.env),
    region: sourceRegion(crossbar),
    ...(config.source.profile ? { profile: config.source.profile } : {}),
    ...(crossbar.endpoint ? { endpoint: crossbar.endpoint } : {}),
  });
  return () => source.provider();
}

/** The region the source signs in: the config's, else us-east-1. */
export function sourceRegion(crossbar: Crossbar): string {
  return crossbar.config.source.region ?? 'us-east-1';
}

/** Credentials for each account: the source's own for the source's account, an assumed role for the others. */
export async function sourceCredentialsFor(
  ctx: CliContext,
  crossbar: Crossbar,
): Promise<(fa: FanoutAccount) => Promise<Credentials>> {
  const source = await sourceProvider(ctx, crossbar);
  return (fa) => (fa.role.key === SOURCE_KEY ? source() : crossbar.credentials(fa));
}
