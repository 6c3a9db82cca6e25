/**
 * Adversarial command lines of 10,000 characters (and a little more) for the command-line grammar: the patterns
 * that made the old backtracking regex freeze the playground tab, and the README's own examples repeated.
 * Shared by test/chat/command-line.test.ts (which checks they parse) and bench/tokenizer.bench.ts (which times them).
 */
const SIZE = 10_000;

const fill = (unit: string, prefix = '', suffix = ''): string => {
  const body = unit.repeat(Math.ceil((SIZE - prefix.length - suffix.length) / unit.length));
  return prefix + body.slice(0, SIZE - prefix.length - suffix.length) + suffix;
};

function randomLine(seed: number): string {
  const alphabet = ['a', 'z', ':', '"', '\\', ' ', '“', '”', '/', 'prompt:', 'address:', 'é', '1', '-'];
  let state = seed;
  let line = '';
  while (line.length < SIZE) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    line += alphabet[state % alphabet.length];
  }
  return line.slice(0, SIZE);
}

export interface AdversarialLine {
  readonly name: string;
  readonly line: string;
}

export function adversarialLines(): AdversarialLine[] {
  return [
    { name: 'README /ask compare example, repeated', line: fill('prompt:hello compare:nova-lite,claude-haiku-4-5 ') },
    { name: 'URL after prompt:', line: fill('/a:b?q="x"&r=\\', 'prompt:https://example.com') },
    { name: 'order ids', line: fill('order:web-3f2a9c1d-77 ') },
    { name: 'quotes only', line: fill('"') },
    { name: 'quote then letters (unclosed)', line: fill('a', '"') },
    { name: 'quote-letter pairs (old regex killer)', line: fill('"a') },
    { name: 'letters with a quote at the end', line: fill('a', '', '"') },
    { name: 'escaped quotes in a quote', line: fill('\\"', 'prompt:"') },
    { name: 'backslashes only', line: fill('\\') },
    { name: 'quote, then backslashes', line: fill('\\', '"') },
    { name: 'typographic quotes', line: fill('“a”') },
    { name: 'one long word', line: fill('x') },
    { name: 'long name-like word, then a colon', line: fill('a', '', ':') },
    { name: 'name-value pairs glued', line: fill('abc:') },
    { name: 'colons only', line: fill(':') },
    { name: 'one-letter words', line: fill('x ') },
    { name: 'spaces only', line: fill(' ') },
    { name: 'quoted values with spaces', line: fill('note:"a b c" ') },
    { name: 'random mix (seed 1)', line: randomLine(1) },
    { name: 'random mix (seed 2)', line: randomLine(2) },
  ];
}
