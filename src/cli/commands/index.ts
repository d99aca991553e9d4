import type { DefineCommand } from '../runtime.js';

/**
 * The command table: every crossbar command, its description and how to load it. main builds the commander tree
 * from this table alone and imports the module of the one command being run, so `crossbar --help` imports no
 * command module and `credential-process` does not pay for the sandbox, yaml or the AWS SDK. A command module
 * exports a `DefineCommand` that adds arguments, options, help text and the action; the name and description
 * are here. Adding a command is one module and one entry; the order here is the order of `crossbar --help`.
 *
 * This file must import nothing but types: the start-up imports test (test/hop/startup-imports.test.ts) walks it.
 */
export interface CommandEntry {
  /** The words that name the command: `['inventory', 'sync']`. A group's subcommands follow its own entry. */
  path: readonly string[];
  description: string;
  /** What a parent's help lists after the name (`[options] <selector>`), known without loading the module. */
  usage?: string;
  /** The group's default subcommand: `crossbar accounts stage=prod` runs `accounts list`. */
  isDefault?: boolean;
  /** Left out of --help and of completion (`__complete`, which the completion scripts call). */
  hidden?: boolean;
  /** Absent for a group that only holds subcommands (`sandbox`). */
  load?: () => Promise<DefineCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    path: ['demo'],
    description: 'start a sandbox organization and tour it through the real AWS SDK: no AWS account needed',
    usage: '[options]',
    load: async () => (await import('./demo.js')).defineDemo,
  },
  {
    path: ['sandbox'],
    description: 'a local, simulated multi-account AWS for the demo, tests and rehearsals',
  },
  {
    path: ['sandbox', 'start'],
    description: 'start a local AWS organization that the AWS SDKs and the AWS CLI accept, until Ctrl-C',
    usage: '[options]',
    load: async () => (await import('./sandbox-start.js')).defineSandboxStart,
  },
  {
    path: ['sandbox', 'mfa-code'],
    description: 'print an unused MFA code (TOTP) of a sandbox user; sandbox only, AWS has no such thing',
    usage: '[options] <user>',
    load: async () => (await import('./sandbox-mfa-code.js')).defineSandboxMfaCode,
  },
  {
    path: ['sandbox', 'approve'],
    description: 'approve (or --deny) an SSO sign-in request of the sandbox as an identity-store user; sandbox only',
    usage: '[options] <user> <code>',
    load: async () => (await import('./sandbox-approve.js')).defineSandboxApprove,
  },
  {
    path: ['init'],
    description: 'write crossbar.yaml from your AWS Organization or from the role profiles in ~/.aws/config',
    usage: '[options]',
    load: async () => (await import('./init.js')).defineInit,
  },
  {
    path: ['aws-config'],
    description: 'generate ~/.aws/config profiles for every account × role (shows the diff; --write applies it)',
    usage: '[options]',
    load: async () => (await import('./aws-config.js')).defineAwsConfig,
  },
  {
    path: ['console'],
    description: 'open the AWS console of an account (federated sign-in through the role), or print the URL',
    usage: '[options] [target]',
    load: async () => (await import('./console.js')).defineConsole,
  },
  {
    path: ['browser-config'],
    description: 'print the switch-role menu, coloured by stage, for the aws-extend-switch-roles browser extension',
    usage: '[options]',
    load: async () => (await import('./browser-config.js')).defineBrowserConfig,
  },
  {
    path: ['run'],
    description: 'run an AWS operation (or, with --exec, a command) in every selected account × region at once',
    usage: '[options] <selector> [words...]',
    load: async () => (await import('./run.js')).defineRunCommand,
  },
  {
    path: ['inventory'],
    description: 'a queryable SQLite inventory of the resources of every account × region',
  },
  {
    path: ['inventory', 'sync'],
    description: 'read every selected account × region × resource type into the inventory database',
    usage: '[options] [selector]',
    load: async () => (await import('./inventory-sync.js')).defineInventorySync,
  },
  {
    path: ['inventory', 'status'],
    description: 'what the last syncs read: every account × region × type, its age, and what failed',
    usage: '[options] [selector]',
    load: async () => (await import('./inventory-status.js')).defineInventoryStatus,
  },
  {
    path: ['query'],
    description: 'run read-only SQL over the inventory (see `crossbar inventory sync`)',
    usage: '[options] <sql>',
    load: async () => (await import('./query.js')).defineQueryCommand,
  },
  {
    path: ['bootstrap'],
    description:
      'set up the cross-account roles of crossbar.yaml: as CloudFormation, Terraform or JSON, or applied through IAM',
    usage: '[options] [selector]',
    load: async () => (await import('./bootstrap.js')).defineBootstrapCommand,
  },
  {
    path: ['cost'],
    description:
      'the consolidated bill from Cost Explorer: by account, service, region, OU or tag, with changes, movers and charts',
    usage: '[options]',
    load: async () => (await import('./cost.js')).defineCostCommand,
  },
  {
    path: ['audit'],
    description: 'audit cross-account trust and credentials: findings by severity, with evidence and a fix',
    usage: '[options] [selector]',
    load: async () => (await import('./audit.js')).defineAudit,
  },
  {
    path: ['audit', 'who-can'],
    description: 'every principal that can assume a role, and under which conditions (MFA, ExternalId)',
    usage: '[options] <target>',
    load: async () => (await import('./audit-who-can.js')).defineWhoCan,
  },
  {
    path: ['audit', 'trail'],
    description:
      'CloudTrail AssumeRole and ConsoleLogin evidence, joined with the trust graph: used, unused and unknown',
    usage: '[options] [selector]',
    load: async () => (await import('./audit-trail.js')).defineAuditTrail,
  },
  {
    path: ['accounts'],
    description: 'the account registry and its reachability',
  },
  {
    path: ['accounts', 'list'],
    description: 'list the accounts of crossbar.yaml, coloured by stage',
    usage: '[selector]',
    isDefault: true,
    load: async () => (await import('./accounts-list.js')).defineAccountsList,
  },
  {
    path: ['accounts', 'check'],
    description: 'the reachability matrix: can the source assume each role, and if not, why',
    usage: '[options] [selector]',
    load: async () => (await import('./accounts-check.js')).defineAccountsCheck,
  },
  {
    path: ['whoami'],
    description: 'who you are: the source identity, or your identity in a target account',
    usage: '[options] [target]',
    load: async () => (await import('./whoami.js')).defineWhoami,
  },
  {
    path: ['exec'],
    description: 'run a command with the credentials of an account (AWS_* and CROSSBAR_* variables set)',
    usage: '[options] [target] -- <command...>',
    load: async () => (await import('./exec.js')).defineExec,
  },
  {
    path: ['env'],
    description: 'print the environment of an account as lines for your shell: eval "$(crossbar env development)"',
    usage: '[options] [target]',
    load: async () => (await import('./env.js')).defineEnv,
  },
  {
    path: ['credential-process'],
    description: 'print Version 1 JSON credentials of a target, for `credential_process =` in ~/.aws/config',
    usage: '[options] <target>',
    load: async () => (await import('./credential-process.js')).defineCredentialProcess,
  },
  {
    path: ['unlock'],
    description:
      'confirm a guarded role once (confirm: true, MFA) so that credential-process and scripts may use it for a while',
    usage: '[options] [target]',
    load: async () => (await import('./unlock.js')).defineUnlock,
  },
  {
    path: ['lock'],
    description: 'end unlocks early: one role, or every one',
    usage: '[target]',
    load: async () => (await import('./unlock.js')).defineLock,
  },
  {
    path: ['rotate'],
    description: "replace the source's IAM access key: create, prove, write to ~/.aws/credentials, delete the old",
    usage: '[options] [source]',
    load: async () => (await import('./rotate.js')).defineRotate,
  },
  {
    path: ['shortcut'],
    description: 'named switches such as /switch-to-prod',
  },
  {
    path: ['shortcut', 'list'],
    description: 'list the shortcuts of crossbar.yaml',
    isDefault: true,
    load: async () => (await import('./shortcut-list.js')).defineShortcutList,
  },
  {
    path: ['shortcut', 'add'],
    description: 'add a shortcut to crossbar.yaml: crossbar shortcut add /switch-to-prod production:admin',
    usage: '[options] <name> <target>',
    load: async () => (await import('./shortcut-edit.js')).defineShortcutAdd,
  },
  {
    path: ['shortcut', 'remove'],
    description: 'remove a shortcut from crossbar.yaml',
    usage: '<name>',
    load: async () => (await import('./shortcut-edit.js')).defineShortcutRemove,
  },
  {
    path: ['shell'],
    description:
      'an interactive shell in one account at a time: /switch-to-prod switches, commands run with its credentials',
    usage: '[options] [target]',
    load: async () => (await import('./shell.js')).defineShell,
  },
  {
    path: ['shell-init'],
    description: 'a shell function that switches the current shell: eval "$(crossbar shell-init bash)", then xb NAME',
    usage: '<shell>',
    load: async () => (await import('./shell-init.js')).defineShellInit,
  },
  {
    path: ['serve'],
    description: 'the team server: workspaces, members, credentials vended per member, runs and a tamper-evident trail',
    usage: '[options]',
    load: async () => (await import('./serve.js')).defineServe,
  },
  {
    path: ['login'],
    description:
      "sign in to an SSO source of crossbar.yaml (IAM Identity Center's device flow), or to a team server with --server",
    usage: '[options] [source]',
    load: async () => (await import('./login.js')).defineLogin,
  },
  {
    path: ['logout'],
    description: "revoke and forget the CLI's token: a team server's, else an SSO source's",
    usage: '[source]',
    load: async () => (await import('./logout.js')).defineLogout,
  },
  {
    path: ['workspace'],
    description: 'the workspaces of the team server: who may use which accounts and roles, and the current one',
  },
  {
    path: ['workspace', 'list'],
    description: 'your workspaces on the server, with your role in each (the current one marked)',
    isDefault: true,
    load: async () => (await import('./workspace-list.js')).defineWorkspaceList,
  },
  {
    path: ['workspace', 'create'],
    description:
      'create a workspace on the server (server owners): crossbar workspace create platform --accounts stage!=prod',
    usage: '[options] <name>',
    load: async () => (await import('./workspace-create.js')).defineWorkspaceCreate,
  },
  {
    path: ['workspace', 'show'],
    description: 'a workspace: its accounts and the roles you may use, its shortcuts and members',
    usage: '[name]',
    load: async () => (await import('./workspace-show.js')).defineWorkspaceShow,
  },
  {
    path: ['workspace', 'use'],
    description: 'make a workspace current: exec, env, console, run and credential-process then go through the server',
    usage: '[options] [name]',
    load: async () => (await import('./workspace-use.js')).defineWorkspaceUse,
  },
  {
    path: ['workspace', 'add-member'],
    description: 'add a user of the server to a workspace with a role (viewer, operator, admin, owner)',
    usage: '[options] <user>',
    load: async () => (await import('./workspace-members.js')).defineAddMember,
  },
  {
    path: ['workspace', 'remove-member'],
    description: 'remove a member from a workspace',
    usage: '[options] <user>',
    load: async () => (await import('./workspace-members.js')).defineRemoveMember,
  },
  {
    path: ['workspace', 'set-role'],
    description: "change a member's role (and limits) in a workspace",
    usage: '[options] <user> <role>',
    load: async () => (await import('./workspace-members.js')).defineSetRole,
  },
  {
    path: ['trail'],
    description: "the team server's tamper-evident trail: who did what (not CloudTrail: that is `audit trail`)",
  },
  {
    path: ['trail', 'list'],
    description: 'the newest trail entries, filtered by workspace, time, member and action',
    usage: '[options]',
    isDefault: true,
    load: async () => (await import('./trail-list.js')).defineTrailList,
  },
  {
    path: ['trail', 'verify'],
    description: 'verify the hash chains (of the server, a database or an export); exit 1 names the first broken entry',
    usage: '[options]',
    load: async () => (await import('./trail-verify.js')).defineTrailVerify,
  },
  {
    path: ['trail', 'export'],
    description: "export the trail as jsonl (verifiable offline) or csv, with each chain's head",
    usage: '[options]',
    load: async () => (await import('./trail-export.js')).defineTrailExport,
  },
  {
    path: ['trail', 'head'],
    description: "each chain's head, to keep elsewhere and verify against later (trail verify --head)",
    usage: '[options]',
    load: async () => (await import('./trail-head.js')).defineTrailHead,
  },
  {
    path: ['completion'],
    description: 'tab completion of commands, flags, accounts and shortcuts: source <(crossbar completion bash)',
    usage: '<shell>',
    load: async () => (await import('./completion.js')).defineCompletion,
  },
  {
    path: ['__complete'],
    description: 'the completions of a command line (for the completion scripts)',
    hidden: true,
    load: async () => (await import('./complete.js')).defineComplete,
  },
];

/** The command argv names: the longest path in the table that argv's command words start with. */
export function findCommand(
  table: readonly CommandEntry[],
  words: readonly string[],
): { entry: CommandEntry; defaultChild?: CommandEntry } | undefined {
  let found: CommandEntry | undefined;
  for (const entry of table) {
    const matches = entry.path.every((word, i) => words[i] === word);
    if (matches && entry.path.length > (found?.path.length ?? 0)) found = entry;
  }
  if (!found) return undefined;
  // A group run with no subcommand of its own (`crossbar accounts stage=prod`) runs its default subcommand.
  const parent = found.path;
  const defaultChild = table.find(
    (e) => e.isDefault === true && e.path.length === parent.length + 1 && parent.every((w, i) => e.path[i] === w),
  );
  return defaultChild ? { entry: found, defaultChild } : { entry: found };
}
