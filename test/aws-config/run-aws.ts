import { spawn } from 'node:child_process';

export interface AwsRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real AWS CLI. Asynchronous on purpose: the sandbox answers from this same process, so a blocking
 * spawnSync would wait on itself. `detached` gives the CLI no controlling terminal, so its MFA prompt
 * (getpass) falls back to reading stdin instead of /dev/tty.
 */
export function runAws(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<AwsRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', [...args], { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** The environment for the CLI: files under our control, no ambient AWS settings, no instance metadata lookups. */
export function awsEnv(files: { config: string; credentials: string; home: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  return {
    ...env,
    HOME: files.home,
    AWS_CONFIG_FILE: files.config,
    AWS_SHARED_CREDENTIALS_FILE: files.credentials,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}
