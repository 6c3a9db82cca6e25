import { describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/chat/command.ts';
import { text } from '../../src/chat/reply.ts';
import { parseTextArgs, usage } from '../../src/chat/text-args.ts';

const ask = defineCommand({
  name: 'ask',
  description: 'Ask a model',
  visibility: 'public',
  options: {
    prompt: { type: 'string', description: 'What to ask' },
    model: { type: 'string', description: 'Model', required: false },
    tokens: { type: 'integer', description: 'Max tokens', required: false },
  },
  run: async () => text('ok'),
});

describe('parseTextArgs', () => {
  it('puts loose words into the first string option', () => {
    expect(parseTextArgs(ask, 'why is the sky blue')).toEqual({ ok: true, value: { prompt: 'why is the sky blue' } });
  });

  it('reads name:value and quoted values', () => {
    const parsed = parseTextArgs(ask, 'model:nova-lite prompt:"hello there: friend" tokens:12');
    expect(parsed).toEqual({ ok: true, value: { model: 'nova-lite', prompt: 'hello there: friend', tokens: '12' } });
  });

  it('keeps colons inside loose text that are not option names', () => {
    const parsed = parseTextArgs(ask, 'model:nova-lite what is 10:30 in words');
    expect(parsed).toEqual({ ok: true, value: { model: 'nova-lite', prompt: 'what is 10:30 in words' } });
  });

  it('refuses an option given twice, with the usage line', () => {
    const parsed = parseTextArgs(ask, 'model:a model:b hi');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('input.repeated_option');
      expect(parsed.error.hint).toBe(`Give each option once.\n\`${usage(ask)}\``);
    }
  });

  it('writes a usage line with optional options in brackets', () => {
    expect(usage(ask)).toBe('Usage: /ask prompt:<string> [model:<string>] [tokens:<integer>]');
  });
});
