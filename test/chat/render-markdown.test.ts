import { describe, expect, it } from 'vitest';
import { renderMarkdown, splitMessage, tableAsCodeBlock } from '../../src/chat/render-markdown.ts';

describe('splitMessage', () => {
  it('keeps every chunk under the limit and loses no text', () => {
    const text = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const chunks = splitMessage(text, 200);
    expect(chunks.every((c) => c.length <= 200)).toBe(true);
    expect(chunks.join(' ').replace(/\s+/g, ' ')).toBe(text);
  });

  it('closes and reopens code fences across chunks', () => {
    const code = `\`\`\`ts\n${Array.from({ length: 60 }, (_, i) => `const v${i} = ${i};`).join('\n')}\n\`\`\``;
    const chunks = splitMessage(code, 300);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(300);
      expect((chunk.match(/```/g) ?? []).length % 2).toBe(0);
    }
  });
});

describe('renderMarkdown', () => {
  it('pads table columns', () => {
    expect(tableAsCodeBlock({ columns: ['a', 'bb'], rows: [['xxx', 'y']] })).toBe('```\na    bb\n---  --\nxxx  y\n```');
  });

  it('shows the reference of unexpected errors', () => {
    const md = renderMarkdown({ kind: 'error', code: 'internal', message: 'Oops', correlationId: 'abc123' });
    expect(md).toContain('abc123');
  });
});
