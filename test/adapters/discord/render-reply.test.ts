import { describe, expect, it } from 'vitest';
import { COLORS, LIMITS, renderProgress, renderReply } from '../../../adapters/discord/render-reply.ts';
import type { Reply } from '../../../src/chat/reply.ts';

describe('renderReply', () => {
  it('sends short plain text as content', () => {
    expect(renderReply({ kind: 'text', text: 'hello' })).toEqual([{ content: 'hello' }]);
  });

  it('splits long plain text at 2000 characters into several messages', () => {
    const long = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const out = renderReply({ kind: 'text', text: long });
    expect(out.length).toBeGreaterThan(1);
    for (const m of out) expect(m.content?.length ?? 0).toBeLessThanOrEqual(LIMITS.content);
    expect(out.map((m) => m.content).join('')).toBe(long);
  });

  it('renders titled text as an embed with title and footer', () => {
    const [m] = renderReply({ kind: 'text', title: 'Answer', text: 'body', footer: 'nova-lite · 12 tokens' });
    expect(m?.embeds).toEqual([
      { color: COLORS.text, title: 'Answer', description: 'body', footer: { text: 'nova-lite · 12 tokens' } },
    ]);
  });

  it('renders a long table as monospace embeds within the per-message limits', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [`row ${i}`, String(i * 3)]);
    const out = renderReply({ kind: 'table', title: 'Scores', columns: ['name', 'score'], rows, footer: 'f' });
    const embeds = out.flatMap((m) => m.embeds ?? []);
    expect(embeds.length).toBeGreaterThan(1);
    expect(embeds[0]?.title).toBe('Scores');
    expect(embeds.at(-1)?.footer?.text).toBe('f');
    for (const e of embeds) {
      expect(e.description?.startsWith('```')).toBe(true);
      expect(e.description?.trimEnd().endsWith('```')).toBe(true);
      expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedDescription);
    }
    for (const m of out) {
      const chars = (m.embeds ?? []).reduce((n, e) => n + (e.description?.length ?? 0) + (e.title?.length ?? 0), 0);
      expect(chars).toBeLessThanOrEqual(LIMITS.embedCharsPerMessage);
    }
  });

  it('renders errors as a red embed with hint and reference', () => {
    const [m] = renderReply({
      kind: 'error',
      code: 'internal',
      message: 'Broke',
      hint: 'Retry',
      correlationId: 'ab12cd34',
    });
    expect(m?.embeds?.[0]?.color).toBe(COLORS.error);
    expect(m?.embeds?.[0]?.description).toBe('**⚠️ Broke**\nRetry\nReference: `ab12cd34`');
  });

  it('renders composites as several embeds (at most 10 per message) with files, PNGs shown inline', () => {
    const parts = Array.from({ length: 12 }, (_, i) => ({
      kind: 'text' as const,
      title: `Model ${i}`,
      text: 'answer',
    }));
    const reply: Reply = {
      kind: 'composite',
      parts,
      files: [
        { name: 'chart 1.png', contentType: 'image/png', data: new Uint8Array([1, 2, 3]), description: 'Chart' },
        { name: 'results.csv', contentType: 'text/csv', data: new TextEncoder().encode('a,b\n') },
      ],
    };
    const out = renderReply(reply);
    expect(out).toHaveLength(2);
    expect(out[0]?.embeds).toHaveLength(10);
    expect(out[0]?.files).toBeUndefined();
    const last = out[1];
    expect(last?.files?.map((f) => f.name)).toEqual(['chart_1.png', 'results.csv']);
    expect(last?.files?.[0]?.attachment).toEqual(Buffer.from([1, 2, 3]));
    expect(last?.embeds?.at(-1)).toEqual({ image: { url: 'attachment://chart_1.png' }, title: 'Chart' });
  });

  it('shows the latest part of a long answer as progress, without files', () => {
    const long = `${'a'.repeat(1990)} ${'b'.repeat(100)}`;
    expect(renderProgress({ kind: 'text', text: long })).toEqual({ content: 'b'.repeat(100) });
  });
});
