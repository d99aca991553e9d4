import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

/**
 * The README's library example, run the way a user runs it: a project of their own with `crossbar-aws` in its
 * node_modules (a link to this checkout, as `npm install ../crossbar` makes), importing the BUILT package
 * through its `exports`, against the sandbox. The code is cut out of README.md between its markers, so the
 * README cannot drift from what works.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));

function readmeExample(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const block = /<!-- library-example:start -->\s*```js\n([\s\S]*?)```\s*<!-- library-example:end -->/.exec(readme);
  if (!block?.[1]) throw new Error('README.md has no library example between its markers');
  return block[1];
}

let w: World;
let project: string;

beforeAll(async () => {
  // `npm ci` builds dist/ (prepare); a checkout that has not built yet builds here, as a user would.
  if (!existsSync(join(REPO, 'dist/core/index.js')) || !existsSync(join(REPO, 'dist/core/index.d.ts')))
    execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: REPO,
    });
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
  project = mkdtempSync(join(tmpdir(), 'crossbar-library-user-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(REPO, join(project, 'node_modules', 'crossbar-aws'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-script', type: 'module', private: true }));
}, 120_000);

afterAll(async () => {
  await w?.stop();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs a script of the user's project with node, asynchronously: the sandbox answers from this very process. */
function runNode(file: string, source: string): Promise<{ status: number; stdout: string; stderr: string }> {
  writeFileSync(join(project, file), source);
  // The SDK's notice that Node 20 support ends in 2027 is not the example's output.
  const env = { ...w.env(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd: project, env, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => {
        const status = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe('the README library example', () => {
  it('lists the accounts and runs DescribeInstances across them through the package exports', async () => {
    const out = await runNode('example.mjs', readmeExample());
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines).toContain('account development 222222222222 dev');
    expect(lines).toContain('account production 444444444444 prod');
    // Each account × region has one line: development has instances in us-east-1 in the demo organization.
    expect(lines.some((l) => /^development us-east-1 [1-9]\d* reservations$/.test(l))).toBe(true);
    expect(lines.filter((l) => /^production (us-east-1|eu-west-1) /.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^\d+ ok, \d+ failed/);
    const accounts = lines.filter((l) => l.startsWith('account ')).length;
    const [ok, failed] = (lines.at(-1) ?? '').match(/\d+/g)?.map(Number) ?? [];
    expect((ok ?? 0) + (failed ?? 0)).toBe(accounts * 2);
  });

  it('refuses a deep import that the package does not export', async () => {
    const out = await runNode('deep.mjs', "import 'crossbar-aws/dist/core/crossbar.js';\n");
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('gives the types to TypeScript users through the exports', () => {
    const types = readFileSync(join(REPO, 'dist/core/index.d.ts'), 'utf8');
    for (const name of ['createCrossbar', 'collectFanout', 'CrossbarError', 'syncInventory', 'loadConfigFile'])
      expect(types).toContain(name);
  });
});
