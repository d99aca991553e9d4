/** Child process for the sandbox benchmark: the sandbox alone, pinned to one core by the parent. */
import { createServer } from 'node:http';
import { startSandbox } from '../../src/sandbox/server.js';

const mode = process.argv[2] ?? 'sandbox';
if (mode === 'bare') {
  // The baseline: node's own HTTP server answering a fixed STS-sized XML body, the ceiling on this machine.
  const body =
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user/alice</Arn><UserId>AIDAEXAMPLEEXAMPLEEX</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></GetCallerIdentityResponse>';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(
      JSON.stringify({ endpoint: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` }) + '\n',
    );
  });
} else {
  const sb = await startSandbox({ port: 0 });
  const users = sb.users();
  const mfa = sb.mfaCode('alice');
  process.stdout.write(JSON.stringify({ endpoint: sb.endpoint, users, mfa }) + '\n');
}
