import { DEFAULT_REGION } from '../config/registry.js';
import { parseArn } from '../arn.js';
import { ALL_REGIONS, DEFAULT_ENABLED_REGIONS, type FanoutAccount, type FanoutTarget } from '../fanout/index.js';
import { WHOLE_ACCOUNT_REGION, type SliceKey } from './inventory-store.js';
import { GLOBAL_REGION, type ResourceType, type SliceContext } from './resource-type.js';

/**
 * Which slices a target covers. Regional types are read in every target; global types (IAM, S3's bucket list)
 * once per account, in its home target: the first region of its list that every account has enabled, else
 * its first region (us-east-1 for `--regions all`, which every account has).
 */
export function homeRegion(regions: readonly string[] | 'all'): string | undefined {
  if (regions === 'all') return DEFAULT_REGION;
  return regions.find((r) => DEFAULT_ENABLED_REGIONS.includes(r)) ?? regions[0];
}

export class SlicePlan {
  readonly types: readonly ResourceType[];
  readonly regional: readonly ResourceType[];
  readonly global: readonly ResourceType[];
  readonly #regions: readonly string[] | 'all' | undefined;

  constructor(types: readonly ResourceType[], regions: readonly string[] | 'all' | undefined) {
    this.types = types;
    this.regional = types.filter((t) => t.scope === 'regional');
    this.global = types.filter((t) => t.scope === 'global');
    this.#regions = regions;
  }

  regionsOf(fa: FanoutAccount): readonly string[] | 'all' {
    return this.#regions ?? fa.account.regions;
  }

  /** The types read in this target. A whole-account failure (region `*`) stands for every type. */
  typesFor(target: FanoutTarget): readonly ResourceType[] {
    if (target.region === ALL_REGIONS) return this.types;
    return target.region === homeRegion(this.regionsOf(target)) ? [...this.regional, ...this.global] : this.regional;
  }

  /** The slice of `type` that `target` reads (or, failing, stands for). */
  sliceKey(type: ResourceType, target: FanoutTarget): SliceKey {
    const region =
      type.scope === 'global' ? GLOBAL_REGION : target.region === ALL_REGIONS ? WHOLE_ACCOUNT_REGION : target.region;
    return {
      type,
      accountId: target.account.id,
      accountName: target.account.name,
      stage: target.account.stage,
      region,
    };
  }

  /** Slices a sync will report: exact for region lists; for `--regions all`, from the targets known so far. */
  expectedSlices(accounts: readonly FanoutAccount[], knownTargets: number): number {
    if (this.#regions === 'all') return knownTargets * this.regional.length + accounts.length * this.global.length;
    return accounts.reduce((n, fa) => {
      const regions = this.regionsOf(fa);
      const count = regions === 'all' ? 1 : regions.length;
      return n + count * this.regional.length + (count > 0 ? this.global.length : 0);
    }, 0);
  }
}

export function sliceContext(target: FanoutTarget): SliceContext {
  return { partition: parseArn(target.role.arn).partition, accountId: target.account.id, region: target.region };
}
