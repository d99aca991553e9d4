import type { InitConfig } from './init-config.js';
import { parseAwsConfig } from './parse-aws-config.js';

/**
 * ExternalIds a discovered organization does not tell (they live in each role's trust policy, which only a session
 * inside the account can read): taken from what the person already has, so that `init` never writes an account
 * without the ExternalId its role demands (and `bootstrap` never drops the condition). Pure.
 */
export interface KnownExternalId {
  accountId: string;
  externalId: string;
  /** Where it was found, for the note: `[profile acme] (~/.aws/config:12)` or `crossbar.yaml`. */
  from: string;
}

/** `external_id` of every role profile (`role_arn`) in an AWS config file's text. */
export function externalIdsFromAwsConfig(text: string, path: string): KnownExternalId[] {
  return parseAwsConfig(text, path).flatMap((section) => {
    const externalId = section.values['external_id'];
    const account = /^arn:[\w-]+:iam::(\d{12}):role\//.exec(section.values['role_arn'] ?? '')?.[1];
    return externalId && account
      ? [{ accountId: account, externalId, from: `[profile ${section.name}] (${path}:${section.line})` }]
      : [];
  });
}

/** `external_id` of every account in the crossbar.yaml being replaced (`--force`). */
export function externalIdsFromConfig(
  accounts: readonly { id: string; external_id?: string | undefined }[],
  path: string,
): KnownExternalId[] {
  return accounts.flatMap((a) => (a.external_id ? [{ accountId: a.id, externalId: a.external_id, from: path }] : []));
}

/**
 * The config with each account's ExternalId filled in where one is known and it has none. Two different
 * ExternalIds for one account are not guessed between: the account is left without one, and a note says so.
 */
export function withKnownExternalIds(
  config: InitConfig,
  known: readonly KnownExternalId[],
): { config: InitConfig; notes: string[] } {
  const notes: string[] = [];
  const accounts = config.accounts.map((account) => {
    if (account.external_id) return account;
    const found = known.filter((k) => k.accountId === account.id);
    const distinct = [...new Set(found.map((k) => k.externalId))];
    if (distinct.length > 1) {
      notes.push(
        `${account.name} (${account.id}) has different ExternalIds in ${found.map((k) => k.from).join(' and ')}: set external_id by hand`,
      );
      return account;
    }
    const first = found[0];
    if (!first) return account;
    notes.push(`external_id of ${account.name} (${account.id}) taken from ${first.from}`);
    return { ...account, external_id: first.externalId };
  });
  return { config: { ...config, accounts }, notes };
}
