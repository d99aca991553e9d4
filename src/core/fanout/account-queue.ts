import { globalRegionOf } from '../aws-clients/index.js';
import { isArn, parseArn } from '../arn.js';
import type { Credentials } from '../credentials/credentials.js';
import type { RegionStatuses } from './regions.js';
import type { FanoutAccount, FanoutTarget } from './types.js';

/**
 * The waiting work of a run, grouped by account: which account's credentials to fetch next, and which jobs can
 * start now. A job starts only once its account's credentials are settled (so no slot is spent waiting on
 * STS) and while its AWS account has fewer than `perAccount` jobs running. Credentials are fetched in account
 * order just far enough ahead to keep the slots fed (`readyTarget` startable jobs), `credentialConcurrency` at
 * a time.
 */
export type Job = { kind: 'target'; target: FanoutTarget } | { kind: 'expand' };

export interface AccountState {
  /** Identifies the credentials: the registry account and its role. */
  key: string;
  fa: FanoutAccount;
  jobs: Job[];
  /** The account's credentials (one fetch, shared by every region); settled before any job of it starts. */
  credentials(): Promise<Credentials>;
  /** DescribeRegions of the account, once, when something needs it. */
  regions?: Promise<RegionStatuses>;
}

interface Entry extends AccountState {
  fetch?: Promise<Credentials>;
  settled: boolean;
}

export interface AccountQueueOptions {
  accounts: readonly FanoutAccount[];
  /** Absent: each account's configured regions. */
  regions: readonly string[] | 'all' | undefined;
  /** One target per account, in its partition's global region, whatever `regions` says. */
  global?: boolean | undefined;
  perAccount: number;
  credentialConcurrency: number;
  /** Startable jobs to keep ready beyond the free slots. */
  readyTarget: number;
  fetchCredentials(fa: FanoutAccount): Promise<Credentials>;
  /** A fetch settled: jobs may be startable now. */
  onSettled(): void;
}

function partitionOfRole(roleArn: string): string {
  return isArn(roleArn) ? parseArn(roleArn).partition : 'aws';
}

export class AccountQueue {
  readonly initialTotal: number;
  readonly #options: AccountQueueOptions;
  readonly #order: Entry[];
  readonly #byKey = new Map<string, Entry>();
  /** Accounts whose credentials are fetched or fetching and that still have jobs, in account order. */
  readonly #active = new Set<Entry>();
  readonly #running = new Map<string, number>();
  #cursor = 0;
  #fetching = 0;
  #awaitingJobs = 0;
  #startable = 0;

  constructor(options: AccountQueueOptions) {
    this.#options = options;
    const seen = new Set<string>();
    this.#order = [];
    for (const fa of options.accounts) {
      const key = `${fa.account.name}|${fa.role.arn}|${fa.role.externalId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const regions = options.regions ?? fa.account.regions;
      // A target is an account in a region: a region named twice is still one target.
      const jobs: Job[] = options.global
        ? [{ kind: 'target', target: { ...fa, region: globalRegionOf(partitionOfRole(fa.role.arn)), global: true } }]
        : regions === 'all'
          ? [{ kind: 'expand' }]
          : [...new Set(regions)].map((region) => ({ kind: 'target', target: { ...fa, region } }));
      const entry: Entry = { key, fa, jobs, settled: false, credentials: () => this.#fetch(entry) };
      this.#order.push(entry);
      this.#byKey.set(key, entry);
    }
    this.initialTotal = this.#order.reduce((n, e) => n + e.jobs.length, 0);
  }

  #fetch(entry: Entry): Promise<Credentials> {
    if (!entry.fetch) {
      const waiting = entry.jobs.length;
      this.#fetching += 1;
      this.#awaitingJobs += waiting;
      this.#active.add(entry);
      entry.fetch = this.#options.fetchCredentials(entry.fa);
      entry.fetch
        .catch(() => {})
        .finally(() => {
          this.#fetching -= 1;
          this.#awaitingJobs -= waiting;
          entry.settled = true;
          this.#options.onSettled();
        });
    }
    return entry.fetch;
  }

  /** Starts credential fetches for the next accounts, while fewer jobs are ready than the slots can use. */
  prefetch(): void {
    const o = this.#options;
    while (
      this.#cursor < this.#order.length &&
      this.#fetching < o.credentialConcurrency &&
      this.#startable + this.#awaitingJobs < o.readyTarget
    ) {
      const entry = this.#order[this.#cursor];
      this.#cursor += 1;
      if (entry && entry.jobs.length > 0) void this.#fetch(entry);
    }
  }

  /** Up to `slots` startable jobs, in account order; each counts against its account until `finished`. */
  take(slots: number): { st: AccountState; job: Job }[] {
    const picked: { st: AccountState; job: Job }[] = [];
    let startable = 0;
    for (const entry of this.#active) {
      if (!entry.settled) continue;
      const id = entry.fa.account.id;
      const running = this.#running.get(id) ?? 0;
      const room = Math.max(0, this.#options.perAccount - running);
      const n = Math.min(room, entry.jobs.length, Math.max(0, slots - picked.length));
      for (const job of entry.jobs.splice(0, n)) picked.push({ st: entry, job });
      if (n > 0) this.#running.set(id, running + n);
      startable += Math.min(entry.jobs.length, room - n);
      if (entry.jobs.length === 0) this.#active.delete(entry);
      if (picked.length >= slots && startable >= this.#options.readyTarget) break;
    }
    this.#startable = startable;
    return picked;
  }

  /** A job of this account ended. */
  finished(st: AccountState): void {
    const id = st.fa.account.id;
    const running = (this.#running.get(id) ?? 1) - 1;
    if (running <= 0) this.#running.delete(id);
    else this.#running.set(id, running);
  }

  /** `--regions all`: the account's regions are known; its targets join the queue. */
  addTargets(st: AccountState, regions: readonly string[]): void {
    const entry = this.#byKey.get(st.key);
    if (!entry) return;
    entry.jobs.push(...regions.map((region): Job => ({ kind: 'target', target: { ...entry.fa, region } })));
    if (entry.jobs.length > 0) this.#active.add(entry);
  }

  /** Every job not started, removed from the queue (Ctrl-C). */
  drain(): { st: AccountState; job: Job }[] {
    const all: { st: AccountState; job: Job }[] = [];
    for (const entry of this.#order) for (const job of entry.jobs.splice(0)) all.push({ st: entry, job });
    this.#active.clear();
    return all;
  }

  isEmpty(): boolean {
    if (this.#active.size > 0) return false;
    for (let i = this.#cursor; i < this.#order.length; i += 1) if ((this.#order[i]?.jobs.length ?? 0) > 0) return false;
    return true;
  }
}
