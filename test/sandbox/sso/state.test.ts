import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ListAccountsCommand } from '@aws-sdk/client-sso';
import { startTestSandbox } from '../../helpers/sandbox.js';
import { failure } from '../../helpers/sandbox-clients.js';
import { portalClient, signIn } from './sso-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'crossbar-sso-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Identity Center with --state', () => {
  it('keeps the instance, its assignments and signed-in tokens across a restart', async () => {
    const statePath = join(dir, 'state.json');
    const first = await startTestSandbox({ statePath });
    const ic = first.identityCenter();
    const { accessToken } = await signIn(first, 'alice');
    await first.stop();
    const second = await startTestSandbox({ statePath });
    try {
      expect(second.identityCenter()).toEqual(ic);
      const out = await portalClient(second).send(new ListAccountsCommand({ accessToken }));
      expect(out.accountList).toHaveLength(4);
    } finally {
      await second.stop();
    }
  });

  it('a fresh sandbox without the state file does not know the old token', async () => {
    const first = await startTestSandbox();
    const { accessToken } = await signIn(first, 'alice');
    await first.stop();
    const other = await startTestSandbox();
    try {
      const f = await failure(portalClient(other).send(new ListAccountsCommand({ accessToken })));
      expect(f.name).toBe('UnauthorizedException');
    } finally {
      await other.stop();
    }
  });
});
