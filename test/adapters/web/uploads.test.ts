import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadStore, UploadTooLargeError } from '../../../adapters/web/uploads.ts';

const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
const opened = (store: UploadStore, id: string) => {
  const file = store.file(id);
  if (!file) throw new Error(`upload ${id} is gone`);
  return file.open();
};
const read = async (stream: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString();
};

describe('UploadStore', () => {
  let store: UploadStore;
  afterEach(async () => {
    await store.close();
  });

  it('streams a body to disk and opens it again as often as a command wants', async () => {
    store = new UploadStore({ maxBytes: 100 });
    const { id, size } = await store.save(body('a,b\n', '1,2\n'), { name: 'x.csv', contentType: 'text/csv' });
    expect(size).toBe(8);
    const file = store.file(id);
    expect(file).toMatchObject({ name: 'x.csv', size: 8, contentType: 'text/csv' });
    expect(await read(opened(store, id))).toBe('a,b\n1,2\n');
    expect(await read(opened(store, id))).toBe('a,b\n1,2\n');
  });

  it('rejects a body past the limit and keeps nothing of it', async () => {
    store = new UploadStore({ maxBytes: 5 });
    await expect(store.save(body('123', '456'), { name: 'big.csv' })).rejects.toBeInstanceOf(UploadTooLargeError);
    const { id } = await store.save(body('12345'), { name: 'ok.csv' });
    expect(store.file(id)?.size).toBe(5);
  });

  it('forgets the oldest uploads past the count limit, and everything on close', async () => {
    store = new UploadStore({ maxBytes: 10, maxCount: 2 });
    const first = await store.save(body('1'), { name: 'a.csv' });
    const second = await store.save(body('2'), { name: 'b.csv' });
    const third = await store.save(body('3'), { name: 'c.csv' });
    expect(store.file(first.id)).toBeUndefined();
    expect(await read(opened(store, second.id))).toBe('2');
    // The FileSource is an fs.ReadStream: its path says where the upload lives on disk.
    const stream = opened(store, third.id) as unknown as { path: string; destroy(): void };
    const path = stream.path;
    stream.destroy();
    expect(existsSync(path)).toBe(true);
    await store.close();
    expect(existsSync(path)).toBe(false);
    expect(store.file(third.id)).toBeUndefined();
  });
});
