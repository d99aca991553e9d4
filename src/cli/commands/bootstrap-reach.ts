import { parseArn } from '../../core/arn.js';
import type { BootstrapSpec } from '../../core/bootstrap/index.js';
import { homeRegion, type RegistryAccount } from '../../core/config/index.js';
import type { Crossbar } from '../../core/crossbar.js';
import { failureReason, summarizeReachability, type RoleTarget } from '../../core/reachability.js';
import type { CliContext } from '../context.js';

/**
 * The end of `bootstrap --apply`: can the source now assume what was just set up? The roles trust the source,
 * but a user in the source account also needs its own IAM policy to allow sts:AssumeRole on them (what
 * `--add-user` gives it through the crossbar groups). An apply that leaves the source unable to reach the roles
 * says so, and the last line is the reachability it actually achieved, proven by AssumeRole and
 * GetCallerIdentity. Roles that need MFA are not probed here (their code is for the person to type).
 */
export async function reportReachability(
  ctx: CliContext,
  crossbar: Crossbar,
  accounts: readonly RegistryAccount[],
  spec: BootstrapSpec,
  addUsers: readonly string[],
): Promise<boolean> {
  const arns = new Set(spec.roles.map((r) => r.arn));
  const targets: RoleTarget[] = accounts.flatMap((account) =>
    account.roles.filter((role) => arns.has(role.arn)).map((role) => ({ account, role, region: homeRegion(account) })),
  );
  const probed = targets.filter((t) => t.role.mfa !== 'required');
  const mfaRoles = targets.length - probed.length;
  const mfaNote =
    mfaRoles > 0 ? `; ${mfaRoles} MFA role(s) not probed (\`crossbar accounts check\` asks for the code)` : '';
  const source = (await crossbar.sourceIdentity()).arn;
  if (probed.length === 0) {
    ctx.err(ctx.colors.dim(`reachability: nothing to probe without MFA${mfaNote}`));
    return true;
  }
  ctx.err(ctx.colors.dim(`checking that ${source} can assume the ${probed.length} roles…`));
  const results = await crossbar.checkReachability(probed, { signal: ctx.signal });
  const ok = results.filter((r) => r.ok).length;
  if (ok === results.length) {
    ctx.err(ctx.colors.green(`✓ reachability: ${source} assumes ${ok} of ${results.length} roles${mfaNote}`));
    return true;
  }
  const denied = results.flatMap((r) => (r.ok ? [] : [r]));
  for (const r of denied.slice(0, 5))
    ctx.err(
      ctx.colors.red(`✗ ${r.target.account.name}:${r.target.role.key}: ${failureReason(r.error)}: ${r.error.message}`),
    );
  const arn = parseArn(source);
  const user = arn.resourceType === 'user' ? arn.resourceName : undefined;
  const callerPolicy = denied.some((r) => failureReason(r.error) === 'caller policy');
  const firstHint = denied.find((r) => r.error.hint !== undefined)?.error.hint;
  if (callerPolicy && addUsers.length === 0)
    ctx.err(
      ctx.colors.yellow(
        `the roles trust ${source}, but nothing gave it the right to assume them: its own IAM policy must allow sts:AssumeRole on them. ${user ? `Run again with --add-user ${user} to put it in the crossbar groups` : 'Attach a policy allowing sts:AssumeRole on the roles to it'}, then \`crossbar accounts check\``,
      ),
    );
  else if (callerPolicy)
    ctx.err(
      ctx.colors.yellow(
        'IAM changes can take a few seconds to reach STS: run `crossbar accounts check` again in a minute',
      ),
    );
  else if (firstHint) ctx.err(ctx.colors.yellow(`hint: ${firstHint}`));
  ctx.err(
    ctx.colors.red(
      `✗ reachability: ${source} assumes ${ok} of ${results.length} roles (${summarizeReachability(results)})${mfaNote}`,
    ),
  );
  return false;
}
