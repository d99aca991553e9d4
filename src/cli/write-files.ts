import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  renderAwsConfig,
  renderAwsCredentials,
  renderCrossbarYaml,
  type SandboxConfigInfo,
} from '../core/sandbox-config.js';
import { CrossbarError } from '../core/errors.js';

/** Temp file + rename: a reader never sees half a file, and a crash leaves the old one in place. */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, content, { mode });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface SandboxConfigPaths {
  dir: string;
  crossbarYaml: string;
  awsConfig: string;
  awsCredentials: string;
}

export function sandboxConfigPaths(dir: string): SandboxConfigPaths {
  return {
    dir,
    crossbarYaml: join(dir, 'crossbar.yaml'),
    awsConfig: join(dir, 'aws', 'config'),
    awsCredentials: join(dir, 'aws', 'credentials'),
  };
}

/** Writes crossbar.yaml, aws/config and aws/credentials (0600: it holds secret keys). */
export function writeSandboxConfig(dir: string, info: SandboxConfigInfo): SandboxConfigPaths {
  const paths = sandboxConfigPaths(dir);
  try {
    writeFileAtomic(paths.crossbarYaml, renderCrossbarYaml(info));
    writeFileAtomic(paths.awsConfig, renderAwsConfig(info));
    writeFileAtomic(paths.awsCredentials, renderAwsCredentials(info), 0o600);
  } catch (cause) {
    throw new CrossbarError(
      'CONFIG_INVALID',
      `cannot write the sandbox config into ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        hint: 'pass --write-config a folder you can write to',
        cause,
      },
    );
  }
  return paths;
}
