import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runProcess } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';
import { awsEnv, runAws } from './run-aws.js';

/**
 * Issue 9 item 12: `aws-config --write` writes the command that is actually running. crossbar runs here as a
 * real process from an entry script in a folder whose name has a space and a quote (as a checkout or the npx
 * cache may): with no `crossbar` on PATH the profiles name node and the script by absolute path, quoted for
 * botocore's shlex split, and the real AWS CLI runs them from anywhere; with that same script on PATH as
 * `crossbar`, the profiles say plain `crossbar`, which the AWS CLI finds on PATH (and not without it).
 */
const TSX = import.meta.resolve('tsx');
let w: World;
let binDir: string;
let entry: string;

beforeAll(async () => {
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
  binDir = join(w.dir, "bin dir's");
  mkdirSync(binDir);
  entry = join(binDir, 'crossbar');
  writeFileSync(
    entry,
    `#!/usr/bin/env -S node --import ${TSX}\nvoid import(${JSON.stringify(pathToFileURL(join(REPO, 'src/cli/run.ts')).href)});\n`,
  );
  chmodSync(entry, 0o755);
});
afterAll(() => w.stop());

/** `crossbar aws-config --write` as a real process, writing a fresh copy of the sandbox's AWS config. */
async function writeProfiles(path: string) {
  const config = join(mkdtempSync(join(w.dir, 'aws-')), 'config');
  copyFileSync(w.paths.awsConfig, config);
  const run = await runProcess(['node', '--import', TSX, entry, 'aws-config', '--write'], {
    ...w.env({ AWS_CONFIG_FILE: config }),
    PATH: path,
  });
  return { ...run, config, text: readFileSync(config, 'utf8') };
}

async function awsAs(config: string, path: string) {
  const run = await runAws(
    ['--profile', 'demo-prod-CrossbarReadOnly', 'sts', 'get-caller-identity', '--output', 'json'],
    {
      ...awsEnv({ config, credentials: w.paths.awsCredentials, home: mkdtempSync(join(w.dir, 'aws-home-')) }),
      PATH: path,
      CROSSBAR_HOME: join(w.dir, 'crossbar-home'),
      CROSSBAR_KEY_STORE: 'file',
    },
  );
  return { ...run, identity: run.status === 0 ? (JSON.parse(run.stdout) as { Account: string }) : undefined };
}

const systemPath = process.env['PATH'] ?? '';

describe('aws-config --write: which crossbar the profiles run', () => {
  it('with no crossbar on PATH: node and the script by absolute path, quoted, said on stderr; the AWS CLI runs it', async () => {
    expect(systemPath.split(':').some((d) => d === binDir)).toBe(false);
    const run = await writeProfiles(systemPath);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`credential_process runs ${process.execPath} --import ${TSX} ${entry}`);
    expect(run.stderr).toContain('`crossbar` is not on PATH');
    const quoted = `'${entry.replace(/'/g, `'"'"'`)}'`;
    expect(run.text).toContain(
      `credential_process = ${process.execPath} --import ${TSX} ${quoted} credential-process production:CrossbarReadOnly --config ${w.paths.crossbarYaml}\n`,
    );
    const aws = await awsAs(run.config, systemPath);
    expect(aws.stderr).toBe('');
    expect(aws.identity?.Account).toBe('444444444444');
  });

  it('with this same program on PATH as crossbar: plain `crossbar`, which the AWS CLI finds on PATH', async () => {
    const path = `${binDir}:${systemPath}`;
    const run = await writeProfiles(path);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`credential_process runs \`crossbar\` (${entry} on PATH is this program)`);
    expect(run.text).toContain(
      `credential_process = crossbar credential-process production:CrossbarReadOnly --config ${w.paths.crossbarYaml}\n`,
    );
    expect((await awsAs(run.config, path)).identity?.Account).toBe('444444444444');
    // The bug this item fixes, as the AWS CLI reports it: plain `crossbar` where PATH has none.
    const lost = await awsAs(run.config, systemPath);
    expect(lost.status).not.toBe(0);
    expect(lost.stderr).toContain("No such file or directory: 'crossbar'");
  });
});
