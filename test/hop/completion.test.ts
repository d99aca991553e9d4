import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION } from '../helpers/sandbox-clients.js';
import { CROSSBAR, runProcess } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Issue 9 item 14: completion and the `xb` shell function. `__complete` answers in-process; the bash script and
 * `xb` run in a real bash, calling crossbar as a real process (by absolute path: no crossbar on PATH here).
 */
let w: World;
beforeAll(async () => {
  w = await startWorld({ env: { NO_COLOR: '1' } });
});
afterAll(() => w.stop());

async function complete(line: string): Promise<string[]> {
  const out = await w.cli(['__complete', '--line', line]);
  expect(out.code, out.stderr).toBe(0);
  return out.stdout.split('\n').filter(Boolean);
}

/** bash -c SCRIPT, asynchronously (the sandbox answers from this process). */
function bash(script: string) {
  return runProcess(['bash', '-c', script], w.env());
}

async function scriptOf(argv: string[]): Promise<string> {
  const out = await runProcess([...CROSSBAR, ...argv], w.env());
  expect(out.code, out.stderr).toBe(0);
  const path = join(w.dir, `${argv.join('-')}.sh`);
  writeFileSync(path, out.stdout);
  return path;
}

describe('crossbar __complete', () => {
  it('commands, subcommands, flags, accounts, roles and shortcuts; hidden commands stay hidden', async () => {
    expect(await complete('crossbar ex')).toEqual(['exec']);
    expect(await complete('crossbar accounts ')).toEqual(['list', 'check']);
    expect(await complete('crossbar exec pro')).toEqual(['production']);
    expect(await complete('xb stag')).toEqual(['staging']);
    expect(await complete('crossbar exec production:')).toEqual(['production:CrossbarReadOnly', 'production:admin']);
    expect(await complete('crossbar shell /switch-to-')).toEqual([
      '/switch-to-prod',
      '/switch-to-staging',
      '/switch-to-dev',
    ]);
    expect(await complete('crossbar run --reg')).toEqual(['--regions']);
    expect(await complete('crossbar -o j')).toEqual(['json']);
    expect(await complete('crossbar __')).toEqual([]);
    // A command that takes a source offers the sources' names.
    expect(await complete('crossbar rotate ')).toEqual(['default']);
    expect(await complete('crossbar rotate own')).toEqual([]);
    const named = w.variant('completion-sources', (text) => `${text}\nsources:\n  own-iam: { profile: bob }\n`);
    const withSources = await w.cli(['__complete', '--line', 'crossbar rotate o'], { CROSSBAR_CONFIG: named });
    expect(withSources.stdout).toBe('own-iam\n');
    // A command that takes no account offers none; a broken crossbar.yaml offers none and fails nothing.
    expect(await complete('crossbar cost pro')).toEqual([]);
    const broken = await w.cli(['__complete', '--line', 'crossbar exec pro'], {
      CROSSBAR_CONFIG: w.config('bad', 'accounts: 7\n'),
    });
    expect([broken.code, broken.stdout]).toEqual([0, '']);
  });
});

describe('crossbar completion bash', () => {
  it('sourced in bash, with COMP_LINE and COMP_WORDS set as bash sets them, it completes commands and accounts', async () => {
    const script = await scriptOf(['completion', 'bash']);
    const run = async (line: string, words: string[]) =>
      (
        await bash(
          `source '${script}'; COMP_LINE='${line}'; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(${words.map((x) => `'${x}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _crossbar_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
        )
      ).stdout
        .split('\n')
        .filter(Boolean);
    expect(await run('crossbar acc', ['crossbar', 'acc'])).toEqual(['accounts']);
    expect(await run('crossbar exec dev', ['crossbar', 'exec', 'dev'])).toEqual(['development']);
    // bash splits at ':': it gets what follows the colon.
    expect(await run('crossbar exec production:ad', ['crossbar', 'exec', 'production', ':', 'ad'])).toEqual(['admin']);
    expect((await bash(`source '${script}'; complete -p crossbar`)).stdout).toContain('-F _crossbar_complete crossbar');
  }, 60_000);

  it('zsh and fish scripts are printed; an unknown shell is a usage error', async () => {
    expect((await w.cli(['completion', 'zsh'])).stdout).toContain('compdef _crossbar crossbar xb');
    expect((await w.cli(['completion', 'fish'])).stdout).toContain(
      "complete -c crossbar -f -a '(__crossbar_complete)'",
    );
    const bad = await w.cli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
  });
});

describe('crossbar shell-init bash: xb', () => {
  it('xb production sets the credentials in the current shell; an unknown name changes nothing; xb -u leaves', async () => {
    const init = await scriptOf(['shell-init', 'bash']);
    const out = await bash(
      [
        `eval "$(cat '${init}')"`,
        'xb production',
        'echo "in=$CROSSBAR_ACCOUNT key=${AWS_ACCESS_KEY_ID:0:4}"',
        'aws sts get-caller-identity --query Account --output text',
        'xb nosuch',
        'echo "status=$? still=$CROSSBAR_ACCOUNT"',
        'xb -u',
        'echo "after=${CROSSBAR_ACCOUNT-unset} key=${AWS_ACCESS_KEY_ID-unset}"',
      ].join('\n'),
    );
    expect(out.stdout.split('\n')).toEqual([
      'in=production key=ASIA',
      PRODUCTION,
      'status=2 still=production',
      'after=unset key=unset',
      '',
    ]);
    expect(out.stderr).toContain("Unknown account 'nosuch'");
  }, 60_000);
});
