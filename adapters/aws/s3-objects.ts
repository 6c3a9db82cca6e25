import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';

/** S3's own ceiling for one PutObject (5 GiB); anything larger needs a multipart upload, which this helper refuses. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

/**
 * The few S3 object operations /bench batch runs and the knowledge base's uploads need, on one bucket: put a file,
 * list a folder, delete an object, read an object whole or line by line (streamed: a 200 MB `.jsonl.out` never sits
 * in memory as one string).
 */
export class S3Objects {
  readonly #client: S3Client;
  readonly bucket: string;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.bucket = bucket;
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async put(key: string, body: string | Uint8Array, contentType: string, signal?: AbortSignal): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (bytes > MAX_PUT_BYTES) throw new RangeError(`${key} is ${bytes} bytes, over S3's single-upload limit`);
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
      signal ? { abortSignal: signal } : {},
    );
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.#client.send(
      new DeleteObjectCommand({ Bucket: this.bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
  }

  /** Every key under `prefix`, following continuation tokens. */
  async list(prefix: string, signal?: AbortSignal): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateListObjectsV2({ client: this.#client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      signal?.throwIfAborted();
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
    }
    return keys;
  }

  async text(key: string, signal?: AbortSignal): Promise<string> {
    const out = await this.#client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    return out.Body ? await out.Body.transformToString('utf8') : '';
  }

  /** The object's lines, streamed; blank lines skipped. */
  async *lines(key: string, signal?: AbortSignal): AsyncIterable<string> {
    const out = await this.#client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    const body = out.Body;
    if (!body) return;
    const stream = body instanceof Readable ? body : Readable.from(await body.transformToByteArray());
    const reader = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of reader) {
        if (line.trim() !== '') yield line;
      }
    } finally {
      reader.close();
      stream.destroy();
    }
  }
}
