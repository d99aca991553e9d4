/** The inventory: resource types, the SQLite store, and `syncInventory` over the fan-out engine. */
export {
  InventoryStore,
  WHOLE_ACCOUNT_REGION,
  type RunEnd,
  type RunOutcome,
  type RunStart,
  type SliceFailure,
  type SliceKey,
  type SliceRow,
} from './inventory-store.js';
export { RESOURCE_TYPES, resolveResourceTypes, resourceTypeNames } from './resource-types.js';
export { GLOBAL_REGION, type ColumnSpec, type ResourceType, type SliceContext } from './resource-type.js';
export { readSlice, toRow } from './read-slice.js';
export { homeRegion, SlicePlan } from './slice-plan.js';
export {
  syncInventory,
  type SliceResult,
  type SyncInventoryOptions,
  type SyncReport,
  type TargetValue,
} from './sync-inventory.js';
export { inventoryPath, workspaceInventoryPath } from './inventory-path.js';
export {
  readInventoryOverview,
  readInventoryResources,
  type InventoryOverview,
  type ResourceFilter,
  type ResourcePage,
  type ResourceRow,
  type TypeCount,
} from './read-inventory.js';
export { readSyncRuns, readSyncStatus, type SyncRunRow, type SyncStatusRow } from './sync-status.js';
