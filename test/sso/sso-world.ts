import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import { captureIo, waitFor } from '../cli/run-cli.js';
export { waitFor } from '../cli/run-cli.js';
import { startWorld, type CliEnv, type World } from '../helpers/world.js';

/**
 * The test world with the demo organization's IAM Identity Center: its start URL (from the sandbox's health
 * endpoint), a crossbar.yaml whose accounts are reached through the SSO source `acme-sso`, and sign-ins approved
 * (or denied) as `crossbar sandbox approve` does, through the sandbox's admin endpoint.
 */
export interface SsoWorld {
  w: World;
  startUrl: string;
  region: string;
  /** crossbar.yaml with the SSO source. */
  config: string;
  /** One CROSSBAR_HOME for every call (the token cache lives there). */
  env(extra?: CliEnv): CliEnv;
  cli(argv: string[], extra?: CliEnv): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs `argv` (a command that signs in) and decides its device code as `user`. */
  login(
    user: string,
    argv?: string[],
    options?: {
      deny?: boolean;
      /** Leave the code undecided (it expires). */
      decide?: boolean;
      before?: (code: string, stderr: () => string) => Promise<void> | void;
      extra?: CliEnv;
    },
  ): Promise<{ code: number; stdout: string; stderr: string; userCode: string }>;
  approve(user: string, code: string, deny?: boolean): Promise<Response>;
  stop(): Promise<void>;
}

export const SSO_ACCOUNTS = [
  {
    id: '111111111111',
    name: 'management',
    source: 'acme-sso',
    roles: { readonly: { permission_set: 'ReadOnlyAccess' } },
  },
  {
    id: '222222222222',
    name: 'development',
    stage: 'dev',
    source: 'acme-sso',
    roles: {
      readonly: { permission_set: 'ReadOnlyAccess' },
      admin: { permission_set: 'AdministratorAccess' },
    },
  },
  {
    id: '444444444444',
    name: 'production',
    stage: 'prod',
    source: 'acme-sso',
    roles: {
      readonly: { permission_set: 'ReadOnlyAccess' },
      admin: { permission_set: 'AdministratorAccess' },
      // the management account's ReadOnlyAccess session is the hub CrossbarReadOnly trusts
      crossbar: { name: 'CrossbarReadOnly', via: 'management:readonly' },
      long: { name: 'CrossbarReadOnly', via: 'management:readonly', duration: 7200 },
      // this account's own ReadOnlyAccess session is not trusted: the denied twin
      untrusted: { name: 'CrossbarReadOnly', via: 'readonly' },
    },
  },
  {
    id: '555555555555',
    name: 'client-acme',
    source: 'acme-sso',
    roles: { readonly: { permission_set: 'ReadOnlyAccess' } },
  },
];

export async function startSsoWorld(): Promise<SsoWorld> {
  const w = await startWorld({ crossbarHome: 'shared' });
  const health = (await (await fetch(`${w.sb.endpoint}/_sandbox/health`)).json()) as {
    identityCenter: { startUrl: string; region: string };
  };
  const { startUrl, region } = health.identityCenter;
  const config = w.config(
    'sso',
    stringify({
      sources: { 'acme-sso': { sso: { start_url: startUrl, region } } },
      accounts: SSO_ACCOUNTS,
      endpoint: w.sb.endpoint,
    }),
  );
  const env = (extra: CliEnv = {}) => w.env({ CROSSBAR_CONFIG: config, NO_COLOR: '1', ...extra });
  const approve = (user: string, code: string, deny = false) =>
    fetch(`${w.sb.endpoint}/_sandbox/sso/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, code, deny }),
    });
  return {
    w,
    startUrl,
    region,
    config,
    env,
    cli: (argv, extra) => {
      const cli = captureIo(env(extra), w.dir);
      return main(argv, cli.io).then((code) => ({ code, stdout: cli.stdout, stderr: cli.stderr }));
    },
    approve,
    async login(user, argv = ['login'], options = {}) {
      const cli = captureIo(env(options.extra), w.dir);
      const run = main(argv, cli.io);
      const userCode = await waitFor(() => /the code ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(cli.stderr)?.[1], 15_000);
      await options.before?.(userCode, () => cli.stderr);
      if (options.decide !== false) {
        const answer = await approve(user, userCode, options.deny === true);
        if (!answer.ok) throw new Error(`approve: ${answer.status} ${await answer.text()}`);
      }
      const code = await run;
      return { code, stdout: cli.stdout, stderr: cli.stderr, userCode };
    },
    stop: () => w.stop(),
  };
}

/** Every file under a directory, recursively, for "no secret on disk" checks. */
export function readAll(paths: readonly string[]): Buffer[] {
  return paths.map((p) => readFileSync(p));
}
