/** Selectors (`stage=prod`, `ou=/Workloads/*`, `!name`) and single targets (`NAME[:ROLE]`, `/switch-to-prod`). */
export { resolveTarget, selectAccounts, type ResolvedTarget } from './select-accounts.js';
