import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CrossbarError } from '../../core/errors.js';
import { writePrivateFile } from './private-file.js';

/**
 * What `crossbar login` remembers in CROSSBAR_HOME/server.json (0600): which server, who signed in, the API
 * token's id (to revoke it on logout) and where the token itself is kept, and the current workspace
 * (`crossbar workspace use`). The token is never in this file. Node built-ins only: credential-process's warm path
 * reads this file's text.
 */
export interface ServerState {
  url: string;
  username: string;
  tokenId: string;
  tokenStore: 'keyring' | 'file';
  /** The current workspace: hop commands get their credentials from the server while it is set. */
  workspace?: string;
}

export const SERVER_STATE_FILE = 'server.json';

export function serverStatePath(home: string): string {
  return join(home, SERVER_STATE_FILE);
}

/** The file's text, or undefined when there is none (never signed in, or signed out). */
export function readServerStateText(home: string): string | undefined {
  try {
    return readFileSync(serverStatePath(home), 'utf8');
  } catch {
    return undefined;
  }
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function parseServerState(text: string, path: string): ServerState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const { url, username, tokenId, tokenStore, workspace } = value as Record<string, unknown>;
    if (str(url) && str(username) && str(tokenId) && (tokenStore === 'keyring' || tokenStore === 'file')) {
      const state: ServerState = { url, username, tokenId, tokenStore };
      if (str(workspace)) state.workspace = workspace;
      return state;
    }
  }
  throw new CrossbarError('CONFIG_INVALID', `${path} is not a crossbar sign-in (damaged or edited by hand)`, {
    hint: 'run `crossbar login --server URL` again (it replaces the file)',
  });
}

export function loadServerState(home: string): ServerState | undefined {
  const text = readServerStateText(home);
  return text === undefined ? undefined : parseServerState(text, serverStatePath(home));
}

export function saveServerState(home: string, state: ServerState): void {
  writePrivateFile(serverStatePath(home), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearServerState(home: string): void {
  rmSync(serverStatePath(home), { force: true });
}

/**
 * server.json's text when it names a current workspace, else undefined: then hop commands without --config go
 * through the server, and credential-process's warm path keys its index on this text (a new sign-in or another
 * workspace is another key).
 */
export function workspaceStateText(home: string): string | undefined {
  const text = readServerStateText(home);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    const workspace = typeof value === 'object' && value !== null && 'workspace' in value ? value.workspace : undefined;
    return typeof workspace === 'string' && workspace !== '' ? text : undefined;
  } catch {
    return undefined;
  }
}
