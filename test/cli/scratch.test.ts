import { it } from 'vitest';
import { runCli } from './run-cli.js';
it('scratch', async () => {
  for (const argv of [['demo'], ['sandbox','start','--port','x'], ['sandbox','start','--latency','-5'], ['--bogus'], ['sandbox'], ['sandbox','mfa-code'], ['sandbox','mfa-code','alice','--endpoint','http://127.0.0.1:1'], ['sandbox','start','--org','foo','--debug'], ['--help'], ['sandbox', 'start', '--help'], ['-o','xml','demo']]) {
    const r = await runCli(argv);
    console.log('$ crossbar', argv.join(' '), '→', r.code, '\n' + r.stdout + '\n--stderr--\n' + r.stderr);
  }
}, 60000);
