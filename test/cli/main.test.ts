import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('crossbar main', () => {
  it('--help and --version exit 0 on stdout', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: crossbar');
    expect(help.stdout).toContain('demo');
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) as unknown });
  });

  it('sandbox start --help says the --json output holds secrets', async () => {
    const out = await runCli(['sandbox', 'start', '--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/secret keys/);
  });

  it('an unknown command or option is a usage error: exit 2, one line and a hint', async () => {
    const command = await runCli(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("crossbar: unknown command 'frobnicate'\nhint: see `crossbar --help`\n");
    const option = await runCli(['--output', 'xml', 'demo']);
    expect(option.code).toBe(2);
    expect(option.stderr.split('\n')[0]).toContain("argument 'xml' is invalid");
  });

  it('`crossbar help sandbox` prints help and exits 0', async () => {
    const out = await runCli(['help', 'sandbox']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('mfa-code');
  });

  it('a command group without a subcommand shows its help on stderr and exits 2', async () => {
    const out = await runCli(['sandbox']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('mfa-code');
  });

  it('colours only when asked: FORCE_COLOR turns it on, --no-color wins', async () => {
    const coloured = await runCli(['sandbox', 'start', '--org', 'x'], { FORCE_COLOR: '1' });
    expect(coloured.stderr).toContain('\u001b[31mcrossbar:');
    const plain = await runCli(['sandbox', 'start', '--org', 'x', '--no-color'], { FORCE_COLOR: '1' });
    expect(plain.stderr).not.toContain('\u001b[');
  });
});
