/** A piece of a document small enough to retrieve and quote, with where it came from (for citations). */
export interface KbChunk {
  /** `<source>#<n>`: stable while the document is unchanged. */
  readonly id: string;
  /** The document's name in the knowledge base, e.g. `menu.md`. */
  readonly source: string;
  /** The heading path above the text, e.g. `Menu and allergens › Tiramisu`; the title when there is none. */
  readonly section: string;
  /** The text, without its headings (they are in `section`). */
  readonly text: string;
}

/** A document as the knowledge base lists it. */
export interface KbDocument {
  readonly name: string;
  readonly title: string;
  /** sha256 of the normalized text: the same text uploaded twice is a duplicate. */
  readonly hash: string;
  readonly chars: number;
  readonly chunks: number;
  /** `folder`: the knowledge folder (KNOWLEDGE_DIR); `upload`: /kb add. */
  readonly origin: 'folder' | 'upload';
  readonly addedAt: string;
}

/** One retrieved chunk and how well it matched (higher is better; scales differ by backend). */
export interface KbHit {
  readonly chunkId: string;
  readonly source: string;
  readonly section: string;
  readonly text: string;
  readonly score: number;
  /** Lexical backends: the share of the query's distinct terms this hit matched (0-1). */
  readonly coverage?: number;
}

/** The last heading of a section path: what a compact citation shows. */
export const sectionLeaf = (section: string): string => section.split(' › ').at(-1) ?? section;

/** A document ready to index: visible text as Markdown (kept so the index can be rebuilt) and its chunks. */
export interface NewKbDocument {
  readonly name: string;
  readonly title: string;
  readonly hash: string;
  readonly markdown: string;
  readonly chunks: readonly KbChunk[];
}

/** A file read into Markdown; plain text has `headings: false`. */
export interface ReadDocument {
  readonly markdown: string;
  readonly format: 'markdown' | 'text' | 'html' | 'pdf';
  readonly headings: boolean;
}
