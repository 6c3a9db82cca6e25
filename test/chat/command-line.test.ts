import { describe, expect, it } from 'vitest';
import { adversarialLines } from '../../bench/tokenizer-inputs.ts';
import { closestName, parseArgs, quoteValue, tokenize } from '../../src/chat/command-line.js';

const order = [
  { name: 'product', type: 'string' },
  { name: 'quantity', type: 'integer' },
  { name: 'address', type: 'string' },
  { name: 'payment', type: 'string' },
  { name: 'note', type: 'string' },
];
const ask = [
  { name: 'prompt', type: 'string' },
  { name: 'model', type: 'string' },
  { name: 'compare', type: 'string' },
];

describe('tokenize', () => {
  it('splits on spaces and reads names, quotes and escapes', () => {
    const { tokens, unclosedQuoteAt } = tokenize(' product:margherita  address:"1000 Old \\"town\\" 5" x\\y ');
    expect(unclosedQuoteAt).toBe(-1);
    expect(tokens.map((t) => [t.name, t.value])).toEqual([
      ['product', 'margherita'],
      ['address', '1000 Old "town" 5'],
      [undefined, 'x\\y'],
    ]);
    expect(tokens[1]).toMatchObject({ start: 21, valueStart: 29, quoted: true });
  });

  it('keeps URLs, times and mid-word quotes as text', () => {
    const { tokens } = tokenize('https://example.com/a:b?q="x" 10:30 5"-nails');
    expect(tokens.map((t) => [t.name, t.value])).toEqual([
      [undefined, 'https://example.com/a:b?q="x"'],
      [undefined, '10:30'],
      [undefined, '5"-nails'],
    ]);
  });

  it('reads a URL after prompt: as the value', () => {
    const { tokens } = tokenize('prompt:https://example.com/x?a=1&b=2');
    expect(tokens).toEqual([
      { start: 0, end: 36, name: 'prompt', valueStart: 7, value: 'https://example.com/x?a=1&b=2', quoted: false },
    ]);
  });

  it('accepts typographic quotes', () => {
    expect(tokenize('address:“1000 Old town”').tokens[0]?.value).toBe('1000 Old town');
  });

  it('runs an unclosed quote to the end of the line and says where it opened', () => {
    const { tokens, unclosedQuoteAt } = tokenize('quantity:2 address:"1000 Old town 5 payment:tok_ok');
    expect(unclosedQuoteAt).toBe(19);
    expect(tokens.at(-1)).toMatchObject({ name: 'address', value: '1000 Old town 5 payment:tok_ok', end: 50 });
  });

  it('keeps a trailing backslash and other backslashes literally', () => {
    expect(tokenize('"C:\\new\\" x"').tokens.map((t) => t.value)).toEqual(['C:\\new" x']);
    expect(tokenize('a\\').tokens.map((t) => t.value)).toEqual(['a\\']);
    expect(tokenize('"ends with \\').unclosedQuoteAt).toBe(0);
  });

  it('never loses or reorders characters on random lines (token ranges tile the text)', () => {
    const alphabet = ['a', 'b', ':', '"', '\\', ' ', '“', '”', '/', '\t', 'é'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 500; round++) {
      const line = Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]).join('');
      const { tokens } = tokenize(line);
      let at = 0;
      for (const token of tokens) {
        expect(line.slice(at, token.start).trim()).toBe('');
        expect(token.end).toBeGreaterThan(token.start);
        at = token.end;
      }
      expect(line.slice(at).trim()).toBe('');
    }
  });

  it('tokenizes every adversarial line completely', () => {
    for (const { name, line } of adversarialLines()) {
      expect(line.length, name).toBeGreaterThanOrEqual(10_000);
      const { tokens, unclosedQuoteAt } = tokenize(line);
      const last = tokens.at(-1);
      if (last) expect(last.end, name).toBeLessThanOrEqual(line.length);
      expect(unclosedQuoteAt, name).toBeLessThan(line.length);
    }
  });
});

describe('parseArgs', () => {
  it("reads the README's /order example", () => {
    expect(parseArgs('order', order, 'product:margherita quantity:2 address:"1000 Old town 5" payment:tok_ok')).toEqual(
      {
        ok: true,
        values: { product: 'margherita', quantity: '2', address: '1000 Old town 5', payment: 'tok_ok' },
      },
    );
  });

  it('refuses a misspelled option and suggests the closest', () => {
    const parsed = parseArgs('order', order, 'product:margherita adress:"1000 Old town 5" payment:tok_ok');
    expect(parsed).toMatchObject({ ok: false, error: { code: 'input.unknown_option' } });
    if (!parsed.ok) {
      expect(parsed.error.message).toBe('/order has no option `adress` (did you mean `address`?).');
      expect(parsed.error.hint).toContain('Options: product, quantity, address, payment, note.');
    }
  });

  it('suggests quantity for qty and nothing for colour', () => {
    const qty = parseArgs('order', order, 'qty:3');
    expect(!qty.ok && qty.error.message).toContain('did you mean `quantity`?');
    const colour = parseArgs('order', order, 'colour:red');
    expect(!colour.ok && colour.error.message).toBe('/order has no option `colour`.');
  });

  it('names an unclosed quote and where it is', () => {
    const parsed = parseArgs('order', order, 'quantity:2 address:"1000 Old town 5 payment:tok_ok');
    expect(parsed).toMatchObject({ ok: false, error: { code: 'input.unclosed_quote' } });
    if (!parsed.ok)
      expect(parsed.error.message).toBe(
        'The quote at character 20 after /order (“1000 Old town 5 payment:tok_ok”) is never closed.',
      );
  });

  it('puts loose words, URLs and times into the first text option', () => {
    expect(parseArgs('ask', ask, 'model:nova-lite what is 10:30 at https://example.com/a:b')).toEqual({
      ok: true,
      values: { model: 'nova-lite', prompt: 'what is 10:30 at https://example.com/a:b' },
    });
  });

  it("reads the README's compare example", () => {
    expect(parseArgs('ask', ask, 'prompt:hello compare:nova-lite,claude-haiku-4-5')).toEqual({
      ok: true,
      values: { prompt: 'hello', compare: 'nova-lite,claude-haiku-4-5' },
    });
  });

  it('refuses an option given twice', () => {
    expect(parseArgs('ask', ask, 'model:a model:b hi')).toMatchObject({
      ok: false,
      error: { code: 'input.repeated_option' },
    });
  });

  it('answers every adversarial line with a value or an error, never a throw', () => {
    for (const { line } of adversarialLines()) {
      const parsed = parseArgs('ask', ask, line);
      expect(typeof parsed.ok).toBe('boolean');
    }
  });
});

describe('closestName', () => {
  it('prefers small edits, then prefixes, then abbreviations', () => {
    const names = order.map((o) => o.name);
    expect(closestName('adress', names)).toBe('address');
    expect(closestName('Product', names)).toBe('product');
    expect(closestName('pay', names)).toBe('payment');
    expect(closestName('qty', names)).toBe('quantity');
    expect(closestName('colour', names)).toBeUndefined();
    expect(closestName('x'.repeat(10_000), names)).toBeUndefined();
  });
});

describe('quoteValue', () => {
  it('quotes what needs it so the tokenizer reads it back', () => {
    for (const value of ['plain', '1000 Old town 5', 'say "hi"', 'back\\slash and space', '', '"lead', '“curly']) {
      const line = `address:${quoteValue(value)}`;
      expect(tokenize(line).tokens).toMatchObject([{ name: 'address', value }]);
    }
    expect(quoteValue('tok_ok')).toBe('tok_ok');
  });
});
