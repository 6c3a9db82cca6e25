import { describe, expect, it } from 'vitest';
import {
  MAX_MESSAGES,
  MAX_TOTAL_BYTES,
  shapeHistory,
  splitBytes,
} from '../../../../adapters/bedrock/nova-sonic/history.ts';
import type { VoiceTurn } from '../../../../src/ports/voice-model.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('shapeHistory (Nova Sonic chat-history limits)', () => {
  it('merges consecutive same-role turns and starts with the user', () => {
    const history: VoiceTurn[] = [
      { role: 'assistant', text: 'Welcome!' },
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: 'Hello.' },
      { role: 'assistant', text: 'How can I help?' },
      { role: 'user', text: '  ' },
    ];
    expect(shapeHistory(history)).toEqual([
      { role: 'USER', parts: ['hi'] },
      { role: 'ASSISTANT', parts: ['Hello. How can I help?'] },
    ]);
  });

  it('caps each message at 1 KB of UTF-8, keeping its most recent words', () => {
    const long = `${'héllo wörld '.repeat(300)}the end`;
    const [turn] = shapeHistory([{ role: 'user', text: long }]);
    expect(turn?.parts).toHaveLength(1);
    const part = turn?.parts[0] ?? '';
    expect(bytes(part)).toBeLessThanOrEqual(1_000);
    expect(bytes(part)).toBeGreaterThan(980);
    expect(part.startsWith('… ')).toBe(true);
    expect(part.endsWith('wörld the end')).toBe(true);
    // Text sent mid-stream is split instead, never cutting a character.
    expect(splitBytes('€'.repeat(10), 7).every((p) => bytes(p) <= 7)).toBe(true);
  });

  it('merges before capping, so a long answer in several sentences is one message', () => {
    const sentences = Array.from({ length: 60 }, (_, i) => ({ role: 'assistant' as const, text: `Sentence ${i}.` }));
    const shaped = shapeHistory([{ role: 'user', text: 'tell me everything' }, ...sentences]);
    expect(shaped.map((t) => t.role)).toEqual(['USER', 'ASSISTANT']);
    expect(shaped[1]?.parts[0]).toMatch(/Sentence 59\.$/);
  });

  it('keeps the most recent turns: at most 40 messages of at most 1 KB, 40 KB in all', () => {
    const many: VoiceTurn[] = Array.from({ length: 100 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      text: `${'x'.repeat(1_500)} turn ${i}`,
    }));
    const shaped = shapeHistory(many);
    expect(shaped.length).toBeLessThanOrEqual(MAX_MESSAGES);
    const total = shaped.flatMap((t) => t.parts).reduce((n, p) => n + bytes(p), 0);
    expect(total).toBeLessThanOrEqual(MAX_TOTAL_BYTES);
    expect(shaped[0]?.role).toBe('USER');
    expect(shaped.every((t) => t.parts.length === 1 && bytes(t.parts[0] ?? '') <= 1_000)).toBe(true);
    expect(shaped.at(-1)?.parts[0]).toMatch(/ turn 99$/);
  });
});
