import { parseArn } from '../arn.js';

/**
 * RoleSessionName and SourceIdentity accept `[\w+=,.@-]{2,64}`. A human's name may hold spaces or accents:
 * replace what AWS refuses, keep what it accepts, so CloudTrail still reads as the person.
 */
export function sanitizeSessionName(name: string): string {
  const cleaned = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\w+=,.@-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  if (cleaned.length >= 2) return cleaned;
  return cleaned.length === 1 ? `${cleaned}-crossbar` : 'crossbar';
}

/**
 * The person behind a caller ARN: the user name of an IAM user, the session name of an assumed role (SSO puts
 * the person there), the federated user's name; `root` for the account root.
 */
export function identityFromArn(arn: string): string {
  const parsed = parseArn(arn);
  if (parsed.resource === 'root') return 'root';
  const parts = parsed.resource.split('/');
  if (parsed.resourceType === 'assumed-role') return parts[2] ?? parsed.resourceName;
  return parsed.resourceName;
}
