import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dispatchAws, type HttpAnswer } from './dispatch.js';
import { FaultInjector, type Faults } from './faults.js';
import { handleAdmin } from './admin.js';
import { handleFederation } from './federation.js';
import { loadStateFile, saveStateFile } from './state-file.js';
import { ALL_SERVICES } from './services/index.js';
import type { ServiceImpl } from './service.js';
import { buildWorld, parseOrgSpec, type OrgSpec } from './world/seed-orgs.js';
import type { World } from './world/types.js';
import { TOTP_STEP_MS, totpFor } from './totp.js';
import { handleSso } from './sso/handle-sso.js';
import { handleDevicePage } from './sso/device-page.js';
import { decideDevice } from './sso/oidc.js';

export interface SandboxOptions {
  /** 0 picks a free port. Default 4566. */
  port?: number;
  /** Always loopback unless told otherwise. */
  host?: string;
  /** `demo` (default), `generated:N`, a parsed spec, or a ready world. */
  org?: string | OrgSpec | World;
  faults?: Faults;
  /** Persist the world here and restore it on the next start. */
  statePath?: string;
  /**
   * Derive access keys, secrets and MFA secrets from this text, so that every sandbox started with it has the
   * same ones (a demo script, a test that compares two sandboxes). Without it they are random per sandbox.
   */
  seed?: string;
  /** The sandbox clock, for tests of expiry. Defaults to the real clock plus any `advanceClock`. */
  now?: () => number;
  /** Where the sandbox reports its own failures; never the request's secrets. */
  log?: (line: string) => void;
  /** Refuse handler output keys the model lacks, so tests catch misspellings; the tests turn it on. Default off. */
  strictOutput?: boolean;
}

export interface SandboxUser {
  accountId: string;
  userName: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string;
}

export interface Sandbox {
  endpoint: string;
  port: number;
  world: World;
  faults: FaultInjector;
  /** Moves the sandbox clock forward (expiry tests). */
  advanceClock(ms: number): void;
  now(): number;
  /** A TOTP code of a user's virtual MFA device that was neither used nor handed out before (see startSandbox). */
  mfaCode(userName: string, accountId?: string): string;
  /** The management account's users with their first active access key. */
  users(): SandboxUser[];
  /** The organization's IAM Identity Center: its start URL and home region (absent without an instance). */
  identityCenter(): { startUrl: string; region: string } | undefined;
  /**
   * The verification page's decision (what `crossbar sandbox approve` does): approve or deny the sign-in request
   * with this user code as an identity-store user. Throws one line when the user or code is unknown.
   */
  approveDevice(userName: string, userCode: string, options?: { deny?: boolean }): void;
  stop(): Promise<void>;
}

function resolveWorld(
  org: SandboxOptions['org'],
  now: number,
  statePath: string | undefined,
  seed: string | undefined,
): World {
  if (statePath) {
    const restored = loadStateFile(statePath);
    if (restored) return restored;
  }
  const build = (spec: OrgSpec) =>
    seed === undefined ? buildWorld(spec, now) : buildWorld(spec, now, undefined, seed);
  if (org === undefined) return build({ kind: 'demo' });
  if (typeof org === 'string') {
    const spec = parseOrgSpec(org);
    if (!spec) throw new Error(`Unknown organization '${org}': use 'demo' or 'generated:N' with N from 1 to 5000`);
    return build(spec);
  }
  if ('kind' in org) return build(org);
  return org;
}

async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

export function listUsers(world: World): SandboxUser[] {
  const mgmt = world.accounts[world.organization.masterAccountId];
  if (!mgmt) return [];
  return Object.values(mgmt.iam.users).flatMap((user) => {
    const key = Object.values(world.accessKeys).find(
      (k) => k.accountId === mgmt.id && k.userName === user.name && k.status === 'Active',
    );
    if (!key) return [];
    const mfa = Object.values(mgmt.iam.mfaDevices).find((d) => d.userName === user.name);
    return [
      {
        accountId: mgmt.id,
        userName: user.name,
        arn: user.arn,
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
        ...(mfa ? { mfaSerial: mfa.serialNumber } : {}),
      },
    ];
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  let offset = 0;
  const now = options.now ?? (() => Date.now() + offset);
  const world = resolveWorld(options.org, now(), options.statePath, options.seed);
  const faults = new FaultInjector(options.faults ?? {});
  const services = new Map<string, ServiceImpl>(ALL_SERVICES.map((s) => [s.signingName, s]));
  const log = options.log ?? (() => {});
  let dirty = false;
  let saveTimer: NodeJS.Timeout | undefined;
  const save = () => {
    if (!options.statePath || !dirty) return;
    dirty = false;
    saveStateFile(options.statePath, world);
  };
  const markDirty = () => {
    dirty = true;
    if (options.statePath && !saveTimer)
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        save();
      }, 500);
  };
  // The authenticator the tests and `crossbar sandbox mfa-code` use: never the same code twice, and never a spent
  // one. AWS accepts a code one step ahead (clock drift), so the next code is handed out at once; past that the
  // sandbox clock moves to the next step, as a person would wait for it.
  const handedOut = new Map<string, number>();
  const mfaCode = (userName: string, accountId = world.organization.masterAccountId) => {
    const device = Object.values(world.accounts[accountId]?.iam.mfaDevices ?? {}).find((d) => d.userName === userName);
    if (!device) throw new Error(`User ${userName} has no MFA device in account ${accountId}`);
    const current = Math.floor(now() / TOTP_STEP_MS);
    const spent = Math.max(device.lastUsedStep ?? -Infinity, handedOut.get(device.serialNumber) ?? -Infinity);
    const step = Math.max(current, spent + 1);
    if (step > current + 1) offset += (step - 1 - current) * TOTP_STEP_MS;
    handedOut.set(device.serialNumber, step);
    return totpFor(device.secret, step * TOTP_STEP_MS);
  };
  const deps = {
    world,
    services,
    faults,
    now,
    markDirty,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    strictOutput: options.strictOutput ?? false,
    onInternalError: (err: unknown) =>
      log(`sandbox internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  };

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const url = new URL(req.url ?? '/', 'http://sandbox');
        const raw = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
        };
        const remoteAddress = req.socket.remoteAddress ?? '';
        const admin = handleAdmin(raw, {
          world,
          faults,
          mfaCode,
          advanceClock: (ms) => {
            offset += ms;
          },
          now,
          markDirty,
          remoteAddress,
        });
        if (admin) return send(res, admin);
        const sso = handleSso(raw, {
          world,
          now,
          markDirty,
          endpoint,
          sourceIp: remoteAddress || '127.0.0.1',
          userAgent: req.headers['user-agent'] ?? '',
          strictOutput: deps.strictOutput,
          onInternalError: deps.onInternalError,
        });
        if (sso) return send(res, sso);
        const page = handleDevicePage(raw, { world, now, markDirty, remoteAddress });
        if (page) return send(res, page);
        const federation = handleFederation(raw, {
          world,
          now,
          markDirty,
          endpoint: () => endpoint,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: req.headers['user-agent'] ?? '',
        });
        if (federation) return send(res, federation);
        send(
          res,
          await dispatchAws(raw, deps, {
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: req.headers['user-agent'] ?? '',
          }),
        );
      } catch (err) {
        deps.onInternalError(err);
        if (!res.headersSent)
          send(res, { status: 400, headers: { 'content-type': 'text/plain' }, body: 'Bad request' });
      }
    })();
  });
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4566, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}`;
  return {
    endpoint,
    port,
    world,
    faults,
    now,
    mfaCode,
    advanceClock: (ms) => {
      offset += ms;
    },
    users: () => listUsers(world),
    identityCenter: () =>
      world.identityCenter
        ? { startUrl: world.identityCenter.startUrl, region: world.identityCenter.region }
        : undefined,
    approveDevice(userName, userCode, opts = {}) {
      if (!world.identityCenter) throw new Error('this sandbox organization has no IAM Identity Center instance');
      const problem = decideDevice(world.identityCenter, userCode, userName, opts.deny !== true, now());
      if (problem) throw new Error(problem);
      markDirty();
    },
    async stop() {
      if (saveTimer) clearTimeout(saveTimer);
      dirty = true;
      save();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
