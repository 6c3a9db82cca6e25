import type { S3Client } from '@aws-sdk/client-s3';
import type { KbChunk } from '../../src/domain/knowledge/types.ts';
import { S3Objects } from './s3-objects.ts';

/** Requests in flight at once for one document's objects. */
const PARALLEL = 8;

/**
 * A knowledge document's chunks as S3 objects for a Bedrock Knowledge Base data source with chunking NONE: one
 * object per chunk under `<prefix><document>/`, each with the `<key>.metadata.json` beside it that Bedrock reads
 * (`metadataAttributes` source and section), so Retrieve's citations read as in local mode.
 */
export class KbObjects {
  /** Outside the data source's prefix: `<manifest>/<document>/<hash>`, written once a document's upload is complete. */
  static readonly MANIFEST = 'manifest/';

  readonly #objects: S3Objects;
  readonly #prefix: string;

  constructor(s3: S3Client, bucket: string, prefix: string) {
    this.#objects = new S3Objects(s3, bucket);
    this.#prefix = prefix;
  }

  /** The folder of a document's objects (names are encoded: any name is one safe path segment). */
  folderOf(name: string): string {
    return `${this.#prefix}${encodeURIComponent(name)}/`;
  }

  /** What is in S3, by its manifest: document name -> content hash. */
  async uploaded(signal?: AbortSignal): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const key of await this.#keys(KbObjects.MANIFEST, signal)) {
      const [name, hash] = key.slice(KbObjects.MANIFEST.length).split('/');
      if (name && hash) found.set(decodeURIComponent(name), hash);
    }
    return found;
  }

  /** Uploads the chunks, then (last) the manifest entry that says the document is complete. */
  async upload(name: string, hash: string, chunks: readonly KbChunk[], signal?: AbortSignal): Promise<void> {
    await this.#uploadChunks(name, chunks, signal);
    await this.#objects.put(`${this.#manifestOf(name)}${hash}`, hash, 'text/plain; charset=utf-8', signal);
  }

  #manifestOf(name: string): string {
    return `${KbObjects.MANIFEST}${encodeURIComponent(name)}/`;
  }

  async #uploadChunks(name: string, chunks: readonly KbChunk[], signal?: AbortSignal): Promise<void> {
    const folder = this.folderOf(name);
    const puts = chunks.flatMap((chunk, i) => {
      const key = `${folder}${String(i).padStart(4, '0')}.md`;
      const metadata = { metadataAttributes: { source: chunk.source, section: chunk.section } };
      return [
        { key, body: chunk.text, contentType: 'text/markdown; charset=utf-8' },
        { key: `${key}.metadata.json`, body: JSON.stringify(metadata), contentType: 'application/json' },
      ];
    });
    await inBatches(puts, (p) => this.#objects.put(p.key, p.body, p.contentType, signal));
  }

  /** Deletes every object of the document, its manifest entry last; answers how many there were. */
  async remove(name: string, signal?: AbortSignal): Promise<number> {
    const chunks = await this.#keys(this.folderOf(name), signal);
    await this.#delete(chunks, signal);
    const manifest = await this.#keys(this.#manifestOf(name), signal);
    await this.#delete(manifest, signal);
    return chunks.length;
  }

  async #delete(keys: readonly string[], signal?: AbortSignal): Promise<void> {
    await inBatches(keys, (key) => this.#objects.delete(key, signal));
  }

  #keys(prefix: string, signal?: AbortSignal): Promise<string[]> {
    return this.#objects.list(prefix, signal);
  }
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(run));
}
