import type { VoiceTurn } from '../ports/voice-model.ts';

/**
 * What a new session starts from: the history, and the user turn it still owes an answer. A trailing user turn
 * (heard, FINAL, not answered before the old session failed or was switched away) leaves the history and is sent
 * as interactive text instead, so the new session answers it (as LiveKit re-sends it); in the history it would be
 * read as already dealt with.
 */
export function historyForSwitch(history: readonly VoiceTurn[]): {
  readonly history: readonly VoiceTurn[];
  readonly answer?: string;
} {
  let end = history.length;
  while (end > 0 && history[end - 1]?.role === 'user') end--;
  if (end === history.length) return { history };
  const answer = history
    .slice(end)
    .map((t) => t.text.trim())
    .filter(Boolean)
    .join(' ');
  return answer ? { history: history.slice(0, end), answer } : { history: history.slice(0, end) };
}

/** Reads one async iterator in turns, so a read can lose a race and be picked up again later. */
export class EventReader<T> {
  readonly #it: AsyncIterator<T>;
  #pending: Promise<IteratorResult<T>> | undefined;

  constructor(source: AsyncIterable<T>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  next(): Promise<IteratorResult<T>> {
    this.#pending ??= this.#it.next();
    return this.#pending;
  }

  /** The read `next()` returned has been used. */
  taken(): void {
    this.#pending = undefined;
  }
}
