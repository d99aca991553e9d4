import type { AccountConfig, Config, NamedSourceConfig, RoleConfig } from '../config/schema.js';

/**
 * What `crossbar init` writes, before it becomes YAML: the parts of the crossbar.yaml schema that init
 * fills in, with the schema's own (snake_case) field names and types. Defaults are left out so that the
 * file stays short and the schema supplies them.
 */
export type InitRole = Partial<
  Pick<RoleConfig, 'name' | 'arn' | 'external_id' | 'mfa' | 'duration' | 'via' | 'permission_set'>
>;

export type InitAccount = Pick<AccountConfig, 'id' | 'name'> &
  Partial<Pick<AccountConfig, 'alias' | 'stage' | 'color' | 'ou' | 'regions' | 'tags' | 'external_id' | 'source'>> & {
    roles?: Record<string, InitRole>;
    /** A comment written after the account, e.g. marking the management account. */
    comment?: string;
  };

export interface InitConfig {
  organization?: NonNullable<Config['organization']>;
  source?: Partial<Config['source']>;
  /** Named sources (`init --from-sso` writes its SSO source here). */
  sources?: Record<string, Partial<NamedSourceConfig>>;
  defaults?: Partial<Config['defaults']>;
  accounts: InitAccount[];
}
