import type { Credentials } from './credentials/credentials.js';

/**
 * The environment a command runs with inside an account: the standard AWS variables that every SDK and the AWS
 * CLI read, plus crossbar's own (`CROSSBAR_ACCOUNT`, …) so prompts and scripts know where they are. One
 * function builds it for `exec`, `env` and `shell`, so the three can never disagree.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export const SHELL_KINDS = ['sh', 'fish', 'powershell'] as const;
export type ShellKind = (typeof SHELL_KINDS)[number];

export interface TargetEnvInput {
  credentials: Credentials;
  accountId: string;
  accountName: string;
  stage?: string | undefined;
  /** The role key as the target names it (`admin`, `CrossbarReadOnly`). */
  role: string;
  region: string;
  /** Config `endpoint` (the sandbox): the AWS CLI and the SDKs read AWS_ENDPOINT_URL. */
  endpoint?: string | undefined;
}

/** Set by `exec`, `env` and `shell`; its presence means "already inside an account". */
export const ACCOUNT_VAR = 'CROSSBAR_ACCOUNT';

/** A profile in the environment would win over the keys in some tools: always removed. */
const ALWAYS_CLEARED = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const;

/** Variables this module owns: one left over from an outer environment would describe the wrong session. */
const MANAGED = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  ACCOUNT_VAR,
  'CROSSBAR_ACCOUNT_ID',
  'CROSSBAR_STAGE',
  'CROSSBAR_ROLE',
] as const;

/** The variables to set, in a stable, readable order. */
export function targetEnv(input: TargetEnvInput): Record<string, string> {
  const { credentials: c } = input;
  return {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}),
    ...(c.expiration ? { AWS_CREDENTIAL_EXPIRATION: c.expiration.toISOString() } : {}),
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    ...(input.endpoint ? { AWS_ENDPOINT_URL: input.endpoint } : {}),
    [ACCOUNT_VAR]: input.accountName,
    CROSSBAR_ACCOUNT_ID: input.accountId,
    ...(input.stage ? { CROSSBAR_STAGE: input.stage } : {}),
    CROSSBAR_ROLE: input.role,
  };
}

/** The variables to remove: profiles always, and any managed variable this target does not set. */
export function clearedVars(vars: Readonly<Record<string, string>>): string[] {
  return [...ALWAYS_CLEARED, ...MANAGED.filter((k) => !(k in vars))];
}

/** The child's environment: the parent's, minus what would contradict the target, plus the target's. */
export function childEnv(base: Env, vars: Readonly<Record<string, string>>): Record<string, string> {
  const cleared = new Set(clearedVars(vars));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !cleared.has(k)) env[k] = v;
  return { ...env, ...vars };
}

/** POSIX sh: everything inside single quotes is literal; a quote is closed, escaped and reopened. */
export function quoteSh(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** fish: inside single quotes only `\\` and `\'` are escapes. */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/** PowerShell: a quote inside single quotes is doubled; it also takes the typographic single quotes as quotes. */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/** Lines that, evaluated by the given shell, leave it in the target's environment. */
export function renderEnvExports(vars: Readonly<Record<string, string>>, shell: ShellKind): string {
  const cleared = clearedVars(vars);
  const lines: string[] = [];
  switch (shell) {
    case 'sh':
      lines.push(`unset ${cleared.join(' ')}`);
      for (const [k, v] of Object.entries(vars)) lines.push(`export ${k}=${quoteSh(v)}`);
      break;
    case 'fish':
      for (const k of cleared) lines.push(`set -e ${k}`);
      for (const [k, v] of Object.entries(vars)) lines.push(`set -gx ${k} ${quoteFish(v)}`);
      break;
    case 'powershell':
      for (const k of cleared) lines.push(`Remove-Item Env:${k} -ErrorAction SilentlyContinue`);
      for (const [k, v] of Object.entries(vars)) lines.push(`$Env:${k} = ${quotePowerShell(v)}`);
      break;
  }
  return `${lines.join('\n')}\n`;
}

/** `--shell` from the user, else the login shell's family (`$SHELL` ending in fish or pwsh), else sh. */
export function resolveShellKind(flag: string | undefined, env: Env): ShellKind | undefined {
  if (flag !== undefined) {
    const f = flag.toLowerCase();
    if (f === 'pwsh' || f === 'powershell') return 'powershell';
    if (f === 'bash' || f === 'zsh' || f === 'sh' || f === 'dash' || f === 'ksh') return 'sh';
    return f === 'fish' ? 'fish' : undefined;
  }
  const login = env['SHELL'] ?? '';
  if (/\bfish$/.test(login)) return 'fish';
  if (/\bpwsh(\.exe)?$|powershell(\.exe)?$/i.test(login)) return 'powershell';
  return 'sh';
}
