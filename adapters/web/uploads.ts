import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileSource } from '../../src/ports/file-source.ts';

interface StoredUpload {
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly contentType?: string;
  readonly createdAt: number;
}

export class UploadTooLargeError extends Error {
  readonly code = 'upload.too_large';
}

/**
 * Files uploaded over HTTP for commands with attachment options (/bench). Bodies stream to a private temp
 * folder (never held whole in memory); a command gets a FileSource that re-reads the file on each `open`.
 * Old uploads expire so a long-running playground does not fill the disk.
 */
export class UploadStore {
  readonly #maxBytes: number;
  readonly #ttlMs: number;
  readonly #maxCount: number;
  readonly #uploads = new Map<string, StoredUpload>();
  #dir: Promise<string> | undefined;

  constructor(options: { maxBytes: number; ttlMs?: number; maxCount?: number }) {
    this.#maxBytes = options.maxBytes;
    this.#ttlMs = options.ttlMs ?? 60 * 60_000;
    this.#maxCount = options.maxCount ?? 200;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** Streams `body` to disk; rejects with UploadTooLargeError past the limit (the partial file is removed). */
  async save(body: Readable, meta: { name: string; contentType?: string }): Promise<{ id: string; size: number }> {
    await this.#expire();
    const id = randomUUID();
    const path = join(await this.#directory(), id);
    let size = 0;
    const limit = this.#maxBytes;
    try {
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > limit) throw new UploadTooLargeError(`The file is larger than ${limit} bytes.`);
            yield chunk;
          }
        },
        createWriteStream(path),
      );
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    this.#uploads.set(id, {
      path,
      name: meta.name,
      size,
      ...(meta.contentType === undefined ? {} : { contentType: meta.contentType }),
      createdAt: Date.now(),
    });
    return { id, size };
  }

  /** The upload as a FileSource, or undefined when the id is unknown or expired. */
  file(id: string): FileSource | undefined {
    const upload = this.#uploads.get(id);
    if (!upload) return undefined;
    return {
      name: upload.name,
      size: upload.size,
      ...(upload.contentType === undefined ? {} : { contentType: upload.contentType }),
      open: (signal?: AbortSignal) => createReadStream(upload.path, signal ? { signal } : {}),
    };
  }

  async close(): Promise<void> {
    this.#uploads.clear();
    const dir = this.#dir;
    this.#dir = undefined;
    if (dir) await rm(await dir, { recursive: true, force: true });
  }

  #directory(): Promise<string> {
    this.#dir ??= mkdtemp(join(tmpdir(), 'sonicord-uploads-'));
    return this.#dir;
  }

  async #expire(): Promise<void> {
    const now = Date.now();
    const entries = [...this.#uploads.entries()];
    const excess = Math.max(0, entries.length - this.#maxCount + 1);
    for (const [index, [id, upload]] of entries.entries()) {
      if (index < excess || now - upload.createdAt > this.#ttlMs) {
        this.#uploads.delete(id);
        await rm(upload.path, { force: true });
      }
    }
  }
}
