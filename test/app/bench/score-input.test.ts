import { describe, expect, it } from 'vitest';
import { scoreFile } from '../../../src/app/bench/score-file.ts';
import { benchDeps, fileOf, neverAborted } from './bench-support.ts';

const score = (bytes: Uint8Array, normalize = true) =>
  scoreFile(
    benchDeps(),
    { file: fileOf('frutas.csv', bytes), normalize },
    { signal: neverAborted, onProgress: () => {} },
  );

// Two labels that differ only by an accent (pêra/péra), two right, one plainly wrong: 2 of 4 are right.
// Read as UTF-8, ê and é both become U+FFFD and the first row counted as right: 75 %.
const rows = 'expected,prediction\npêra,péra\ncafé,café\nmaçã,maçã\nuva,pêra\n';

describe('scoreFile reads the encoding people save in', () => {
  it.each([true, false])(
    'a Windows-1252 file scores one half, not three quarters (normalize: %s)',
    async (normalize) => {
      const result = await score(Buffer.from(rows, 'latin1'), normalize);
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.metrics).toMatchObject({ total: 4, scored: 4, correct: 2, accuracy: 0.5 });
      expect(result.value.metrics.classes?.map((c) => c.label).sort()).toEqual(['café', 'maçã', 'péra', 'pêra', 'uva']);
      expect(result.value.format).toBe('CSV (comma, Windows-1252)');
    },
  );

  it('the same file in UTF-8, UTF-8 with BOM and UTF-16 scores the same and names its encoding', async () => {
    const utf8 = Buffer.from(rows, 'utf8');
    for (const [bytes, name] of [
      [utf8, 'UTF-8'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), 'UTF-8 with BOM'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rows, 'utf16le')]), 'UTF-16LE'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(rows, 'utf16le').swap16()]), 'UTF-16BE'],
    ] as const) {
      const result = await score(bytes);
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.metrics.accuracy).toBe(0.5);
      expect(result.value.format).toBe(`CSV (comma, ${name})`);
    }
  });

  it('a Portuguese file saved by Excel (Windows-1252, semicolons) needs no column options', async () => {
    const lines = ['frase;esperado;previsto'];
    for (let i = 0; i < 30; i++) {
      const label = i % 2 === 0 ? 'não' : 'sim';
      lines.push(`Avaliação nº ${i};${label};${i % 5 === 0 ? 'nao' : label}`);
    }
    const result = await score(Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'), false);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.columns).toEqual({ expected: 'esperado', prediction: 'previsto' });
    expect(result.value.metrics).toMatchObject({ total: 30, correct: 24 });
    expect(result.value.format).toBe('CSV (semicolon, Windows-1252)');
  });

  it('asks for both columns in one message when it cannot tell them apart', async () => {
    const result = await score(Buffer.from('a,b\nx,x\ny,y\n'));
    expect(!result.ok && result.error.message).toContain('the expected values and the predictions');
    expect(!result.ok && result.error.message).toContain('1. “a”, 2. “b”');
  });
});
