import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo, runCli, waitFor } from './run-cli.js';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444', '555555555555'];

describe('crossbar demo', () => {
  // ~25 s of tour (several commands spawn the aws CLI): 30 s is too tight when the machine is busy.
  it('tours the organization, the source identity and the hops, and exits 0', { timeout: 90_000 }, async () => {
    // PATH lets the tour find the real aws CLI for its exec and generated-profile steps.
    const out = await runCli(['demo'], { PATH: process.env['PATH'] });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    for (const id of ACCOUNTS) expect(out.stdout).toContain(id);
    expect(out.stdout).toMatch(/555555555555\s+client-acme\s+\/Clients\s+client\s+ACTIVE/);
    expect(out.stdout).toContain('alice is arn:aws:iam::111111111111:user/alice');
    for (const id of ACCOUNTS.slice(1))
      expect(out.stdout).toContain(`arn:aws:sts::${id}:assumed-role/CrossbarReadOnly/crossbar-demo-alice`);
    expect(out.stdout).toContain('arn:aws:sts::444444444444:assumed-role/administrator/crossbar-demo-alice');
    // The denied twin, with AWS's own reason.
    expect(out.stdout).toMatch(/bob\s+444444444444\s+production\s+administrator\s+-\s+-\s+-\s+denied: AccessDenied/);
    expect(out.stdout).toContain(
      'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444444444444:role/administrator',
    );
    // crossbar's own commands in the tour: the matrix, exec, generated profiles, console, run, inventory, query.
    expect(out.stdout).toMatch(/staging\s+admin\s+denied\s+caller policy/);
    expect(out.stdout).toMatch(
      /\$ crossbar exec production -- aws sts get-caller-identity[\s\S]*Account\|\s+444444444444/,
    );
    expect(out.stdout).toMatch(
      /\$ aws --profile demo-prod-CrossbarReadOnly sts get-caller-identity[\s\S]*assumed-role\/CrossbarReadOnly\//,
    );
    expect(out.stdout).toMatch(/\/federation\?Action=login&Issuer=crossbar&Destination=[^\s]+&SigninToken=/);
    expect(out.stdout).toContain(
      'https://signin.aws.amazon.com/switchrole?roleName=CrossbarReadOnly&account=444444444444&displayName=production&color=',
    );
    expect(out.stdout).toMatch(/development\s+✗ REGION_DISABLED\s+✓\s+✓/);
    expect(out.stdout).toMatch(/production\s+✓\s+✓\s+✓/);
    expect(out.stdout).toMatch(/production\s+prod\s+us-east-1\s+3\s+2/);
    expect(out.stdout).not.toContain('(skipped');
    // See and secure: the bill, the audit's planted findings, who-can, the CloudTrail evidence, the bootstrap plan.
    expect(out.stdout).toMatch(/Top movers, \d{4}-\d{2} against \d{4}-\d{2}\s+\+[\d,.]+\s+\+[\d.]+%\s+production/);
    expect(out.stdout).toMatch(/XB001\s+production\s+arn:aws:iam::444444444444:role\/legacy-public-access/);
    expect(out.stdout).toMatch(/XB003\s+production\s+arn:aws:iam::444444444444:role\/vendor-monitoring/);
    expect(out.stdout).toMatch(
      /can\s+arn:aws:iam::111111111111:user\/alice\s+organization\s+group production_administrator\s+MFA/,
    );
    expect(out.stdout).toMatch(/production\s+legacy-public-access\s+\*\s+public/);
    expect(out.stdout).toMatch(/source\s+111111111111\s+source\s+create group crossbar-readonly/);
    expect(out.stdout).toContain('plan only: run with --apply to make these changes');
    expect(out.stdout).toContain('What to try next');
    expect(out.stdout).toContain('npx crossbar sandbox start --write-config ./sandbox');
    // A story (issue 9 item 17): crossbar's own commands first, the raw API calls last, under the hood.
    const steps = out.stdout.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(steps[0]).toBe('1. The registry: every account in crossbar.yaml, coloured by stage');
    expect(out.stdout.indexOf('$ crossbar accounts list')).toBeLessThan(
      out.stdout.indexOf('organizations ListAccounts'),
    );
    expect(out.stdout.indexOf('UNDER THE HOOD')).toBeLessThan(out.stdout.indexOf('sts AssumeRole'));
    // Progress before its table, as on a terminal; the words and the denials explained where they appear.
    expect(out.stdout).toMatch(/checking 8 account × role pairs as [^\n]+\n\s+ACCOUNT\s+ROLE\s+STATUS/);
    expect(out.stdout).toContain('`admin` is the key of the IAM role `administrator`');
    expect(out.stdout).toContain('The two denials are on purpose');
    expect(out.stdout).toContain('A slice is one resource type in one account and region');
    expect(out.stdout).toContain('↳ Denied on purpose');
    // The team (seed 000's hybrid setup): bob (viewer) refused where carol (operator) gets her own session, which
    // CloudTrail names; the server's trail holds both and verifies; no token is printed.
    const team = out.stdout.slice(out.stdout.indexOf('SHARE: A TEAM SERVER'), out.stdout.indexOf('UNDER THE HOOD'));
    expect(team).toMatch(/credentials\.vend in platform needs the operator role; bob is viewer/);
    expect(team).toMatch(/arn:aws:sts::222222222222:assumed-role\/CrossbarReadOnly\/carol/);
    expect(team).toMatch(/AssumeRole\s+development\s+us-east-1\s+CrossbarReadOnly\s+carol\s+carol/);
    expect(team).toMatch(/carol\s+credentials\.vend\s+development:CrossbarReadOnly\s+ok/);
    expect(team).toMatch(/bob\s+credentials\.vend\s+denied/);
    expect(team).toMatch(/trail verified: 3 chains, \d+ entries/);
    expect(team).toContain('--token $CAROL_TOKEN');
    expect(team).not.toMatch(/xbt_[A-Za-z0-9_-]{20}/);
    // More ways in (issue 12): Identity Center as a second, named source, added after every command that lists the
    // accounts; the device flow approved as alice would; a permission set's session and its denied twin.
    const sso = out.stdout.slice(
      out.stdout.indexOf('MORE WAYS IN: IAM IDENTITY CENTER'),
      out.stdout.indexOf('UNDER THE HOOD'),
    );
    expect(out.stdout.indexOf('SHARE: A TEAM SERVER')).toBeLessThan(out.stdout.indexOf('MORE WAYS IN'));
    expect(sso).toMatch(
      /\n {2}\+ sources:\n {2}\+ {3}demo-sso: \{ sso: \{ start_url: https:\/\/d-[0-9a-f]{10}\.awsapps\.com\/start, region: eu-west-1 \} \}\n {4}accounts:\n/,
    );
    expect(sso).toMatch(
      /\n {2}\+ {5}source: demo-sso\n {2}\+ {5}roles:\n {2}\+ {7}readonly: \{ permission_set: ReadOnlyAccess \}\n/,
    );
    expect(sso).toContain("alice's IAM user stays the source of every account above");
    const [, code] =
      /\$ crossbar login demo-sso --no-browser\n[^\n]*\n {2}Open http:\/\/127\.0\.0\.1:\d+\/device\?user_code=([A-Z]{4}-[A-Z]{4})\n/.exec(
        sso,
      ) ?? [];
    expect(code).toBeDefined();
    expect(sso).toContain(`and check that it shows the code ${code}, then approve it.`);
    expect(sso).toContain(`$ crossbar sandbox approve alice ${code}  `);
    expect(sso).toContain(`approved ${code} for alice\n`);
    expect(sso).toMatch(/Signed in to SSO demo-sso as alice; the session lasts until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(sso.indexOf(`approved ${code}`)).toBeLessThan(sso.indexOf('Signed in to SSO demo-sso'));
    expect(sso).toMatch(
      /\$ crossbar exec management -- aws sts get-caller-identity[\s\S]*arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/alice/,
    );
    // The denied twin: AdministratorAccess is assigned to no group of alice's in the management account.
    expect(sso).toContain(
      'crossbar: SSO demo-sso does not give you permission set AdministratorAccess in account 111111111111',
    );
    expect(sso).not.toContain('exit 1, expected');
    // The accounts listed before it are the IAM user's: the management account joined the registry only here.
    expect(out.stdout.slice(0, out.stdout.indexOf('MORE WAYS IN'))).not.toMatch(/\n {2}management\s+111111111111/);
    const next = out.stdout.slice(out.stdout.indexOf('What to try next'));
    expect(next).toContain('npx crossbar init --from-sso https://YOUR-ID.awsapps.com/start --sso-region REGION');
    for (const command of [
      'crossbar shell production',
      'crossbar exec staging --',
      'crossbar exec /switch-to-prod',
      'crossbar init --from-organization',
    ])
      expect(next).toContain(command);
    // The end (issue 11): the web UI's address and the demo members' sign-in, and honestly that it stops now.
    const web = out.stdout.slice(out.stdout.indexOf('The web UI'));
    expect(web).toMatch(/^The web UI\n {2}http:\/\/127\.0\.0\.1:\d+ /);
    for (const [name, access] of [
      ['alice', 'server owner; owner of production and platform'],
      ['bob  ', 'viewer of platform'],
      ['carol', 'operator of platform'],
    ])
      expect(web).toMatch(new RegExp(`\\n {4}${name} {2}[A-Za-z0-9_-]{24} {2}${access}\\n`));
    expect(web).toContain('This server stops when the demo ends, with the sandbox: run npx crossbar demo --keep');
    // Not a terminal: no colour codes, and no secrets anywhere.
    expect(out.stdout).not.toContain('\u001b[');
    // Access key ids may appear (the audit names bob's old key); secrets never do.
    expect(out.stdout).not.toMatch(/aws_secret|SecretAccessKey|secretAccessKey/);
  });

  it('prints the tour as JSON with --output json', async () => {
    const out = await runCli(['demo', '--output', 'json']);
    expect(out.code).toBe(0);
    const tour = JSON.parse(out.stdout) as {
      steps: { kind: string; hops?: { from: string; result: { ok: boolean } }[] }[];
    };
    expect(tour.steps.map((s) => s.kind)).toEqual(['organization', 'identity', 'hops', 'hops']);
    expect(tour.steps[3]?.hops?.map((h) => [h.from, h.result.ok])).toEqual([
      ['alice', true],
      ['alice', false],
      ['bob', false],
    ]);
    const web = (
      JSON.parse(out.stdout) as { web: { url: string; kept: boolean; sign_in: { username: string; access: string }[] } }
    ).web;
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.kept).toBe(false);
    expect(web.sign_in.map((m) => [m.username, m.access])).toEqual([
      ['alice', 'server owner; owner of production and platform'],
      ['bob', 'viewer of platform'],
      ['carol', 'operator of platform'],
    ]);
    const commands = (JSON.parse(out.stdout) as { commands: { argv: string; exit: number }[] }).commands;
    expect(commands.map((c) => c.argv.split(' ')[0])).toContain('run');
    expect(commands.find((c) => c.argv === 'login demo-sso --no-browser')?.exit).toBe(0);
    expect(commands.find((c) => c.argv.startsWith('exec management:admin'))?.exit).toBe(1);
    expect(
      commands.find((c) => c.argv.startsWith('accounts check'))?.exit ??
        commands.find((c) => c.argv.includes('accounts check'))?.exit,
    ).toBe(1);
  });

  // The whole tour runs before "keeps running": on a loaded machine that takes longer than waitFor's default 10 s.
  it('--keep leaves the sandbox running until interrupted, then cleans up', { timeout: 90_000 }, async () => {
    const cli = captureIo();
    const exit = main(['demo', '--keep'], cli.io);
    const endpoint = await waitFor(
      () => /keeps running at (http:\/\/127\.0\.0\.1:\d+), config in (\S+)\./.exec(cli.stdout) ?? undefined,
      60_000,
    );
    const [, url, dir] = endpoint;
    expect(cli.stdout).toContain(`--endpoint ${url}`);
    // The kept config names the Identity Center source: its sign-in is a next step.
    expect(cli.stdout).toContain(`npx crossbar login demo-sso --no-browser`);
    expect(cli.stdout).toContain(`npx crossbar sandbox approve alice CODE --endpoint ${url}`);
    expect((await fetch(`${url}/_sandbox/health`)).status).toBe(200);
    expect(existsSync(`${dir}/aws/credentials`)).toBe(true);
    // The web UI stays up with it, and the printed sign-in works; a wrong password is its denied twin.
    const [, web] = /team server and its web UI keep running at (http:\/\/127\.0\.0\.1:\d+)\./.exec(cli.stdout) ?? [];
    const [, carolPassword] = /\n {4}carol {2}([A-Za-z0-9_-]{24}) /.exec(cli.stdout) ?? [];
    const signIn = (password: string | undefined) =>
      fetch(`${web}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'carol', password }),
      });
    expect((await signIn(carolPassword)).status).toBe(200);
    expect((await signIn('not-carols-password')).status).toBe(401);
    expect(cli.stdout).toContain('It keeps running until Ctrl-C, with the sandbox.');
    cli.interrupt();
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/_sandbox/health`)).rejects.toThrow();
    await expect(fetch(`${web}/healthz`)).rejects.toThrow();
    expect(existsSync(dir ?? '')).toBe(false);
  });

  it('an interrupt during the tour stops it with exit 130', async () => {
    const cli = captureIo();
    cli.interrupt();
    const code = await main(['demo'], cli.io);
    expect(code).toBe(130);
    expect(cli.stderr).toBe('crossbar: demo interrupted\n');
  });

  it('an unknown organization is a usage error', async () => {
    const out = await runCli(['demo', '--org', 'huge']);
    expect(out.code).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe("crossbar: unknown organization 'huge'");
  });
});
