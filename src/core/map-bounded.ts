/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order in the result.
 * The Organizations API throttles per account at a few requests per second, so discovery of thousands of
 * accounts must queue rather than open thousands of requests at once. After the first failure no new item
 * is started, and that failure is thrown.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  // One iterator shared by every worker: each `next()` is synchronous, so no item is taken twice.
  const queue = items.entries();
  let failed = false;
  const worker = async (): Promise<void> => {
    for (const [index, item] of queue) {
      if (failed) return;
      try {
        results[index] = await fn(item, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const width = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: width }, () => worker()));
  return results;
}
