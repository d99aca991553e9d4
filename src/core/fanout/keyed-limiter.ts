/**
 * At most `limit` holders per key at once; the others wait in arrival order. Keys with nobody holding or
 * waiting are forgotten, so a run over 5,000 accounts does not keep 5,000 idle entries.
 */
export class KeyedLimiter {
  readonly #limit: number;
  readonly #state = new Map<string, { held: number; waiting: (() => void)[] }>();

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async acquire(key: string): Promise<() => void> {
    let state = this.#state.get(key);
    if (!state) {
      state = { held: 0, waiting: [] };
      this.#state.set(key, state);
    }
    const entry = state;
    if (entry.held >= this.#limit) await new Promise<void>((resolve) => entry.waiting.push(resolve));
    else entry.held += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = entry.waiting.shift();
      // The slot passes straight to the next waiter: `held` stays the same.
      if (next) next();
      else {
        entry.held -= 1;
        if (entry.held === 0) this.#state.delete(key);
      }
    };
  }

  /** Holders of a key right now (tests and progress). */
  held(key: string): number {
    return this.#state.get(key)?.held ?? 0;
  }
}
