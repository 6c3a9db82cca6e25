import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fitFiles } from '../../../adapters/discord/fit-files.ts';
import { embedChars, LIMITS, renderReply } from '../../../adapters/discord/render-reply.ts';
import type { OutFile, Reply } from '../../../src/chat/reply.ts';

const KB = 1024;
const encoder = new TextEncoder();

/** A CSV that gzip cannot shrink much: random hex cells. */
function randomCsv(rows: number): OutFile {
  const lines = ['id,value'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${randomBytes(24).toString('hex')}`);
  return { name: 'results.csv', contentType: 'text/csv', data: encoder.encode(`${lines.join('\n')}\n`) };
}

const text = (f: OutFile) => new TextDecoder().decode(f.data);

describe('fitFiles', () => {
  it('leaves files within the limit alone', () => {
    const small = randomCsv(10);
    expect(fitFiles([small], 10 * 1024 * KB)).toEqual({ files: [small], notes: [] });
  });

  it('compresses a file over the limit when that is enough, and says so', () => {
    const big: OutFile = {
      name: 'results.csv',
      contentType: 'text/csv',
      data: encoder.encode(`a,b\n${'same,row\n'.repeat(40_000)}`),
    };
    const { files, notes } = fitFiles([big], 128 * KB);
    expect(files.map((f) => f.name)).toEqual(['results.csv.gz']);
    expect(gunzipSync(files[0]?.data ?? new Uint8Array())).toEqual(Buffer.from(big.data));
    expect(notes[0]).toMatch(/results\.csv \(0\.\d MB\) is over the upload limit here: sent compressed/);
  });

  it('splits text that does not compress enough into parts that each fit and repeat the header, losing no row', () => {
    const csv = randomCsv(8000); // ~470 KB
    const maxBytes = 200 * KB;
    const { files, notes } = fitFiles([csv], maxBytes);
    expect(files.length).toBeGreaterThan(1);
    for (const part of files) {
      expect(part.data.byteLength).toBeLessThanOrEqual(maxBytes);
      expect(text(part).startsWith('id,value\n')).toBe(true);
    }
    const rows = files.flatMap((f) => text(f).split('\n').slice(1).filter(Boolean));
    expect(rows).toEqual(text(csv).split('\n').slice(1).filter(Boolean));
    expect(files.map((f) => f.name)).toEqual(files.map((_, i) => `results-part${i + 1}.csv`));
    expect(notes).toEqual([expect.stringContaining(`split into ${files.length} parts`)]);
  });

  it('past 10 parts keeps the first ones and says how many rows were left out', () => {
    const csv = randomCsv(6000); // ~350 KB over a ~2 KB limit: far more than 10 parts
    const { files, notes } = fitFiles([csv], 66 * KB);
    expect(files).toHaveLength(10);
    expect(notes[0]).toMatch(/the first [\d,]+ of 6,000 rows are attached in 10 parts; the rest was left out/);
  });

  it('leaves out a binary file that cannot fit, with a note', () => {
    const png: OutFile = { name: 'chart.png', contentType: 'image/png', data: randomBytes(300 * KB) };
    const { files, notes } = fitFiles([png], 128 * KB);
    expect(files).toEqual([]);
    expect(notes[0]).toMatch(/chart\.png .* was left out/);
  });
});

describe('renderReply within Discord limits', () => {
  it('counts image embed titles toward the 6000 characters (the 6004-character /bench reply)', () => {
    const parts = [
      { kind: 'text' as const, title: 'Summary', text: 'x'.repeat(4000) },
      { kind: 'text' as const, title: 'Per class', text: 'y'.repeat(1980) },
    ];
    const reply: Reply = {
      kind: 'composite',
      parts,
      files: [
        {
          name: 'chart.png',
          contentType: 'image/png',
          data: new Uint8Array([1]),
          description: 'Confusion matrix of the predictions',
        },
      ],
    };
    const out = renderReply(reply);
    for (const message of out) {
      const embeds = message.embeds ?? [];
      expect(embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(LIMITS.embedCharsPerMessage);
      expect(embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
    }
    // The chart is still attached and shown.
    expect(out.at(-1)?.files?.map((f) => f.name)).toEqual(['chart.png']);
    expect(out.at(-1)?.embeds?.at(-1)?.image).toEqual({ url: 'attachment://chart.png' });
  });

  it('clips titles to 256 characters, image titles included', () => {
    const long = 'T'.repeat(400);
    const out = renderReply({
      kind: 'composite',
      parts: [{ kind: 'text', title: long, text: 'body' }],
      files: [{ name: 'c.png', contentType: 'image/png', data: new Uint8Array([1]), description: long }],
    });
    for (const e of out.flatMap((m) => m.embeds ?? [])) expect(e.title?.length ?? 0).toBeLessThanOrEqual(256);
  });

  it('spreads files over messages within the upload limit and says what was changed to fit', () => {
    const csv = randomCsv(8000);
    const out = renderReply(
      { kind: 'composite', parts: [{ kind: 'text', title: 'Done', text: 'ok' }], files: [csv] },
      { maxUploadBytes: 200 * KB },
    );
    for (const message of out) {
      const bytes = (message.files ?? []).reduce((n, f) => n + f.attachment.byteLength, 0);
      expect(bytes).toBeLessThanOrEqual(200 * KB);
    }
    expect(out.flatMap((m) => m.files ?? []).length).toBeGreaterThan(1);
    expect(out.find((m) => m.files)?.content).toMatch(/results\.csv .* split into \d+ parts/);
  });
});
