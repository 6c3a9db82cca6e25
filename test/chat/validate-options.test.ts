import { describe, expect, it } from 'vitest';
import type { OptionSpecs } from '../../src/chat/options.ts';
import { validateOptions } from '../../src/chat/validate-options.ts';
import type { FileSource } from '../../src/ports/file-source.ts';

const specs = {
  prompt: { type: 'string', description: 'What to ask', maxLength: 10 },
  count: { type: 'integer', description: 'How many', min: 1, max: 5, required: false },
  loud: { type: 'boolean', description: 'Shout', required: false },
  color: { type: 'string', description: 'Color', required: false, choices: [{ name: 'Red', value: 'red' }] },
  file: { type: 'attachment', description: 'Data', required: false, extensions: ['csv'] },
} as const satisfies OptionSpecs;

const aFile = (name: string): FileSource => ({
  name,
  size: 3,
  async *open() {
    yield new Uint8Array([1, 2, 3]);
  },
});

const codeOf = (raw: Parameters<typeof validateOptions>[1]) => {
  const result = validateOptions(specs, raw);
  return result.ok ? 'ok' : result.error.code;
};

describe('validateOptions', () => {
  it('returns typed values, converting text from free-text surfaces', () => {
    const result = validateOptions(specs, { prompt: ' hi ', count: '3', loud: 'yes', color: 'red' });
    expect(result).toEqual({ ok: true, value: { prompt: 'hi', count: 3, loud: true, color: 'red' } });
  });

  it('names each kind of bad input with a stable code', () => {
    expect(codeOf({})).toBe('input.missing_option');
    expect(codeOf({ prompt: 'x'.repeat(11) })).toBe('input.too_long');
    expect(codeOf({ prompt: 'hi', count: 9 })).toBe('input.out_of_range');
    expect(codeOf({ prompt: 'hi', count: '2.5' })).toBe('input.wrong_type');
    expect(codeOf({ prompt: 'hi', loud: 'maybe' })).toBe('input.wrong_type');
    expect(codeOf({ prompt: 'hi', color: 'blue' })).toBe('input.not_a_choice');
    expect(codeOf({ prompt: 'hi', file: aFile('data.xlsx') })).toBe('input.bad_file_type');
    expect(codeOf({ prompt: 'hi', file: aFile('DATA.CSV') })).toBe('ok');
  });

  it('says how to fix a missing option', () => {
    const result = validateOptions(specs, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.hint).toContain('What to ask');
  });
});
