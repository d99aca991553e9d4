/**
 * The team area: the database of `crossbar serve` (users, sessions, tokens, workspaces, members, shortcuts, runs)
 * and its tamper-evident trail. The HTTP API is in src/server; this is what it stands on, usable without it
 * (`crossbar trail verify --db …`).
 */
export type {
  TeamDatabase,
  TeamDb,
  WorkspaceRole,
  UsersTable,
  WorkspacesTable,
  MembersTable,
  ShortcutsTable,
  TrailTable,
  RunsTable,
  RunResultsTable,
} from './team-schema.js';
export { TEAM_MIGRATIONS } from './team-migrations.js';
export {
  openTeamDb,
  defaultTeamDbPath,
  redactDbUrl,
  type TeamStore,
  type TeamDbKind,
  type OpenTeamDbOptions,
} from './open-team-db.js';
export {
  GENESIS_HASH,
  canonicalJson,
  entryContent,
  hashEntry,
  scrubDetails,
  type TrailEntry,
  type TrailEvent,
} from './trail-chain.js';
export { appendTrail, SERVER_CHAIN } from './append-trail.js';
export { newId, newToken, hashToken, sameSecret, isoAt } from './team-ids.js';
export {
  WorkspaceConnectionSchema,
  WorkspaceRoleSchema,
  WORKSPACE_ROLES,
  MemberLimitSchema,
  WorkspaceInputSchema,
  ShortcutInputSchema,
  WorkspaceNameSchema,
  WorkspacePatchSchema,
  MemberInputSchema,
  type WorkspacePatch,
  type MemberInput,
  type WorkspaceConnection,
  type MemberLimit,
  type WorkspaceInput,
  type ShortcutInput,
} from './workspace-model.js';
export {
  WORKSPACE_ACTIONS,
  roleMay,
  leastRoleFor,
  outranks,
  limitsAllow,
  type WorkspaceAction,
} from './permissions.js';
export { hashPassword, verifyPassword, decoyHash, checkPasswordStrength, MIN_PASSWORD_LENGTH } from './passwords.js';
export {
  createUser,
  findUserByName,
  findUserById,
  countUsers,
  publicUser,
  USERNAME_RE,
  type NewUser,
  type UserRow,
} from './users.js';
export {
  findWorkspace,
  findMembership,
  listMemberships,
  createWorkspace,
  updateWorkspace,
  deleteWorkspace,
  adoptOrphanWorkspaces,
  workspaceFromRow,
  type WorkspaceRecord,
  type MemberRecord,
  type Membership,
  type WorkspaceChange,
} from './workspace-store.js';
export { listMembers, putMember, removeMember, type ListedMember, type MemberChange } from './members.js';
export { listShortcuts, addShortcut, removeShortcut, type ShortcutRecord } from './shortcuts.js';
export {
  reachedAccounts,
  inSelector,
  accountRole,
  workspaceRolesIn,
  usableRoles,
  checkWorkspaceReach,
  checkLimits,
  shortcutTarget,
  shortcutProblems,
} from './workspace-reach.js';
export { importWorkspaces, IMPORT_ACTOR, type ImportLine, type ImportOptions } from './import-workspaces.js';
export { loadServerKey, sealSecret, openSecret, type ServerKeyOptions } from './server-key.js';
export { newTotpSecret, totpUri, totpCode, totpStepOf, TOTP_PERIOD_MS } from './member-totp.js';
export {
  secondFactorFresh,
  vendNeeds,
  vendRefusal,
  SECOND_FACTOR_MAX_AGE_MS,
  type VendNeeds,
  type VendOffer,
} from './vend-guard.js';
export { VendCache, type VendKey, type Vended, type VendCacheOptions } from './vend-cache.js';
export {
  createConnectionEngine,
  connectionKey,
  CONNECTION_SESSION_NAME,
  type ConnectionContext,
} from './connection-engine.js';
export { Vending, type VendingOptions, type VendRequest, type VendResult } from './vending.js';
export {
  createChainCheck,
  type ChainCheck,
  type ChainCheckOptions,
  type ChainHead,
  type ChainVerification,
  type TrailBreak,
  type TrailBreakReason,
} from './check-chain.js';
export { trailRecord, entryFromRow, entryFromRecord, TrailRecordSchema, type TrailRecord } from './trail-record.js';
export { loadTrailHeads, headDocument, parseHeadFile, type HeadDocument, type NamedHead } from './trail-heads.js';
export { byChain } from './chain-order.js';
export { verifyTrail, type VerifyTrailOptions, type TrailVerification } from './verify-trail.js';
export { verifyTrailExport, type VerifyExportOptions } from './verify-export.js';
export {
  listTrail,
  encodeTrailCursor,
  decodeTrailCursor,
  TRAIL_LIST_MAX,
  type TrailCursor,
  type TrailQuery,
  type TrailPage,
} from './list-trail.js';
export {
  exportTrail,
  csvField,
  TRAIL_EXPORT_FORMATS,
  type TrailExportFormat,
  type ExportTrailOptions,
  type ExportHeader,
} from './export-trail.js';
export { parseTrailSince } from './trail-since.js';
export { trailChainNames, trailChains, resolveTrailChain } from './trail-chains.js';
export { openTeamDbReadOnly } from './open-team-db-read-only.js';
export {
  RunRequestSchema,
  RunOperationRequestSchema,
  RunSyncRequestSchema,
  runLabel,
  storableRequest,
  type RunRequest,
  type RunOperationRequest,
  type RunSyncRequest,
} from './run-request.js';
export {
  insertRun,
  appendRunResult,
  touchRun,
  setRunTargetCount,
  endRun,
  interruptAbandonedRuns,
  findRun,
  listRuns,
  readRunResults,
  countRunResults,
  type RunStatus,
  type RunRecord,
  type RunResultRecord,
  type RunCursor,
  type NewRun,
  type NewRunResult,
  type AbandonedRun,
} from './run-store.js';
export { selectWorkspaceTargets, type WorkspaceTargetsInput } from './workspace-targets.js';
export { planRun, expectedTargets, requireReadOperation, type RunPlan } from './run-plan.js';
export { executeRun, type ExecuteRunOptions, type RunEnd } from './execute-run.js';
export { redactOutput, storedValue, REDACTED, MAX_STORED_VALUE_BYTES } from './redact-output.js';
