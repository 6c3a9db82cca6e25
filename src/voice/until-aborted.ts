/**
 * Iterates `source` until it ends or `signal` aborts. An abort returns at once, even from a source that never
 * yields again (a voice channel's speech), and asks the source to finish without waiting for it.
 */
export async function forEachUntilAborted<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal,
  onItem: (item: T) => void,
): Promise<'ended' | 'aborted'> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  for (;;) {
    const next = await Promise.race([iterator.next(), aborted]);
    if (next === 'aborted') {
      Promise.resolve(iterator.return?.()).catch(() => {});
      return 'aborted';
    }
    if (next.done) return 'ended';
    onItem(next.value);
  }
}
