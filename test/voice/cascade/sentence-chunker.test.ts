import { describe, expect, it } from 'vitest';
import { SentenceChunker } from '../../../src/voice/cascade/sentence-chunker.ts';

describe('SentenceChunker', () => {
  it('emits sentences as soon as they end, across deltas', () => {
    const chunker = new SentenceChunker();
    expect(chunker.push('Hello the')).toEqual([]);
    expect(chunker.push('re! How are')).toEqual(['Hello there!']);
    expect(chunker.push(' you? Fine')).toEqual(['How are you?']);
    expect(chunker.flush()).toBe('Fine');
  });

  it('does not cut decimals and cuts very long runs at a comma', () => {
    const chunker = new SentenceChunker(40);
    expect(chunker.push('It costs 3.50 euros')).toEqual([]);
    const long = chunker.push(', which is cheap, and it arrives tomorrow morning by bike');
    expect(long[0]).toBe('It costs 3.50 euros, which is cheap,');
  });
});
