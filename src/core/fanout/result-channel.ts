/**
 * Results from the engine to one consumer, in the order they were pushed: the async iterator waits for the
 * next one, and ends when the channel is closed and drained. Without `buffer`, nothing is kept (callers that
 * only listen through `onResult`), and iterating is a mistake that ends at once.
 */
export class ResultChannel<T> implements AsyncIterable<T> {
  readonly #buffer: boolean;
  readonly #items: ({ item: T } | undefined)[] = [];
  #head = 0;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(buffer = true) {
    this.#buffer = buffer;
  }

  push(item: T): void {
    if (this.#closed || !this.#buffer) return;
    this.#items.push({ item });
    this.#signal();
  }

  close(): void {
    this.#closed = true;
    this.#signal();
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#head < this.#items.length) {
        const slot = this.#items[this.#head];
        // Hand each item over once, and let go of it: a long run does not keep what was consumed.
        this.#items[this.#head] = undefined;
        this.#head += 1;
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items.splice(0, this.#head);
          this.#head = 0;
        }
        if (slot) yield slot.item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
