/**
 * bench/sandbox: requests per second the sandbox answers for GetCallerIdentity, AssumeRole and
 * DescribeInstances, on one core (taskset) with no injected latency, against node's bare HTTP server on the
 * same core in the same run as the baseline. Target: at least 2,000 GetCallerIdentity per second.
 *
 * Run: npx tsx bench/sandbox/run.ts [--seconds 5] [--concurrency 32]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { runLoad, table, type PreparedRequest, numberFlag } from '../lib/load.js';

const SECONDS = numberFlag('seconds', 5);
const CONCURRENCY = numberFlag('concurrency', 32);
const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset']).status === 0;

interface Child {
  proc: ChildProcess;
  info: { endpoint: string; users?: { userName: string; accessKeyId: string; secretAccessKey: string }[] };
}

async function spawnServer(mode: string): Promise<Child> {
  const cmd = hasTaskset ? 'taskset' : process.execPath;
  const base = [process.execPath, '--import', 'tsx', new URL('./serve.ts', import.meta.url).pathname, mode];
  const proc = spawn(cmd, hasTaskset ? ['-c', '0', ...base] : base.slice(1), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const rl = createInterface({ input: proc.stdout! });
  const line = await new Promise<string>((resolve) => rl.once('line', resolve));
  return { proc, info: JSON.parse(line) };
}

async function sign(
  endpoint: string,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  service: string,
  body: string,
): Promise<PreparedRequest> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    credentials: creds,
    region: 'us-east-1',
    service,
    sha256: Hash.bind(null, 'sha256'),
  });
  const req = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const s = await signer.sign(req);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.headers)) headers[k] = String(v);
  return { method: 'POST', url: `${endpoint}/`, headers, body };
}

async function main(): Promise<void> {
  const bare = await spawnServer('bare');
  const bareResult = await runLoad(
    {
      method: 'POST',
      url: `${bare.info.endpoint}/`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    },
    CONCURRENCY,
    SECONDS,
  );
  bare.proc.kill();

  const sandbox = await spawnServer('sandbox');
  const endpoint = sandbox.info.endpoint;
  const alice = sandbox.info.users?.find((u) => u.userName === 'alice');
  if (!alice) throw new Error('sandbox gave no alice');
  const aliceCreds = { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey };
  const session = await new STSClient({ endpoint, region: 'us-east-1', credentials: aliceCreds }).send(
    new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/CrossbarReadOnly', RoleSessionName: 'bench' }),
  );
  const sc = session.Credentials;
  if (!sc?.AccessKeyId || !sc.SecretAccessKey || !sc.SessionToken) throw new Error('no session');
  const devCreds = { accessKeyId: sc.AccessKeyId, secretAccessKey: sc.SecretAccessKey, sessionToken: sc.SessionToken };

  const cases: [string, PreparedRequest][] = [
    ['GetCallerIdentity', await sign(endpoint, aliceCreds, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15')],
    [
      'AssumeRole',
      await sign(
        endpoint,
        aliceCreds,
        'sts',
        'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FCrossbarReadOnly&RoleSessionName=bench',
      ),
    ],
    ['DescribeInstances', await sign(endpoint, devCreds, 'ec2', 'Action=DescribeInstances&Version=2016-11-15')],
  ];
  const rows: (string | number)[][] = [
    ['bare node http (baseline)', Math.round(bareResult.rps), bareResult.errors, '1.00', '-'],
  ];
  for (const [name, prepared] of cases) {
    const r = await runLoad(prepared, CONCURRENCY, SECONDS);
    const target = name === 'GetCallerIdentity' ? (r.rps >= 2000 ? '>= 2000: met' : '>= 2000: MISSED') : '-';
    rows.push([name, Math.round(r.rps), r.errors, (r.rps / bareResult.rps).toFixed(2), target]);
  }
  sandbox.proc.kill();
  console.log(
    `bench/sandbox: ${SECONDS}s per case, ${CONCURRENCY} concurrent keep-alive clients, server ${hasTaskset ? 'pinned to core 0 (taskset)' : 'unpinned (no taskset)'}, no injected latency`,
  );
  console.log(table(['operation', 'requests/s', 'errors', 'ratio to bare http', 'target'], rows));
}

await main();
