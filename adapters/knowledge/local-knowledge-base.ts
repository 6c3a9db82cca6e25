import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareDocument } from '../../src/domain/knowledge/prepare.ts';
import type { KbChunk, KbDocument, KbHit, NewKbDocument } from '../../src/domain/knowledge/types.ts';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import type { FileSource } from '../../src/ports/file-source.ts';
import type { Embedder, KbQuery, KnowledgeLibrary, KnowledgeSearch } from '../../src/ports/knowledge.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { type IndexedDocument, loadIndexFile, saveIndexFile } from './index-file.ts';
import { LexicalIndex } from './lexical-index.ts';
import { KB_EXTENSIONS, readDocument } from './read-document.ts';
import { reciprocalRankFusion, VectorIndex } from './vector-index.ts';

export interface LocalKnowledgeOptions {
  /** Where the index and uploaded documents live (DATA_DIR/knowledge). */
  readonly dataDir: string;
  /** The knowledge folder (KNOWLEDGE_DIR): its documents are indexed at start, incrementally. */
  readonly folder?: string;
  /** With one, search is hybrid: BM25 and embeddings fused by rank. */
  readonly embedder?: Embedder;
  readonly maxBytes: number;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface SyncReport {
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  readonly unchanged: number;
  readonly failed: readonly { readonly file: string; readonly error: string }[];
}

/**
 * The knowledge base on one machine: an embedded index on disk (MiniSearch BM25, plus Titan vectors when an
 * embedder is given), kept in step with the knowledge folder incrementally (by content hash) and with uploads.
 * Writes are serialized; the index file is replaced atomically after each change.
 */
/** A document's name, content hash and chunks. */
export interface KbContents {
  readonly name: string;
  readonly hash: string;
  readonly chunks: readonly KbChunk[];
}

export class LocalKnowledgeBase implements KnowledgeSearch, KnowledgeLibrary {
  #lexical = LexicalIndex.empty();
  #vectors = new VectorIndex();
  readonly #documents = new Map<string, IndexedDocument>();
  readonly #options: LocalKnowledgeOptions;
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(options: LocalKnowledgeOptions) {
    this.#options = options;
  }

  /** Loads the index from disk (rebuilding it if unreadable) and brings it in step with the folder. */
  static async open(options: LocalKnowledgeOptions): Promise<{ kb: LocalKnowledgeBase; sync: SyncReport }> {
    const kb = new LocalKnowledgeBase(options);
    const loaded = await loadIndexFile(kb.#indexPath);
    if (loaded instanceof Error) {
      options.log.warn({ err: loaded }, 'knowledge index unreadable; rebuilding it from the folder and uploads');
    } else if (loaded) {
      kb.#lexical = LexicalIndex.fromJSON(loaded.lexical);
      if (options.embedder && loaded.embedder === options.embedder.id)
        kb.#vectors = VectorIndex.fromJSON(loaded.vectors);
      for (const doc of Object.values(loaded.documents)) kb.#documents.set(doc.name, doc);
    }
    if (loaded === undefined || loaded instanceof Error) await kb.#restoreUploads();
    const sync = await kb.#syncFolder();
    const embedded = await kb.#embedMissing();
    if (loaded === undefined || loaded instanceof Error || sync.added + sync.updated + sync.removed + embedded > 0) {
      await kb.#save();
    }
    return { kb, sync };
  }

  get chunkCount(): number {
    return this.#lexical.size;
  }

  async search(query: KbQuery, signal?: AbortSignal): Promise<Result<readonly KbHit[]>> {
    const limit = query.limit ?? 5;
    const text = query.keywords ? `${query.text} ${query.keywords}` : query.text;
    const embedder = this.#options.embedder;
    if (!embedder || this.#vectors.size === 0) return ok(this.#lexical.search(text, limit));
    const lexical = this.#lexical.search(text, limit * 4);
    const vector = await embedder.embed([query.text], signal);
    const queryVector = vector.ok ? vector.value[0] : undefined;
    if (!queryVector) {
      if (!vector.ok)
        this.#options.log.warn({ code: vector.error.code }, 'query embedding failed; lexical search only');
      return ok(lexical.slice(0, limit));
    }
    const nearest = this.#vectors.nearest(queryVector, limit * 4);
    const fused = reciprocalRankFusion([lexical.map((h) => h.chunkId), nearest.map((n) => n.id)]);
    const byId = new Map<string, KbHit>(lexical.map((h) => [h.chunkId, h]));
    const ranked = [...fused.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
    const hits: KbHit[] = [];
    for (const [id, score] of ranked) {
      const hit = byId.get(id) ?? this.#lexical.chunk(id);
      if (hit) hits.push({ ...hit, score });
    }
    return ok(hits);
  }

  /** Every document with its chunks, as indexed (what KB_MODE=aws mirrors to the cloud knowledge base). */
  async contents(): Promise<readonly KbContents[]> {
    return [...this.#documents.values()].map((doc) => ({
      name: doc.name,
      hash: doc.hash,
      chunks: doc.chunkIds.flatMap((id) => {
        const hit = this.#lexical.chunk(id);
        return hit ? [{ id, source: hit.source, section: hit.section, text: hit.text }] : [];
      }),
    }));
  }

  async list(): Promise<readonly KbDocument[]> {
    return [...this.#documents.values()].map(publicDocument).sort((a, b) => a.name.localeCompare(b.name));
  }

  add(document: NewKbDocument): Promise<Result<KbDocument>> {
    return this.#serialized(async () => {
      const same = [...this.#documents.values()].find((d) => d.hash === document.hash);
      if (same) {
        return err(
          appError(
            'kb.duplicate',
            `This text is already in the knowledge base as ${same.name}.`,
            'Nothing to do; /kb list shows every document.',
          ),
        );
      }
      const taken = this.#documents.get(document.name);
      if (taken) {
        return err(
          appError(
            'kb.name_taken',
            `A different ${document.name} is already in the knowledge base.`,
            taken.origin === 'folder'
              ? 'It comes from the knowledge folder: rename your file to add it beside it.'
              : `Remove it first with /kb remove name:${document.name}, or rename your file.`,
          ),
        );
      }
      await mkdir(this.#uploadsDir, { recursive: true });
      await writeFile(join(this.#uploadsDir, `${document.name}.json`), JSON.stringify(document));
      const indexed = this.#index(document, 'upload');
      await this.#embedMissing();
      await this.#save();
      return ok(publicDocument(indexed));
    });
  }

  remove(name: string): Promise<Result<KbDocument>> {
    return this.#serialized(async () => {
      const doc = this.#documents.get(name.trim().toLowerCase());
      if (!doc)
        return err(
          appError('kb.not_found', `There is no document called ${name.trim()}.`, '/kb list shows the documents.'),
        );
      if (doc.origin === 'folder') {
        return err(
          appError(
            'kb.folder_document',
            `${doc.name} comes from the knowledge folder.`,
            'Delete or edit the file in the folder; the bot picks the change up when it starts.',
          ),
        );
      }
      this.#unindex(doc);
      await rm(join(this.#uploadsDir, `${doc.name}.json`), { force: true });
      await this.#save();
      return ok(publicDocument(doc));
    });
  }

  get #indexPath(): string {
    return join(this.#options.dataDir, 'index.json');
  }

  get #uploadsDir(): string {
    return join(this.#options.dataDir, 'uploads');
  }

  #index(document: NewKbDocument, origin: KbDocument['origin']): IndexedDocument {
    const previous = this.#documents.get(document.name);
    if (previous) this.#unindex(previous);
    this.#lexical.add(document.chunks);
    const indexed: IndexedDocument = {
      name: document.name,
      title: document.title,
      hash: document.hash,
      chars: document.markdown.length,
      chunks: document.chunks.length,
      origin,
      addedAt: this.#options.now().toISOString(),
      chunkIds: document.chunks.map((c) => c.id),
    };
    this.#documents.set(document.name, indexed);
    return indexed;
  }

  #unindex(doc: IndexedDocument): void {
    this.#lexical.remove(doc.chunkIds);
    this.#vectors.remove(doc.chunkIds);
    this.#documents.delete(doc.name);
  }

  async #syncFolder(): Promise<SyncReport> {
    const report = { added: 0, updated: 0, removed: 0, unchanged: 0, failed: [] as { file: string; error: string }[] };
    const folder = this.#options.folder;
    const files = folder ? await listDocuments(folder) : [];
    const seen = new Set<string>();
    for (const file of files) {
      const read = await readDocument(await fileSource(folder ?? '', file), { maxBytes: this.#options.maxBytes });
      const prepared = read.ok ? prepareDocument(file, read.value) : read;
      if (!prepared.ok) {
        report.failed.push({ file, error: prepared.error.message });
        this.#options.log.warn({ file, code: prepared.error.code }, `knowledge folder: ${prepared.error.message}`);
        continue;
      }
      const doc = prepared.value;
      seen.add(doc.name);
      const known = this.#documents.get(doc.name);
      if (known?.hash === doc.hash && known.origin === 'folder') {
        report.unchanged++;
        continue;
      }
      if (known?.origin === 'upload') {
        report.failed.push({ file, error: `an upload called ${doc.name} exists` });
        continue;
      }
      this.#index(doc, 'folder');
      if (known) report.updated++;
      else report.added++;
    }
    for (const doc of [...this.#documents.values()]) {
      if (doc.origin === 'folder' && !seen.has(doc.name) && !report.failed.some((f) => f.file === doc.name)) {
        this.#unindex(doc);
        report.removed++;
      }
    }
    return report;
  }

  async #restoreUploads(): Promise<void> {
    const names = await readdir(this.#uploadsDir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const doc = JSON.parse(await readFile(join(this.#uploadsDir, name), 'utf8')) as NewKbDocument;
        this.#index(doc, 'upload');
      } catch (error) {
        this.#options.log.warn({ err: error, file: name }, 'knowledge upload unreadable; left out of the index');
      }
    }
  }

  /** Embeds chunks that have no vector yet; a failure leaves them lexical-only until the next change. */
  async #embedMissing(): Promise<number> {
    const embedder = this.#options.embedder;
    if (!embedder) return 0;
    const missing: KbChunk[] = [];
    for (const doc of this.#documents.values()) {
      for (const id of doc.chunkIds) {
        const chunk = this.#vectors.has(id) ? undefined : this.#lexical.chunk(id);
        if (chunk) missing.push({ id, source: chunk.source, section: chunk.section, text: chunk.text });
      }
    }
    if (missing.length === 0) return 0;
    const vectors = await embedder.embed(missing.map((c) => `${c.section}\n${c.text}`));
    if (!vectors.ok) {
      this.#options.log.warn(
        { code: vectors.error.code, chunks: missing.length },
        'embedding chunks failed; lexical only for now',
      );
      return 0;
    }
    missing.forEach((chunk, i) => {
      const vector = vectors.value[i];
      if (vector) this.#vectors.set(chunk.id, vector);
    });
    return missing.length;
  }

  async #save(): Promise<void> {
    await saveIndexFile(this.#indexPath, {
      version: 1,
      documents: Object.fromEntries(this.#documents),
      lexical: this.#lexical.toJSON(),
      ...(this.#options.embedder ? { embedder: this.#options.embedder.id } : {}),
      vectors: this.#vectors.toJSON(),
    });
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(work, work);
    this.#writes = next.catch(() => {});
    return next;
  }
}

const publicDocument = ({ chunkIds: _ids, ...doc }: IndexedDocument): KbDocument => doc;

async function listDocuments(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  return entries
    .filter(
      (e) => e.isFile() && (KB_EXTENSIONS as readonly string[]).includes(e.name.split('.').at(-1)?.toLowerCase() ?? ''),
    )
    .map((e) => e.name)
    .sort();
}

async function fileSource(folder: string, name: string): Promise<FileSource> {
  const path = join(folder, name);
  const { size } = await stat(path);
  return { name, size, open: (signal) => createReadStream(path, signal ? { signal } : {}) };
}
