import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentTooLargeError, attachmentSource } from '../../../adapters/discord/attachment-source.ts';
import { mapOptions } from '../../../adapters/discord/map-options.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import type { FileSource } from '../../../src/ports/file-source.ts';
import { anAttachment } from './fakes.ts';

/** A loopback CDN: /file/<n> answers n bytes in several chunks; /missing answers 404. */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const n = Number(req.url?.match(/^\/file\/(\d+)/)?.[1] ?? Number.NaN);
    if (Number.isNaN(n)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv' });
    const chunk = Buffer.alloc(1024, 0x61);
    let left = n;
    while (left > 0) {
      res.write(chunk.subarray(0, Math.min(left, chunk.length)));
      left -= chunk.length;
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function readAll(source: FileSource): Promise<number> {
  let total = 0;
  for await (const chunk of source.open()) total += chunk.byteLength;
  return total;
}

describe('attachmentSource', () => {
  it('streams the CDN file', async () => {
    const source = attachmentSource(anAttachment({ url: `${base}/file/5000`, size: 5000 }), 10_000);
    expect(source).toMatchObject({ name: 'data.csv', size: 5000, contentType: 'text/csv' });
    expect(await readAll(source)).toBe(5000);
    // A fresh stream each time.
    expect(await readAll(source)).toBe(5000);
  });

  it('stops past the limit even when the announced size was small', async () => {
    const source = attachmentSource(anAttachment({ url: `${base}/file/50000`, size: 10 }), 8000);
    await expect(readAll(source)).rejects.toThrow(AttachmentTooLargeError);
  });

  it('says which file failed to download', async () => {
    const source = attachmentSource(anAttachment({ url: `${base}/missing`, name: 'x.csv' }), 8000);
    await expect(readAll(source)).rejects.toThrow(/Downloading x.csv from Discord failed: HTTP 404/);
  });
});

describe('mapOptions', () => {
  const command = defineCommand({
    name: 'bench',
    description: 'Bench',
    visibility: 'public',
    options: {
      file: { type: 'attachment', description: 'f' },
      rows: { type: 'integer', description: 'r', required: false },
      note: { type: 'string', description: 'n', required: false },
      dry: { type: 'boolean', description: 'd', required: false },
    },
    run: async () => text('ok'),
  });
  const get = (values: Record<string, object>) => ({ get: (name: string) => values[name] ?? null });

  it('maps values and attachments, leaving absent options out', () => {
    const mapped = mapOptions(
      command,
      get({ file: { attachment: anAttachment() }, rows: { value: 3 }, dry: { value: false } }),
      1000,
    );
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.value.rows).toBe(3);
    expect(mapped.value.dry).toBe(false);
    expect(mapped.value).not.toHaveProperty('note');
    expect((mapped.value.file as FileSource).name).toBe('data.csv');
  });

  it('refuses an attachment announced above the limit before the command runs', () => {
    const mapped = mapOptions(
      command,
      get({ file: { attachment: anAttachment({ size: 30 * 1024 * 1024 }) } }),
      1024 * 1024,
    );
    expect(mapped).toMatchObject({ ok: false, error: { code: 'input.file_too_large' } });
    if (!mapped.ok) expect(mapped.error.message).toBe('`data.csv` is 30.0 MiB; the limit is 1.0 MiB.');
  });

  it('accepts what the configured limit allows, above Discord’s old 25 MiB default (BENCH_MAX_BYTES is the limit)', () => {
    const mapped = mapOptions(
      command,
      get({ file: { attachment: anAttachment({ size: 30 * 1024 * 1024 }) } }),
      100 * 1024 * 1024,
    );
    expect(mapped.ok).toBe(true);
  });
});
