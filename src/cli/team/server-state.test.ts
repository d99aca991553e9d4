import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServerState, saveServerState, serverStatePath, workspaceStateText } from './server-state.js';

const dirs: string[] = [];
const newHome = () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-state-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('server.json', () => {
  it('round-trips the sign-in (0600), and names the current workspace for the warm path only when there is one', () => {
    const home = newHome();
    expect(loadServerState(home)).toBeUndefined();
    const state = { url: 'http://srv', username: 'carol', tokenId: 'id1', tokenStore: 'file' as const };
    saveServerState(home, state);
    expect(statSync(serverStatePath(home)).mode & 0o777).toBe(0o600);
    expect(loadServerState(home)).toEqual(state);
    expect(workspaceStateText(home)).toBeUndefined();
    saveServerState(home, { ...state, workspace: 'platform' });
    expect(loadServerState(home)?.workspace).toBe('platform');
    expect(workspaceStateText(home)).toContain('"workspace": "platform"');
  });

  it('a damaged file is one error saying to log in again, and never a workspace', () => {
    const home = newHome();
    writeFileSync(serverStatePath(home), '{"url": 1, "workspace": "platform"');
    expect(() => loadServerState(home)).toThrow(/is not a crossbar sign-in/);
    expect(workspaceStateText(home)).toBeUndefined();
  });
});
