import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import { listAssignments, type SsoSession } from '../../core/sso/index.js';
import { readOrganizationThroughSso, ssoToConfig, type InitConfig } from '../../core/init/index.js';
import type { CliContext } from '../context.js';
import { openSsoSession } from '../sso/open-sso-session.js';
import { deviceSignIn } from '../sso/sso-login.js';

/**
 * `crossbar init --from-sso START_URL --sso-region R`: sign in (the device flow, or the session already cached),
 * list every account × permission set granted, join Organizations' OUs and tags where one of those sessions can
 * read them, and make the registry of one SSO source.
 */
export interface InitFromSsoFlags {
  fromSso?: string;
  ssoRegion?: string;
  sourceName?: string;
  namespace?: string;
  browser?: boolean;
}

export interface SsoFound {
  config: InitConfig;
  notes: string[];
  origin: string;
}

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

export function checkSsoFlags(flags: InitFromSsoFlags): { startUrl: string; region: string; sourceName: string } {
  const startUrl = flags.fromSso ?? '';
  let url: URL | undefined;
  try {
    url = new URL(startUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new CrossbarError('USAGE', `--from-sso needs the start URL of IAM Identity Center, not '${startUrl}'`, {
      hint: 'e.g. crossbar init --from-sso https://d-1234567890.awsapps.com/start --sso-region eu-west-1',
    });
  if (!flags.ssoRegion || !/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(flags.ssoRegion))
    throw new CrossbarError('USAGE', `--from-sso needs --sso-region: the region of the Identity Center instance`, {
      hint: 'the AWS access portal shows it; e.g. --sso-region eu-west-1',
    });
  const sourceName = flags.sourceName ?? 'sso';
  if (!SOURCE_NAME.test(sourceName) || sourceName === 'default')
    throw new CrossbarError('USAGE', `--source-name '${sourceName}' must be letters, digits, dot, dash or underscore`, {
      hint: 'e.g. --source-name acme-sso (and not `default`, the name of the unnamed source:)',
    });
  return { startUrl, region: flags.ssoRegion, sourceName };
}

/** The cached session when it is still good, else the device flow. */
async function signedIn(ctx: CliContext, session: SsoSession, flags: InitFromSsoFlags): Promise<void> {
  try {
    await session.token();
    ctx.err(`using the SSO session of ${session.settings.name} already signed in`);
  } catch (err) {
    if (!isCrossbarError(err) || (err.code !== 'CREDENTIALS_MISSING' && err.code !== 'CREDENTIALS_EXPIRED')) throw err;
    await deviceSignIn(ctx, session, flags.browser === false ? { browser: false } : {});
  }
}

export async function fromSso(
  ctx: CliContext,
  flags: InitFromSsoFlags,
  endpoint: string | undefined,
): Promise<SsoFound> {
  const { startUrl, region, sourceName } = checkSsoFlags(flags);
  const settings = { name: sourceName, startUrl, region, session: sourceName, ...(endpoint ? { endpoint } : {}) };
  const session = openSsoSession(ctx, settings);
  try {
    await signedIn(ctx, session, flags);
    ctx.err('listing your accounts and permission sets');
    const assignments = await listAssignments(session);
    const granted = assignments.filter((a) => a.permissionSets.length > 0);
    if (granted.length === 0)
      throw new CrossbarError('NOT_FOUND', `${startUrl} grants you no account and permission set`, {
        hint: 'an Identity Center administrator assigns permission sets to you or your groups',
      });
    ctx.err(`reading OUs and tags from AWS Organizations through one of your sessions`);
    const org = await readOrganizationThroughSso(session, granted, { endpoint });
    const config = ssoToConfig(granted, org, {
      sourceName,
      startUrl,
      region,
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
    });
    const sets = granted.reduce((n, a) => n + a.permissionSets.length, 0);
    return {
      config,
      notes: [
        ...(org.note ? [org.note] : []),
        ...assignments
          .filter((a) => a.permissionSets.length === 0)
          .map((a) => `left out ${a.accountName ?? a.accountId} (${a.accountId}): no permission set of yours`),
      ],
      origin: `SSO ${startUrl} (${region}): ${granted.length} account${granted.length === 1 ? '' : 's'}, ${sets} permission set assignment${sets === 1 ? '' : 's'}${org.readAs ? `; OUs and tags read as ${org.readAs}` : ''}`,
    };
  } finally {
    session.close();
  }
}
