import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CROSSBAR, runProcess, type ProcessResult } from '../helpers/crossbar-bin.js';

/*
 * Issue 9 item 3: `crossbar aws-config --write` run at the same time by several processes with different
 * crossbar.yaml files. The read-merge-write of the AWS config file is locked, so every writer's profiles survive
 * (10 writers: 10 sets), and writers of the same profiles leave one copy of each.
 */

const WRITERS = 10;

function configFor(n: number): string {
  return `organization: { name: org${n}, namespace: org${n} }
source: { profile: alice }
accounts:
  - { id: "${100_000_000_000 + n}", name: dev${n}, stage: dev, roles: { ro: CrossbarReadOnly } }
  - { id: "${200_000_000_000 + n}", name: prod${n}, stage: prod }
`;
}

function setup(): { dir: string; env: Record<string, string | undefined> } {
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-awscfg-'));
  return {
    dir,
    env: {
      PATH: process.env['PATH'],
      HOME: dir,
      CROSSBAR_HOME: join(dir, 'crossbar-home'),
      CROSSBAR_KEY_STORE: 'file',
      CROSSBAR_NO_TTY: '1',
      NO_COLOR: '1',
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  };
}

function writeAll(dir: string, env: Record<string, string | undefined>, configs: string[]): Promise<ProcessResult[]> {
  return Promise.all(
    configs.map((yaml, n) => {
      const path = join(dir, `crossbar-${n}.yaml`);
      writeFileSync(path, yaml);
      return runProcess([...CROSSBAR, 'aws-config', '--write', '--config', path], env);
    }),
  );
}

const profiles = (text: string) => [...text.matchAll(/^\[profile ([^\]]+)\]$/gm)].map((m) => m[1]);

describe('crossbar aws-config --write, many at once', () => {
  it(
    `${WRITERS} writers with different crossbar.yaml files keep all ${WRITERS} profile sets`,
    { timeout: 120_000 },
    async () => {
      const { dir, env } = setup();
      // A file of the user's own that must survive too.
      writeFileSync(join(dir, 'aws-config'), '[default]\nregion = eu-west-1\n');
      const runs = await writeAll(
        dir,
        env,
        Array.from({ length: WRITERS }, (_, n) => configFor(n)),
      );
      for (const run of runs) {
        // Other writers' profiles are stale to this crossbar.yaml, and said to be: nothing else on stderr.
        expect(run.stderr.replace(/^(stale: |credential_process runs ).*\n/gm, '')).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/^wrote /);
      }
      const text = readFileSync(join(dir, 'aws-config'), 'utf8');
      const names = profiles(text);
      for (let n = 0; n < WRITERS; n += 1) {
        expect(names).toContain(`org${n}-dev${n}-ro`);
        expect(names).toContain(`org${n}-prod${n}-CrossbarReadOnly`);
      }
      expect(names).toHaveLength(2 * WRITERS);
      expect(text.startsWith('[default]\nregion = eu-west-1\n')).toBe(true);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.includes('lock'))).toEqual([]);
    },
  );

  it(`${WRITERS} writers of the same profiles leave one copy of each`, { timeout: 120_000 }, async () => {
    const { dir, env } = setup();
    const runs = await writeAll(
      dir,
      env,
      Array.from({ length: WRITERS }, () => configFor(3)),
    );
    for (const run of runs) expect(run.code).toBe(0);
    const text = readFileSync(join(dir, 'aws-config'), 'utf8');
    expect(profiles(text)).toEqual(['org3-dev3-ro', 'org3-prod3-CrossbarReadOnly']);
    expect(text.match(/>>> crossbar managed profiles >>>/g)).toHaveLength(1);
  });
});
