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

  it('splits long turns into textInputs of at most 1 KB, on UTF-8 byte counts', () => {
    const long = 'héllo wörld '.repeat(300);
    const [turn] = shapeHistory([{ role: 'user', text: long }]);
    expect(turn?.parts.length).toBeGreaterThan(3);
    expect(turn?.parts.every((p) => bytes(p) <= 1_000)).toBe(true);
    expect(turn?.parts.join(' ').replace(/\s+/g, ' ')).toBe(long.trim().replace(/\s+/g, ' '));
    expect(splitBytes('€'.repeat(10), 7).every((p) => bytes(p) <= 7)).toBe(true);
  });

  it('keeps the most recent turns within 40 messages and 40 KB', () => {
    const many: VoiceTurn[] = Array.from({ length: 100 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      text: `turn ${i} ${'x'.repeat(1_500)}`,
    }));
    const shaped = shapeHistory(many);
    expect(shaped.length).toBeLessThanOrEqual(MAX_MESSAGES);
    const total = shaped.flatMap((t) => t.parts).reduce((n, p) => n + bytes(p), 0);
    expect(total).toBeLessThanOrEqual(MAX_TOTAL_BYTES);
    expect(shaped[0]?.role).toBe('USER');
    expect(shaped.at(-1)?.parts[0]).toMatch(/^turn 99 /);
  });
});
