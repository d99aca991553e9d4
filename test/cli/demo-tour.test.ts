import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asExpected,
  runDemoTour,
  type DemoStep,
  type DemoTourOptions,
  type DemoTourRoot,
} from '../../src/core/demo-tour.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';

/** The tour's data, straight from the core function, against a sandbox in-process. */
describe('runDemoTour', () => {
  let sb: Sandbox;
  let root: DemoTourRoot;
  let options: DemoTourOptions;
  beforeAll(async () => {
    sb = await startTestSandbox();
    const keys = (name: string) => {
      const u = sb.users().find((x) => x.userName === name);
      if (!u) throw new Error(`no ${name}`);
      return {
        name,
        credentials: { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey },
        mfaSerial: u.mfaSerial,
      };
    };
    root = { endpoint: sb.endpoint, sourceRegion: 'us-east-1' };
    options = {
      source: keys('alice'),
      other: keys('bob'),
      mfaCodeProvider: async () => sb.mfaCode('alice'),
      externalIds: { '555555555555': 'acme-crossbar-7f3a9c' },
      readOnlyRole: 'CrossbarReadOnly',
      adminRole: 'administrator',
    };
  });
  afterAll(() => sb.stop());

  it('reports OU paths and stages from Organizations, and streams each step', async () => {
    const seen: DemoStep['kind'][] = [];
    const steps = await runDemoTour(root, { ...options, onStep: (s) => seen.push(s.kind) });
    expect(seen).toEqual(['organization', 'identity', 'hops', 'hops']);
    const org = steps[0];
    if (org?.kind !== 'organization') throw new Error('first step is not the organization');
    expect(org.accounts.map((a) => [a.id, a.ou, a.stage ?? null])).toEqual([
      ['111111111111', '/', null],
      ['222222222222', '/Workloads', 'dev'],
      ['333333333333', '/Workloads', 'staging'],
      ['444444444444', '/Workloads', 'prod'],
      ['555555555555', '/Clients', 'client'],
    ]);
    const hops = steps.flatMap((s) => (s.kind === 'hops' ? s.hops : []));
    expect(hops.every(asExpected)).toBe(true);
    const readOnly = hops.find((h) => h.accountId === '555555555555');
    expect(readOnly).toMatchObject({ externalId: true, result: { ok: true, account: '555555555555' } });
    if (readOnly?.result.ok) expect(readOnly.result.expiration?.getTime()).toBeGreaterThan(Date.now());
  });

  it('notices when a hop does not come out as AWS would answer: no ExternalId for the client', async () => {
    const steps = await runDemoTour(root, { ...options, externalIds: {} });
    const acme = steps.flatMap((s) => (s.kind === 'hops' ? s.hops : [])).find((h) => h.accountId === '555555555555');
    expect(acme?.result).toMatchObject({ ok: false, code: 'AccessDenied' });
    expect(acme && asExpected(acme)).toBe(false);
  });

  it("a wrong MFA code denies the MFA hop with AWS's message", async () => {
    const steps = await runDemoTour(root, {
      ...options,
      mfaCodeProvider: async () => ('000000' === sb.mfaCode('alice') ? '111111' : '000000'),
    });
    const mfa = steps.at(-1);
    if (mfa?.kind !== 'hops') throw new Error('last step is not the MFA hops');
    expect(mfa.hops[0]?.result).toMatchObject({
      ok: false,
      code: 'AccessDenied',
      message: expect.stringContaining('MultiFactorAuthentication failed') as unknown,
    });
  });
});
