/** Read-only SQL over the inventory. */
export {
  inventoryTables,
  leadingKeyword,
  queryInventory,
  runQuery,
  type QueryResult,
  type SqlCell,
} from './query-inventory.js';
export { streamQuery, type StreamQueryOptions, type StreamQueryResult } from './stream-query.js';
export { QUERY_LIMITS } from './query-limits.js';
