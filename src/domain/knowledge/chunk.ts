import type { KbChunk } from './types.ts';

export interface ChunkOptions {
  /** Longest chunk text in characters (the heading path comes on top); default 1,200. */
  readonly maxChars?: number;
  /** `false` for plain text: lines starting with `#` are text, not headings. */
  readonly headings?: boolean;
}

interface Section {
  readonly path: readonly string[];
  readonly lines: string[];
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

/**
 * Splits a Markdown document into chunks that keep their headings: each chunk is text under one heading, with the
 * heading path as its section. Paragraphs are packed up to `maxChars`; a longer paragraph is split at sentence ends.
 * Headings inside code fences are text. A document without headings is one section named after its title.
 */
export function chunkMarkdown(source: string, title: string, markdown: string, options: ChunkOptions = {}): KbChunk[] {
  const maxChars = options.maxChars ?? 1200;
  const sections = splitSections(title, markdown, options.headings ?? true);
  const chunks: KbChunk[] = [];
  for (const section of sections) {
    const name = section.path.length > 0 ? section.path.join(' › ') : title;
    for (const text of pack(paragraphs(section.lines), maxChars)) {
      chunks.push({ id: `${source}#${chunks.length}`, source, section: name, text });
    }
  }
  return chunks;
}

function splitSections(title: string, markdown: string, headings: boolean): Section[] {
  const sections: Section[] = [];
  let current: Section = { path: [], lines: [] };
  const stack: { level: number; text: string }[] = [];
  let inFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const match = headings && !inFence ? HEADING.exec(line) : null;
    if (!match?.[1] || !match[2]) {
      current.lines.push(line);
      continue;
    }
    sections.push(current);
    const level = match[1].length;
    while (stack.length > 0 && (stack.at(-1)?.level ?? 0) >= level) stack.pop();
    stack.push({ level, text: inline(match[2]) });
    current = { path: stack.map((h) => h.text), lines: [] };
  }
  sections.push(current);
  return sections.map((s) => (s.path.length === 0 ? { ...s, path: [title] } : s));
}

/** Heading text without Markdown emphasis or links. */
const inline = (text: string): string =>
  text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]/g, '')
    .trim();

function paragraphs(lines: readonly string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      if (current.length > 0) out.push(current.join('\n'));
      current = [];
    } else current.push(line.trimEnd());
  }
  if (current.length > 0) out.push(current.join('\n'));
  return out;
}

function pack(paras: readonly string[], maxChars: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const para of paras.flatMap((p) => (p.length > maxChars ? splitLong(p, maxChars) : [p]))) {
    if (current !== '' && current.length + 2 + para.length > maxChars) {
      chunks.push(current);
      current = '';
    }
    current = current === '' ? para : `${current}\n\n${para}`;
  }
  if (current.trim() !== '') chunks.push(current);
  return chunks;
}

/** A paragraph longer than a chunk: split after sentence ends, and inside a sentence longer than a chunk at spaces. */
function splitLong(para: string, maxChars: number): string[] {
  const sentences = para.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [para];
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences.flatMap((s) => (s.length > maxChars ? hardSplit(s, maxChars) : [s]))) {
    if (current.length + sentence.length > maxChars && current !== '') {
      out.push(current.trim());
      current = '';
    }
    current += sentence;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

function hardSplit(text: string, maxChars: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const cut = rest.lastIndexOf(' ', maxChars);
    const at = cut > maxChars / 2 ? cut : maxChars;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') out.push(rest);
  return out;
}
