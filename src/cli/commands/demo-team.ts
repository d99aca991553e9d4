import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../core/config/index.js';
import { createCrossbar } from '../../core/crossbar.js';
import { importWorkspaces, openTeamDb, type TeamStore } from '../../core/team/index.js';
import {
  createApp,
  findWebRoot,
  issueSetupToken,
  listen,
  workspaceChangesOf,
  type Listening,
} from '../../server/index.js';
import { sourceEnv } from '../config-context.js';
import type { SandboxConfigPaths } from '../write-files.js';
import type { DemoCommand } from './demo-commands.js';

/**
 * The team part of `crossbar demo` (seed 000's hybrid setup): a `crossbar serve` on the demo's sandbox, in this
 * process, with crossbar.yaml's workspaces imported — `production` restricted to alice, `platform` (every account
 * but production) shared with bob as a viewer and carol as an operator, and its shortcuts. What an owner does once
 * in the browser (create the owner, add two people, hand each a token) is done here through the same HTTP API;
 * everything the tour shows after that is crossbar commands, each person in their own CROSSBAR_HOME.
 */
export interface DemoTeam {
  url: string;
  /** Whether the web UI is built (dist/web): without it the server's pages say to run `npm run build`. */
  webBuilt: boolean;
  /**
   * Who signs in to the web UI, with the password generated for this run. Demo-only: a throwaway server on
   * 127.0.0.1 whose database is deleted with the demo's folder, so printing them is the point.
   */
  signIns: DemoSignIn[];
  commands: DemoCommand[];
  stop(): Promise<void>;
}

export interface DemoSignIn {
  username: string;
  password: string;
  access: string;
}

const MEMBERS = { bob: 'viewer', carol: 'operator' } as const;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  cookie?: string;
}

type Call = (method: string, path: string, body: unknown, auth?: { cookie?: string; csrf?: string }) => Promise<Answer>;

function caller(app: ReturnType<typeof createApp>): Call {
  return async (method, path, body, auth = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth.cookie) headers['cookie'] = auth.cookie;
    if (auth.csrf) headers['x-csrf-token'] = auth.csrf;
    const response = await app.request(path, { method, headers, body: JSON.stringify(body) });
    const answer: Answer = { status: response.status, body: (await response.json()) as Record<string, unknown> };
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (cookie) answer.cookie = cookie;
    if (response.status >= 400) throw new Error(`demo team setup: ${method} ${path} answered ${response.status}`);
    return answer;
  };
}

/** Signs `username` in and makes them an API token, as they would in the browser. */
async function tokenOf(call: Call, username: string, password: string): Promise<string> {
  const session = await call('POST', '/api/session', { username, password });
  const auth = { cookie: session.cookie ?? '', csrf: String(session.body['csrf_token']) };
  const made = await call('POST', '/api/tokens', { name: 'crossbar demo', expires_in_days: 1 }, auth);
  return String(made.body['token']);
}

export async function startDemoTeam(
  dir: string,
  paths: SandboxConfigPaths,
  env: Record<string, string | undefined>,
): Promise<DemoTeam> {
  const home = join(dir, 'team-server');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const config = loadConfigFile(paths.crossbarYaml);
  const crossbar = createCrossbar({ config, env: sourceEnv(env), home, keyStore: 'file' });
  const store: TeamStore = await openTeamDb({ home });
  let server: Listening | undefined;
  try {
    const webRoot = findWebRoot();
    const deps = { store, now: Date.now, home, publicUrl: 'http://127.0.0.1', crossbar, webRoot };
    const app = createApp(deps);
    server = await listen(app, { port: 0 });
    deps.publicUrl = server.url;
    const call = caller(app);
    const passwords = { alice: '', bob: '', carol: '' };
    for (const name of Object.keys(passwords) as (keyof typeof passwords)[])
      passwords[name] = randomBytes(18).toString('base64url');
    const setup = await call('POST', '/api/setup', {
      token: await issueSetupToken(store),
      username: 'alice',
      password: passwords.alice,
    });
    const owner = { cookie: setup.cookie ?? '', csrf: String(setup.body['csrf_token']) };
    for (const name of Object.keys(MEMBERS) as (keyof typeof MEMBERS)[])
      await call('POST', '/api/users', { username: name, password: passwords[name] }, owner);
    await importWorkspaces(store, crossbar.registry, config, { now: Date.now });
    for (const [name, role] of Object.entries(MEMBERS))
      await call('PUT', `/api/workspaces/platform/members/${name}`, { role }, owner);
    const tokens = {
      alice: await tokenOf(call, 'alice', passwords.alice),
      bob: await tokenOf(call, 'bob', passwords.bob),
      carol: await tokenOf(call, 'carol', passwords.carol),
    };
    const url = server.url;
    const listening = server;
    return {
      url,
      webBuilt: webRoot !== undefined,
      signIns: [
        { username: 'alice', password: passwords.alice, access: 'server owner; owner of production and platform' },
        { username: 'bob', password: passwords.bob, access: `${MEMBERS.bob} of platform` },
        { username: 'carol', password: passwords.carol, access: `${MEMBERS.carol} of platform` },
      ],
      commands: teamCommands(url, tokens, (member) => memberEnv(dir, member)),
      async stop() {
        workspaceChangesOf(deps).endAll();
        await listening.close(2000);
        await store.close();
      },
    };
  } catch (err) {
    await server?.close(0);
    await store.close();
    throw err;
  }
}

/** Each person's own CROSSBAR_HOME: their sign-in, their current workspace, their credential cache. */
function memberEnv(dir: string, member: string): Record<string, string | undefined> {
  const home = join(dir, 'homes', member);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return { CROSSBAR_HOME: home, CROSSBAR_KEY_STORE: 'file' };
}

function teamCommands(
  url: string,
  tokens: Readonly<Record<'alice' | 'bob' | 'carol', string>>,
  envOf: (member: string) => Record<string, string | undefined>,
): DemoCommand[] {
  const login = (member: 'alice' | 'bob' | 'carol'): DemoCommand => ({
    title: `${member} signs the CLI in to the team server`,
    argv: ['login', '--server', url, '--token', tokens[member]],
    display: `crossbar login --server ${url} --token $${member.toUpperCase()}_TOKEN`,
    env: envOf(member),
    expectExit: 0,
  });
  return [
    {
      ...login('alice'),
      section: 'Share: a team server with workspaces, members and a trail (seed 000)',
      note: `crossbar serve runs at ${url} with crossbar.yaml's workspaces imported: production (alice alone) and platform (every account but production, with its shortcuts). alice owns the server; bob is a viewer of platform, carol an operator. Without --token, login shows a code to approve in the browser.`,
    },
    {
      title: "alice's workspaces, and her role in each",
      argv: ['workspace', 'list', '--output', 'table'],
      env: envOf('alice'),
      expectExit: 0,
    },
    {
      title: 'platform: the accounts it reaches, its shortcuts, and who has access',
      argv: ['workspace', 'show', 'platform', '--output', 'table'],
      env: envOf('alice'),
      expectExit: 0,
    },
    login('bob'),
    {
      title: 'bob makes platform his current workspace',
      argv: ['workspace', 'use', 'platform'],
      env: envOf('bob'),
      expectExit: 0,
    },
    {
      title: 'bob asks for development: refused, he is a viewer',
      argv: ['whoami', 'development', '--output', 'table'],
      env: envOf('bob'),
      expectExit: 1,
      note: 'A viewer sees the accounts but gets no credentials: the server refuses before any AWS call, and records the refusal in the trail.',
    },
    login('carol'),
    {
      title: 'carol makes platform her current workspace',
      argv: ['workspace', 'use', 'platform'],
      env: envOf('carol'),
      expectExit: 0,
    },
    {
      title: 'carol asks for development: the server vends her own session',
      argv: ['whoami', 'development', '--output', 'table'],
      env: envOf('carol'),
      expectExit: 0,
      note: "The server assumed the role with SourceIdentity and session name carol: the source's keys never left it, and CloudTrail names carol.",
    },
    {
      title: 'carol asks for production: not in her workspace',
      argv: ['whoami', 'production', '--output', 'table'],
      env: envOf('carol'),
      expectExit: 2,
    },
    {
      title: "CloudTrail in development: the server's AssumeRole for carol, with her name as SourceIdentity",
      argv: ['audit', 'trail', 'development', '--since', '1h', '--output', 'table'],
      expectExit: 0,
    },
    {
      title: "platform's trail on the server: every sign-in, grant and refusal",
      argv: ['trail', 'list', '--workspace', 'platform', '--output', 'table'],
      env: envOf('alice'),
      expectExit: 0,
    },
    {
      title: 'The trail is hash-chained: verify it',
      argv: ['trail', 'verify', '--output', 'table'],
      env: envOf('alice'),
      expectExit: 0,
    },
  ];
}
