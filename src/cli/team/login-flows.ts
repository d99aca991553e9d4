import { setTimeout as sleep } from 'node:timers/promises';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { hiddenAsk } from '../prompt.js';
import {
  parseDeviceStart,
  parseDeviceToken,
  parseNewToken,
  parseSession,
  parseSignedIn,
  parseTokens,
} from './auth-answers.js';
import { anyAnswer, isServerAnswer, type ServerClient } from './server-client.js';

/** The three ways `crossbar login` gets an API token: each ends with the token, its id and whose it is. */
export interface LoginResult {
  token: string;
  tokenId: string;
  username: string;
}

/** A given API token: the server says whose it is, and its id (to revoke it on logout) from the user's token list. */
export async function loginWithToken(client: ServerClient, token: string): Promise<LoginResult> {
  const withToken = client.withToken(token);
  let username: string;
  try {
    username = (await withToken.get('/api/session', parseSession)).user.username;
  } catch (err) {
    if (isServerAnswer(err, 'UNAUTHENTICATED'))
      throw new CrossbarError('UNAUTHENTICATED', `the crossbar server at ${client.url} does not accept this token`, {
        hint: `it is unknown, revoked or expired: sign in with \`crossbar login --server ${client.url}\` alone`,
        cause: err,
      });
    throw err;
  }
  const { tokens } = await withToken.get('/api/tokens', parseTokens);
  const mine = tokens.find((t) => token.startsWith(t.prefix) && t.revoked_at === null);
  if (!mine)
    throw new CrossbarError(
      'ERROR',
      `the crossbar server at ${client.url} does not list this token among ${username}'s`,
      {
        hint: 'create a new token and try again',
      },
    );
  return { token, tokenId: mine.id, username };
}

/** The device flow: a code the person approves on the server while signed in there; polls until then. */
export async function loginWithDevice(ctx: CliContext, client: ServerClient, name: string): Promise<LoginResult> {
  const start = await client.post('/api/device', { client_name: name }, parseDeviceStart);
  const { bold, cyan, dim } = ctx.colors;
  ctx.err(`To sign in, open this where you are signed in to the server:`);
  ctx.err(`  ${cyan(start.verification_uri_complete)}`);
  ctx.err(`and approve the code ${bold(start.user_code)}.`);
  ctx.err(dim(`Waiting for approval… (the code works for ${Math.round(start.expires_in / 60)} min; Ctrl-C to stop)`));
  const deadline = Date.now() + start.expires_in * 1000;
  const interval = Math.max(start.interval, 0.2) * 1000;
  while (Date.now() < deadline) {
    await sleep(interval, undefined, { signal: ctx.signal }).catch(() => {
      throw new CrossbarError('INTERRUPTED', 'interrupted while waiting for the approval');
    });
    try {
      const got = await client.post('/api/device/token', { device_code: start.device_code }, parseDeviceToken);
      return { token: got.token, tokenId: got.id, username: got.username };
    } catch (err) {
      if (isServerAnswer(err) && err.status === 428) continue;
      if (isServerAnswer(err) && err.status === 410)
        throw new CrossbarError('UNAUTHENTICATED', `the code ${start.user_code} expired or was used before approval`, {
          hint: 'run `crossbar login` again for a new code',
          cause: err,
        });
      throw err;
    }
  }
  throw new CrossbarError('TIMEOUT', `the code ${start.user_code} was not approved in time`, {
    hint: 'run `crossbar login` again for a new code',
  });
}

export interface SetupOptions {
  setupToken: string;
  username: string | undefined;
  name: string;
  passwordStdin?: true;
}

/** A new server: the setup token creates the first owner (password asked twice), then the CLI makes its token. */
export async function loginWithSetup(
  ctx: CliContext,
  client: ServerClient,
  options: SetupOptions,
): Promise<LoginResult> {
  const { username } = options;
  if (username === undefined)
    throw new CrossbarError('USAGE', '--setup needs --username: the name of the owner to create', {
      hint: 'crossbar login --server URL --setup TOKEN --username alice',
    });
  const password = options.passwordStdin ? await passwordFromStdin() : await askNewPassword(ctx, username);
  const { client: session } = await client.startSession(
    '/api/setup',
    { token: options.setupToken, username, password },
    parseSignedIn,
  );
  const made = await session.post('/api/tokens', { name: options.name }, parseNewToken);
  // The session was only the way to the token: end it.
  await session.delete('/api/session', anyAnswer).catch(() => {});
  return { token: made.token, tokenId: made.id, username };
}

async function askNewPassword(ctx: CliContext, username: string): Promise<string> {
  const ask = hiddenAsk(ctx.io, ctx.signal);
  if (!ask)
    throw new CrossbarError('USAGE', `no terminal to ask for ${username}'s new password on`, {
      hint: 'run it on a terminal, or pipe the password in with --password-stdin',
    });
  const first = await ask(`New password for ${username}: `);
  const second = await ask('The same password again: ');
  if (second !== first) throw new CrossbarError('USAGE', 'the two passwords differ: nothing was created');
  return first;
}

async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password === '')
    throw new CrossbarError('USAGE', '--password-stdin read no password', {
      hint: 'echo "$PASSWORD" | crossbar login …',
    });
  return password;
}
