import { mapBounded } from '../map-bounded.js';
import type { SliceRow } from './inventory-store.js';
import {
  isItem,
  itemsAt,
  type CallAws,
  type Item,
  type ReadOptions,
  type ResourceType,
  type SliceContext,
} from './resource-type.js';

/**
 * Reads one slice: the type's list operation (every page), then its per-item calls a few at a time, and the
 * rows they make. Throws on the first failure: a slice is complete or it is not written at all.
 */

/** Per-item calls of one slice in flight at once; the fan-out's per-API limit bounds the account as a whole. */
export const ENRICH_CONCURRENCY = 4;

export function toRow(type: ResourceType, item: Item, ctx: SliceContext): SliceRow {
  return {
    region: type.regionOf?.(item, ctx) ?? ctx.region,
    arn: type.arnOf(item, ctx),
    name: type.nameOf(item),
    tags: JSON.stringify(type.tagsOf(item)),
    // Dates become ISO strings; the rest is AWS's answer as the SDK parsed it.
    raw: JSON.stringify(item),
    columns: type.columns.map((c) => c.value(item)),
  };
}

export async function readSlice(
  type: ResourceType,
  call: CallAws,
  ctx: SliceContext,
  options: ReadOptions = {},
): Promise<SliceRow[]> {
  const output = await call(type.service, type.operation, type.input ?? {});
  const entries = itemsAt(output, type.listMember);
  const enrich = type.enrich;
  const items = enrich ? await mapBounded(entries, ENRICH_CONCURRENCY, (entry) => enrich(entry, call, ctx)) : entries;
  const redact = options.includeEnvValues ? undefined : type.redact;
  return items.filter(isItem).map((item) => toRow(type, redact ? redact(item) : item, ctx));
}
