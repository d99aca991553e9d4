import { homeOf } from '../../core/config-location.js';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import {
  awsTokenCachePath,
  deleteAwsTokenCache,
  identifySsoUser,
  ssoLabel,
  writeAwsTokenCache,
  type DeviceFlowEvent,
  type SsoSession,
  type SsoSettings,
  type SsoToken,
} from '../../core/sso/index.js';
import { openInBrowser } from '../commands/console.js';
import type { CliContext } from '../context.js';
import { EXIT_OK } from '../report-error.js';
import { awsToolsUseSession, openSsoSession, type SsoSourceEntry } from './open-sso-session.js';

/**
 * `crossbar login [SOURCE]` and `crossbar logout [SOURCE]` for an SSO source of crossbar.yaml: the device flow
 * (the URL and code printed, the browser opened on a terminal), who signed in and until when; sign-out revokes
 * the token on the portal and forgets it.
 */
export interface SsoLoginFlags {
  browser?: boolean;
}

/** The SSO source meant: the one named, else the only one, else the default source when it is SSO. */
export function pickSsoSource<S extends SsoSourceEntry>(
  sources: readonly S[],
  defaultSource: string | undefined,
  wanted: string | undefined,
): S & { sso: NonNullable<SsoSourceEntry['sso']> } {
  const sso = sources.filter((s): s is S & { sso: NonNullable<SsoSourceEntry['sso']> } => s.sso !== undefined);
  const names = sso.map((s) => s.name).join(', ');
  if (wanted !== undefined) {
    const found = sso.find((s) => s.name === wanted);
    if (found) return found;
    const other = sources.find((s) => s.name === wanted);
    throw new CrossbarError(
      'USAGE',
      other
        ? `source '${wanted}' is not an SSO source: there is nothing to sign in to (its keys come from its profile)`
        : `no source '${wanted}' in crossbar.yaml${sso.length > 0 ? `: the SSO sources are ${names}` : ''}`,
      { hint: sso.length > 0 ? `crossbar login ${sso[0]?.name ?? ''}` : 'add an sso: source to crossbar.yaml' },
    );
  }
  const only = sso.length === 1 ? sso[0] : sso.find((s) => s.name === defaultSource);
  if (only) return only;
  throw new CrossbarError('USAGE', `which SSO source? crossbar.yaml has ${sso.length}: ${names}`, {
    hint: `crossbar login ${sso[0]?.name ?? 'NAME'}`,
  });
}

function minutesLeft(until: Date, now = Date.now()): string {
  const min = Math.max(0, Math.round((until.getTime() - now) / 60_000));
  return min >= 120 ? `${Math.round(min / 60)} h` : `${min} min`;
}

function shortTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The device flow on the terminal: the URL and code (and the browser, on a terminal unless --no-browser), a
 * waiting line, then who signed in and until when. The token is cached by the session.
 */
export async function deviceSignIn(ctx: CliContext, session: SsoSession, flags: SsoLoginFlags): Promise<SsoToken> {
  const { bold, cyan, dim } = ctx.colors;
  const { settings } = session;
  const tty = ctx.io.stderr.isTTY === true;
  ctx.err(`Signing in to ${ssoLabel(settings)}…`);
  const onEvent = (event: DeviceFlowEvent) => {
    if (event.kind === 'code') {
      const url = event.code.verificationUriComplete ?? event.code.verificationUri;
      ctx.err(`Open ${cyan(url)}`);
      ctx.err(`and check that it shows the code ${bold(event.code.userCode)}, then approve it.`);
      if (tty && flags.browser !== false)
        openInBrowser(url, ctx.io.env).catch(() => ctx.err(dim('(could not open a browser: open the URL yourself)')));
      ctx.err(dim(`Waiting for approval… (the code works for ${minutesLeft(event.code.expiresAt)}; Ctrl-C to stop)`));
    } else if (event.kind === 'slow-down') {
      ctx.err(dim(`IAM Identity Center asked to poll more slowly: every ${event.intervalSeconds} s now`));
    }
  };
  let token = await session.login({ signal: ctx.signal, onEvent });
  const who = await identifySsoUser(session, { endpoint: settings.endpoint });
  if (who) token = await session.rememberUser(token, who.user);
  ctx.err(
    `Signed in to ${bold(`SSO ${settings.name}`)}${who ? ` as ${bold(who.user)}` : ''}; the session lasts until ${shortTime(token.expiresAt)}${token.refreshToken ? ' and is refreshed on its own' : ''}.`,
  );
  return token;
}

export async function runSsoLogin(ctx: CliContext, settings: SsoSettings, flags: SsoLoginFlags): Promise<number> {
  const session = openSsoSession(ctx, settings);
  try {
    const token = await deviceSignIn(ctx, session, flags);
    const { dim } = ctx.colors;
    ctx.err(dim('The token is kept encrypted in CROSSBAR_HOME (with the credential cache key).'));
    if (awsToolsUseSession(ctx.io.env, settings)) {
      const path = writeAwsTokenCache(homeOf(ctx.io.env), token);
      ctx.err(
        dim(
          `The [sso-session ${settings.session}] profiles of ~/.aws/config use the AWS token cache: wrote ${path} (0600) for the AWS CLI and SDKs.`,
        ),
      );
    }
    if (ctx.output === 'json' || ctx.output === 'ndjson')
      ctx.out(
        JSON.stringify({
          source: settings.name,
          startUrl: settings.startUrl,
          user: token.user ?? null,
          expiresAt: token.expiresAt.toISOString(),
        }),
      );
    return EXIT_OK;
  } finally {
    session.close();
  }
}

export async function runSsoLogout(ctx: CliContext, settings: SsoSettings): Promise<number> {
  const session = openSsoSession(ctx, settings);
  try {
    const result = await session.logout();
    const awsCache = awsTokenCachePath(homeOf(ctx.io.env), settings.session);
    const hadAwsCache = awsToolsUseSession(ctx.io.env, settings);
    // The AWS tools' copy is the same token: revoked with it, so it goes too.
    deleteAwsTokenCache(homeOf(ctx.io.env), settings.session);
    if (!result.hadToken) {
      ctx.err(`Not signed in to SSO ${settings.name}: nothing to do.`);
      return EXIT_OK;
    }
    if (result.failure) {
      const why = isCrossbarError(result.failure) ? result.failure.message : String(result.failure);
      throw new CrossbarError(result.failure.code, `signed out here, but the SSO token was not revoked: ${why}`, {
        hint: 'it works until it expires (an hour at most); sign out in the AWS access portal to end it now',
        cause: result.failure,
      });
    }
    ctx.err(`Signed out of SSO ${settings.name} (${settings.startUrl}); the token is revoked.`);
    if (hadAwsCache) ctx.err(ctx.colors.dim(`Removed the AWS token cache ${awsCache}.`));
    return EXIT_OK;
  } finally {
    session.close();
  }
}
