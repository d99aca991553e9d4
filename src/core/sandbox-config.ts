import { Document, isMap, isSeq, type Node } from 'yaml';

/**
 * The files `crossbar sandbox start --write-config DIR` and `crossbar demo` write: a `crossbar.yaml` registry of
 * the sandbox's organization, and AWS CLI profiles (`aws/config`, `aws/credentials`) for its people. Pure
 * builders returning file contents; the CLI writes them (atomically, credentials 0600).
 */
export interface SandboxConfigUser {
  userName: string;
  accountId: string;
  arn: string;
  accessKeyId: string;
  /** Secret: only ever written to the 0600 credentials file or printed on request (`--json`). */
  secretAccessKey: string;
  mfaSerial?: string;
}

export interface SandboxConfigAccount {
  id: string;
  name: string;
  stage: string;
  color?: string;
  /** OU path such as `/Workloads`. */
  ou: string;
  tags: Record<string, string>;
  /** The ExternalId its roles' trust policies require (a consultant's client, seed 002). */
  externalId?: string;
}

export interface SandboxConfigInfo {
  endpoint: string;
  organization: { name: string; namespace: string };
  /** The profile everything starts from: the person with an MFA device (alice in the demo). */
  sourceUser: string;
  users: SandboxConfigUser[];
  /** Member accounts only: the management account is where the source lives, not a target. */
  accounts: SandboxConfigAccount[];
  region: string;
  regions: string[];
  /**
   * The organization's IAM Identity Center (its start URL and region). `crossbar demo` adds it to crossbar.yaml as a
   * second source part-way through its tour (withSsoSource); the files written at start do not name it.
   */
  identityCenter?: { startUrl: string; region: string };
}

/** Renders crossbar.yaml with the Identity Center as a named source and the account alice reaches through it. */
export interface SandboxConfigOptions {
  withSsoSource?: boolean;
}

export const READ_ONLY_ROLE = 'CrossbarReadOnly';
export const ADMIN_ROLE = 'administrator';
export const DEFAULT_REGIONS = ['us-east-1', 'eu-west-1'];
const SHORTCUT_STAGES = ['prod', 'staging', 'dev'] as const;

/** Stage and colour are their own fields in the registry; the remaining tags stay tags. */
function plainTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([k]) => k !== 'stage' && k !== 'color'));
}

function accountEntry(account: SandboxConfigAccount): Record<string, unknown> {
  const tags = plainTags(account.tags);
  return {
    id: account.id,
    name: account.name,
    stage: account.stage,
    ...(account.color ? { color: account.color } : {}),
    ou: account.ou,
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    ...(account.externalId ? { external_id: account.externalId } : {}),
    roles: { admin: { name: ADMIN_ROLE, mfa: 'required', ...(account.stage === 'prod' ? { confirm: true } : {}) } },
  };
}

/** One account's name where a stage has exactly one, else a selector: keeps the demo's file as readable as the sketch. */
function stageSelector(accounts: SandboxConfigAccount[], stage: string): string {
  const matching = accounts.filter((a) => a.stage === stage);
  return matching.length === 1 && matching[0] ? matching[0].name : `stage=${stage}`;
}

/** Seed 003's label pattern names profiles by stage; with several accounts per stage only the name is unique. */
function profilePattern(accounts: SandboxConfigAccount[]): string {
  const stages = new Set(accounts.map((a) => a.stage));
  return stages.size === accounts.length ? '{namespace}-{stage}-{role}' : '{namespace}-{name}-{role}';
}

function sourceUserOf(info: SandboxConfigInfo): SandboxConfigUser | undefined {
  return info.users.find((u) => u.userName === info.sourceUser);
}

/** The name of the Identity Center source in crossbar.yaml: `demo-sso` for the demo organization. */
export function ssoSourceName(info: SandboxConfigInfo): string {
  return `${info.organization.namespace}-sso`;
}

/**
 * The account reached through Identity Center: the management account, which the registry of members does not list
 * (alice's IAM user lives there; no role of it is hers to assume). Identity Center assigns her group ReadOnlyAccess
 * there and AdministratorAccess to no one: a permission set and its denied twin. Its roles are permission sets, keyed
 * as `crossbar init --from-sso` keys them, least-privileged first (the default role).
 */
export function ssoAccountEntry(info: SandboxConfigInfo): Record<string, unknown> | undefined {
  const id = sourceUserOf(info)?.accountId;
  if (id === undefined || !info.identityCenter) return undefined;
  return {
    id,
    name: 'management',
    stage: 'management',
    ou: '/',
    source: ssoSourceName(info),
    roles: { readonly: { permission_set: 'ReadOnlyAccess' }, admin: { permission_set: 'AdministratorAccess' } },
  };
}

export function crossbarConfigValue(
  info: SandboxConfigInfo,
  options: SandboxConfigOptions = {},
): Record<string, unknown> {
  const source = sourceUserOf(info);
  const sso = options.withSsoSource === true && info.identityCenter ? info.identityCenter : undefined;
  const ssoAccount = sso ? ssoAccountEntry(info) : undefined;
  const workspaces = [
    ...(info.accounts.some((a) => a.stage === 'prod')
      ? [{ name: 'production', accounts: [stageSelector(info.accounts, 'prod')] }]
      : []),
    { name: 'platform', accounts: ['stage!=prod'] },
  ];
  const shortcuts = SHORTCUT_STAGES.flatMap((stage) => {
    const account = info.accounts.find((a) => a.stage === stage);
    return account
      ? [{ name: `/switch-to-${stage}`, account: account.name, role: READ_ONLY_ROLE, region: info.region }]
      : [];
  });
  return {
    organization: { name: info.organization.name, namespace: info.organization.namespace },
    source: { profile: info.sourceUser, ...(source?.mfaSerial ? { mfa_serial: source.mfaSerial } : {}) },
    // A named source beside the unnamed one: alice's IAM user stays the default source of every other account.
    ...(sso ? { sources: { [ssoSourceName(info)]: { sso: { start_url: sso.startUrl, region: sso.region } } } } : {}),
    defaults: { role: READ_ONLY_ROLE, regions: info.regions, profile_pattern: profilePattern(info.accounts) },
    accounts: [...info.accounts.map(accountEntry), ...(ssoAccount ? [ssoAccount] : [])],
    workspaces,
    shortcuts,
    endpoint: info.endpoint,
  };
}

function setFlow(node: unknown): void {
  if (isMap(node) || isSeq(node)) node.flow = true;
}

/** The registry, in the layout of DESIGN.md's sketch: short maps on one line, accounts as blocks. */
export function renderCrossbarYaml(info: SandboxConfigInfo, options: SandboxConfigOptions = {}): string {
  const doc = new Document(crossbarConfigValue(info, options));
  doc.commentBefore = [
    ` crossbar configuration for the local sandbox at ${info.endpoint}`,
    ' Written by `crossbar sandbox start --write-config`. The profiles it names are in aws/config and',
    ' aws/credentials beside this file: point AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at them.',
  ].join('\n');
  setFlow(doc.get('organization', true));
  setFlow(doc.get('source', true));
  const sources = doc.get('sources', true);
  if (isMap(sources)) for (const named of sources.items) setFlow(named.value);
  setFlow(doc.getIn(['defaults', 'regions'], true));
  for (const key of ['accounts', 'workspaces', 'shortcuts']) {
    const seq = doc.get(key, true);
    if (!isSeq(seq)) continue;
    for (const item of seq.items as Node[]) {
      if (key !== 'accounts') {
        setFlow(item);
        continue;
      }
      if (!isMap(item)) continue;
      setFlow(item.get('tags', true));
      const roles = item.get('roles', true);
      if (isMap(roles)) for (const role of roles.items) setFlow(role.value);
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** `[profile NAME]` sections: the region, the sandbox endpoint (botocore and SDK v3 read `endpoint_url`), MFA. */
export function renderAwsConfig(info: SandboxConfigInfo): string {
  const sections = info.users.map((user) =>
    [
      `[profile ${user.userName}]`,
      `region = ${info.region}`,
      `endpoint_url = ${info.endpoint}`,
      ...(user.mfaSerial ? [`mfa_serial = ${user.mfaSerial}`] : []),
    ].join('\n'),
  );
  return (
    [
      `# AWS profiles for the crossbar sandbox at ${info.endpoint} (keys in the credentials file beside this one)`,
      ...sections,
    ].join('\n\n') + '\n'
  );
}

/** The long-term keys of the sandbox's people; the caller writes this file with mode 0600. */
export function renderAwsCredentials(info: SandboxConfigInfo): string {
  const sections = info.users.map((user) =>
    [
      `[${user.userName}]`,
      `aws_access_key_id = ${user.accessKeyId}`,
      `aws_secret_access_key = ${user.secretAccessKey}`,
    ].join('\n'),
  );
  return [`# Keys of the crossbar sandbox at ${info.endpoint}; they work only there`, ...sections].join('\n\n') + '\n';
}
