import { parseArn } from '../arn.js';
import type { RegistryAccount, RegistryRole } from '../config/registry.js';
import { consoleColorHex } from './colors.js';
import { federationUrls } from './federation-urls.js';
import { isPartition, type Partition } from './partition.js';

/**
 * Seed 004's switch-role link: the console's "Switch role" form pre-filled with account, role, display name
 * and colour (green for dev, yellow for staging, red for production), so one click adds it to the role history.
 */
export interface SwitchRoleLink {
  accountId: string;
  /** The role name, with its path if it has one (`path/Name`), as the console's form expects. */
  roleName: string;
  displayName?: string;
  /** A colour name or `#rrggbb`; mapped to the console's palette. */
  color?: string;
  partition?: Partition;
}

/** The console caps the display name at 64 characters. */
const DISPLAY_NAME_MAX = 64;

export function switchRoleUrl(link: SwitchRoleLink): string {
  const query = new URLSearchParams({ roleName: link.roleName, account: link.accountId });
  if (link.displayName) query.set('displayName', link.displayName.slice(0, DISPLAY_NAME_MAX));
  const color = link.color ? consoleColorHex(link.color) : undefined;
  if (color) query.set('color', color);
  return `${federationUrls({ partition: link.partition ?? 'aws' }).switchRole}?${query.toString()}`;
}

/** The link for a registry target; the display name is the account, plus the role when it is not the default one. */
export function switchRoleUrlFor(account: RegistryAccount, role: RegistryRole): string {
  const arn = parseArn(role.arn);
  return switchRoleUrl({
    accountId: arn.accountId,
    roleName: arn.resource.replace(/^role\//, ''),
    displayName: role.key === account.defaultRole.key ? account.name : `${account.name}:${role.key}`,
    color: account.color,
    partition: isPartition(arn.partition) ? arn.partition : 'aws',
  });
}
