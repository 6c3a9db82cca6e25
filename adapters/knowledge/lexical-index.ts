import MiniSearch, { type Options, type SearchResult } from 'minisearch';
import type { KbChunk, KbHit } from '../../src/domain/knowledge/types.ts';
import { indexTerms } from './terms.ts';

interface Stored {
  readonly source: string;
  readonly section: string;
  readonly text: string;
}

const OPTIONS: Options<KbChunk> = {
  idField: 'id',
  fields: ['section', 'text'],
  storeFields: ['source', 'section', 'text'],
  processTerm: (term: string) => indexTerms(term),
  searchOptions: {
    // Headings say what a chunk is about: a match there counts double.
    boost: { section: 2 },
    // Small typos in longer words ("lasanha", "glutten"); short words must match exactly.
    fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
    maxFuzzy: 1,
    combineWith: 'OR',
  },
};

/**
 * BM25 over chunk headings and text (MiniSearch), with English and Portuguese stems. Serializes to JSON so the
 * index on disk loads without re-tokenizing.
 */
export class LexicalIndex {
  #search: MiniSearch<KbChunk>;

  private constructor(search: MiniSearch<KbChunk>) {
    this.#search = search;
  }

  static empty(): LexicalIndex {
    return new LexicalIndex(new MiniSearch<KbChunk>(OPTIONS));
  }

  static fromJSON(json: string): LexicalIndex {
    return new LexicalIndex(MiniSearch.loadJSON<KbChunk>(json, OPTIONS));
  }

  toJSON(): string {
    return JSON.stringify(this.#search);
  }

  get size(): number {
    return this.#search.documentCount;
  }

  add(chunks: readonly KbChunk[]): void {
    this.#search.addAll(chunks as KbChunk[]);
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) if (this.#search.has(id)) this.#search.discard(id);
  }

  /** A stored chunk by id (hybrid search finds chunks the lexical list did not). */
  chunk(id: string): KbHit | undefined {
    const stored = this.#search.getStoredFields(id) as Stored | undefined;
    return stored
      ? { chunkId: id, source: stored.source, section: stored.section, text: stored.text, score: 0 }
      : undefined;
  }

  /** Hits with `coverage`: the share of the query's distinct terms the hit matched. */
  search(text: string, limit: number): (KbHit & { readonly coverage: number })[] {
    const queryTerms = new Set(
      MiniSearch.getDefault('tokenize')(text)
        .flatMap((t: string) => indexTerms(t) ?? [])
        .filter(Boolean),
    );
    if (queryTerms.size === 0) return [];
    const results = this.#search.search(text);
    return results.slice(0, limit).map((r) => toHit(r, queryTerms.size));
  }
}

function toHit(result: SearchResult, queryTermCount: number): KbHit & { readonly coverage: number } {
  const stored = result as unknown as SearchResult & Stored;
  return {
    chunkId: String(result.id),
    source: stored.source,
    section: stored.section,
    text: stored.text,
    score: result.score,
    coverage: Math.min(1, new Set(result.queryTerms).size / queryTermCount),
  };
}
