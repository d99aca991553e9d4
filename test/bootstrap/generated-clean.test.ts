import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlias, parseAllDocuments, visit } from 'yaml';
import { startWorld, type World } from '../helpers/world.js';
import { MANAGEMENT } from './iam.js';

/**
 * What `crossbar bootstrap --format terraform|cloudformation` writes is clean by the tools' own measure:
 * `terraform fmt -check` and `terraform validate` (no error, no warning) on the Terraform, `cfn-lint` (no finding
 * of any level) on the CloudFormation. Two organizations: the demo (CrossbarReadOnly and an MFA admin role
 * everywhere, client-acme's ExternalId) and a config of our own over the same accounts (another readonly role,
 * an MFA admin role in two accounts and the same role name without MFA in a third, two ExternalIds).
 * Terraform installs the AWS provider from the local mirror only, through a CLI config the test writes; it never
 * goes to the network. Each check has a twin that feeds it something broken, so a check that passes everything
 * cannot hide here. A tool that is not installed skips its checks, and says so in the test's name.
 */
const MIRROR = '/opt/tf-plugins';
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const TERRAFORM = has('terraform');
const PROVIDER = existsSync(join(MIRROR, 'registry.terraform.io/hashicorp/aws'));
const CFN_LINT = has('cfn-lint');
const missing = (what: string, present: boolean) => (present ? '' : ` (skipped: ${what} is not installed)`);

let w: World;
const out: Record<'demo' | 'ops', string> = { demo: '', ops: '' };
/** Terraform's environment: our own CLI config (not the machine's), no version check, no prompts. */
let env: Record<string, string> = {};

/** A CLI config that installs providers from the mirror and from nowhere else. */
function writeTerraformConfig(path: string): void {
  writeFileSync(
    path,
    [
      'disable_checkpoint = true',
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(MIRROR)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A tool's exit code and output; a non-zero exit is an answer here, not an error. */
function tool(command: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, ...extra }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function generate(name: string, format: string, config?: string, extra: string[] = []): Promise<string> {
  const dir = join(w.dir, name);
  const global = config ? ['-c', config] : [];
  const run = await w.cli([
    ...global,
    'bootstrap',
    '--format',
    format,
    '--out',
    dir,
    '--add-user',
    'alice:readonly',
    ...extra,
  ]);
  expect(run.code, run.stderr).toBe(0);
  return dir;
}

beforeAll(async () => {
  w = await startWorld({ org: 'demo' });
  writeTerraformConfig(join(w.dir, 'terraform.rc'));
  env = { TF_CLI_CONFIG_FILE: join(w.dir, 'terraform.rc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const ops = w.config('ops', {
    organization: { name: 'demo-ops', namespace: 'ops' },
    source: { profile: 'alice', mfa_serial: `arn:aws:iam::${MANAGEMENT}:mfa/alice` },
    defaults: { role: 'CrossbarOps', regions: ['us-east-1', 'eu-west-1'] },
    accounts: [
      { id: '222222222222', name: 'development', roles: { admin: { name: 'CrossbarOpsAdmin', mfa: 'none' } } },
      { id: '333333333333', name: 'staging', roles: { admin: { name: 'CrossbarOpsAdmin', mfa: 'required' } } },
      {
        id: '444444444444',
        name: 'production',
        external_id: 'prod-ops-41d2',
        roles: { admin: { name: 'CrossbarOpsAdmin', mfa: 'required' } },
      },
      { id: '555555555555', name: 'client-acme', external_id: 'acme-ops-${not-a-template}' },
    ],
  });
  out.demo = await generate('demo', 'terraform');
  out.ops = await generate('ops', 'terraform', ops);
  await generate('demo', 'cloudformation');
  await generate('demo-json', 'cloudformation', undefined, ['--templates', 'json']);
  await generate('ops', 'cloudformation', ops);
});
afterAll(() => w.stop());

describe(`terraform fmt${missing('terraform', TERRAFORM)}`, () => {
  it.skipIf(!TERRAFORM)('finds nothing to change in either organization’s Terraform', async () => {
    for (const dir of [out.demo, out.ops]) {
      const fmt = await tool(
        'terraform',
        ['fmt', '-check', '-recursive', '-diff', '-no-color'],
        join(dir, 'terraform'),
        env,
      );
      expect(fmt.stdout + fmt.stderr).toBe('');
      expect(fmt.code).toBe(0);
    }
  });

  it.skipIf(!TERRAFORM)('the twin: an attribute out of line fails it', async () => {
    const dir = join(w.dir, 'unformatted');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.tf'), 'variable "x" {\n  type = string\n  default = "x"\n}\n');
    const fmt = await tool('terraform', ['fmt', '-check', '-recursive', '-no-color'], dir, env);
    expect(fmt.code).not.toBe(0);
    expect(fmt.stdout).toContain('main.tf');
  });
});

describe(`terraform validate${missing('terraform', TERRAFORM)}${missing(`the AWS provider in ${MIRROR}`, PROVIDER)}`, () => {
  const run = TERRAFORM && PROVIDER;

  /** `terraform init` from the mirror only (no backend, no network), then `validate -json`. */
  async function validate(root: string): Promise<Record<string, unknown>> {
    const init = await tool('terraform', ['init', '-backend=false', '-input=false', '-no-color'], root, env);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    const result = await tool('terraform', ['validate', '-json', '-no-color'], root, env);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  const clean = { valid: true, error_count: 0, warning_count: 0, diagnostics: [] };

  it.skipIf(!run)('passes with no warning on the demo organization', async () => {
    expect(await validate(join(out.demo, 'terraform'))).toMatchObject(clean);
  });

  it.skipIf(!run)('passes with no warning on several accounts, MFA roles and ExternalIds', async () => {
    expect(await validate(join(out.ops, 'terraform'))).toMatchObject(clean);
  });

  it.skipIf(!run)('the twin: a module without required_providers gets the "undefined provider" warning', async () => {
    const root = join(w.dir, 'no-required-providers');
    cpSync(join(out.demo, 'terraform'), root, {
      recursive: true,
      filter: (path) => !path.includes('.terraform'),
    });
    const module = join(root, 'modules/crossbar-roles/main.tf');
    const text = readFileSync(module, 'utf8');
    const stripped = text.replace(/^terraform \{\n(?: {2}.*\n)*\}\n/m, '');
    expect(stripped).not.toBe(text);
    writeFileSync(module, stripped);
    const result = await validate(root);
    expect(result).toMatchObject({ valid: true, error_count: 0 });
    expect(result['warning_count']).toBeGreaterThan(0);
    expect(JSON.stringify(result['diagnostics'])).toContain('Reference to undefined provider');
  });
});

describe(`cfn-lint${missing('cfn-lint', CFN_LINT)}`, () => {
  /** Every finding, informational ones too, and a non-zero exit for any of them. */
  const lint = (templates: string[]) =>
    tool(
      'cfn-lint',
      ['--format', 'json', '--include-checks', 'I', '--non-zero-exit-code', 'informational', '--', ...templates],
      w.dir,
    );

  it.skipIf(!CFN_LINT)('finds nothing in the templates of either organization, YAML or JSON', async () => {
    const templates = [
      'demo/cloudformation/crossbar-target-roles.yaml',
      'demo/cloudformation/crossbar-source-groups.yaml',
      'demo-json/cloudformation/crossbar-target-roles.json',
      'demo-json/cloudformation/crossbar-source-groups.json',
      'ops/cloudformation/crossbar-target-roles.yaml',
      'ops/cloudformation/crossbar-source-groups.yaml',
    ];
    const result = await lint(templates);
    expect(JSON.parse(result.stdout || '[]')).toEqual([]);
    expect(result.code, result.stderr).toBe(0);
    // CloudFormation's YAML has no anchors and aliases, which cfn-lint reads without a word.
    for (const template of templates.filter((t) => t.endsWith('.yaml'))) {
      let aliases = 0;
      for (const doc of parseAllDocuments(readFileSync(join(w.dir, template), 'utf8')))
        visit(doc, (_, node) => {
          if (isAlias(node)) aliases += 1;
        });
      expect(aliases, template).toBe(0);
    }
  });

  it.skipIf(!CFN_LINT)('the twin: a role without its trust policy and a bad Ref fail it', async () => {
    const path = join(w.dir, 'broken.yaml');
    writeFileSync(
      path,
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Role:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      RoleName:',
        '        Ref: Nowhere',
        '',
      ].join('\n'),
    );
    const result = await lint([path]);
    expect(result.code).not.toBe(0);
    const rules = (JSON.parse(result.stdout) as { Rule: { Id: string } }[]).map((f) => f.Rule.Id);
    expect(rules).toEqual(expect.arrayContaining(['E3003', 'E1020']));
  });
});
