import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';
import { allowOrganizationAccess, MANAGEMENT } from './iam.js';

/**
 * Issue 9 item 16: `bootstrap --apply` ends with the reachability it actually achieved. alice may only use
 * OrganizationAccountAccessRole (and IAM in her own account): the roles bootstrap creates trust her, but without
 * `--add-user` nothing allows her to assume them, and the apply must say so instead of "✓ applied".
 */
const ids = ['200000000001', '200000000002', '200000000003'];
let w: World;

beforeAll(async () => {
  w = await startWorld({ org: 'generated:3' });
  allowOrganizationAccess(w.sb.world);
});
afterAll(() => w.stop());

const config = () =>
  w.config('reach', {
    organization: { name: 'generated', namespace: 'gen' },
    source: { profile: 'alice', mfa_serial: `arn:aws:iam::${MANAGEMENT}:mfa/alice` },
    defaults: { role: 'CrossbarReach', regions: ['us-east-1'] },
    accounts: ids.map((id, i) => ({ id, name: `account-${i + 1}` })),
  });

describe('bootstrap --apply: the reachability it achieved', () => {
  it('without --add-user: applied, then says alice cannot assume the roles and how to fix it (exit 1)', async () => {
    const run = await w.cli(['-c', config(), 'bootstrap', '--apply', '--yes']);
    expect(run.stderr).toContain('changes applied in');
    expect(run.stderr).toContain(
      `the roles trust arn:aws:iam::${MANAGEMENT}:user/alice, but nothing gave it the right to assume them`,
    );
    expect(run.stderr).toContain('Run again with --add-user alice');
    const last = run.stderr.trim().split('\n').at(-1);
    expect(last).toMatch(
      new RegExp(`^✗ reachability: arn:aws:iam::${MANAGEMENT}:user/alice assumes 0 of 3 roles \\(0 ok, 3 denied`),
    );
    expect(run.code).toBe(1);
  });

  it('with --add-user alice: the same roles, now reachable, and the last line proves it (exit 0)', async () => {
    const run = await w.cli(['-c', config(), 'bootstrap', '--apply', '--yes', '--add-user', 'alice']);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `✓ reachability: arn:aws:iam::${MANAGEMENT}:user/alice assumes 3 of 3 roles`,
    );
    expect(run.code).toBe(0);
  });
});
