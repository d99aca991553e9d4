import type { Sandbox } from '../sandbox/server.js';
import type { World } from '../sandbox/world/types.js';
import {
  DEFAULT_REGIONS,
  READ_ONLY_ROLE,
  type SandboxConfigAccount,
  type SandboxConfigInfo,
} from '../core/sandbox-config.js';

/**
 * Reads what the config files need from a running sandbox's world: the member accounts with their stage,
 * colour, OU path, tags and ExternalId, and the management account's people with their keys.
 */
function ouPath(world: World, parentId: string): string {
  const names: string[] = [];
  let id: string | undefined = parentId;
  while (id && id !== world.organization.rootId) {
    const ou: World['ous'][string] | undefined = world.ous[id];
    if (!ou) break;
    names.unshift(ou.name);
    id = ou.parentId;
  }
  return `/${names.join('/')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The ExternalId a trust policy demands, read from its `StringEquals` conditions (seed 002's client). */
export function externalIdOf(trustPolicy: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(trustPolicy);
  } catch {
    return undefined;
  }
  const statements = isRecord(doc) ? doc.Statement : undefined;
  for (const statement of Array.isArray(statements) ? statements : [statements]) {
    const condition = isRecord(statement) ? statement.Condition : undefined;
    const equals = isRecord(condition) ? condition.StringEquals : undefined;
    const value = isRecord(equals) ? equals['sts:ExternalId'] : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** `orgSpec` is what `--org` said (`demo`, `generated:20`); it names the organization and its label namespace. */
export function describeSandbox(
  sandbox: Pick<Sandbox, 'endpoint' | 'world' | 'users'>,
  orgSpec: string,
): SandboxConfigInfo {
  const { world } = sandbox;
  const accounts: SandboxConfigAccount[] = Object.values(world.accounts)
    .filter((a) => a.id !== world.organization.masterAccountId)
    .map((a) => {
      const role = a.iam.roles[READ_ONLY_ROLE];
      const externalId = role ? externalIdOf(role.assumeRolePolicyDocument) : undefined;
      return {
        id: a.id,
        name: a.name,
        stage: a.tags.stage ?? 'unknown',
        ...(a.tags.color ? { color: a.tags.color } : {}),
        ou: ouPath(world, a.parentId),
        tags: a.tags,
        ...(externalId ? { externalId } : {}),
      };
    });
  const users = sandbox.users();
  const name = orgSpec.replace(/[^a-z0-9-]/gi, '-').toLowerCase();
  return {
    endpoint: sandbox.endpoint,
    organization: { name, namespace: name },
    sourceUser: (users.find((u) => u.mfaSerial) ?? users[0])?.userName ?? 'alice',
    users,
    accounts,
    region: 'us-east-1',
    regions: DEFAULT_REGIONS,
  };
}
