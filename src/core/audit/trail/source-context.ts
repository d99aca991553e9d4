import { createAwsClient, findOperation, callOperation } from '../../aws-clients/index.js';
import type { Credentials } from '../../credentials/credentials.js';
import type { KnownAccount } from './directory.js';

/**
 * Optional context read with the source's own credentials: the organization's account names
 * (organizations:ListAccounts) and the ids of the source account's users and roles (iam:ListUsers, ListRoles),
 * so that a cross-account record, which shows only `AIDA…` and an account id, can name "alice @ management".
 * Each part may be refused (the source is not in the management account, or may not read IAM): it is then
 * left out, and the reason is reported, never a failure of the audit.
 */
export interface SourceContext {
  organization?: KnownAccount[];
  principalIds: Map<string, string>;
  /** What could not be read, and why, for the report. */
  gaps: string[];
}

export interface SourceContextOptions {
  credentials: Credentials;
  endpoint?: string | undefined;
  region: string;
  signal?: AbortSignal;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

async function call(service: string, operation: string, options: SourceContextOptions): Promise<Json> {
  const client = await createAwsClient(service, {
    region: options.region,
    credentials: options.credentials,
    endpoint: options.endpoint,
    maxAttempts: 3,
  });
  try {
    return await callOperation(
      client,
      await findOperation(service, operation),
      {},
      options.signal ? { signal: options.signal } : {},
    );
  } finally {
    client.destroy();
  }
}

function reason(err: unknown): string {
  const e = isRecord(err) ? err : {};
  return text(e['name']) && text(e['message']) ? `${String(e['name'])}: ${String(e['message'])}` : String(err);
}

export async function loadSourceContext(options: SourceContextOptions): Promise<SourceContext> {
  const context: SourceContext = { principalIds: new Map(), gaps: [] };
  const [accounts, users, roles] = await Promise.allSettled([
    call('organizations', 'ListAccounts', options),
    call('iam', 'ListUsers', options),
    call('iam', 'ListRoles', options),
  ]);
  if (accounts.status === 'fulfilled') {
    context.organization = records(accounts.value['Accounts']).flatMap((a) => {
      const id = text(a['Id']);
      const name = text(a['Name']);
      return id && name ? [{ id, name }] : [];
    });
  } else {
    context.gaps.push(`organization account names (organizations:ListAccounts): ${reason(accounts.reason)}`);
  }
  for (const [result, list, idKey, what] of [
    [users, 'Users', 'UserId', 'iam:ListUsers'],
    [roles, 'Roles', 'RoleId', 'iam:ListRoles'],
  ] as const) {
    if (result.status === 'rejected') {
      context.gaps.push(`principal names of the source account (${what}): ${reason(result.reason)}`);
      continue;
    }
    for (const p of records(result.value[list])) {
      const id = text(p[idKey]);
      const arn = text(p['Arn']);
      if (id && arn) context.principalIds.set(id, arn);
    }
  }
  return context;
}
