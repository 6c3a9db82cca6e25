import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { openEntry, type ZipEntry } from './zip-guard.ts';

/** A SAX pass over one XML part of the workbook, fed as it inflates; `onTag`/`onText` see local names (no prefix). */
export async function* parseXml(
  stream: Readable,
  handlers: {
    readonly open: (name: string, attributes: Record<string, string>) => void;
    readonly close: (name: string) => void;
    readonly text: (text: string) => void;
  },
): AsyncGenerator<void> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    handlers.open(local(tag.name), tag.attributes);
    if (tag.isSelfClosing) handlers.close(local(tag.name));
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (!tag.isSelfClosing) handlers.close(local(tag.name));
  });
  parser.on('text', handlers.text);
  parser.on('cdata', handlers.text);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream) {
    parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    yield;
  }
  parser.write(decoder.decode());
  parser.close();
}

const local = (name: string): string => name.slice(name.indexOf(':') + 1);

export interface SheetRef {
  readonly name: string;
  readonly path: string;
}

/** The workbook's sheets in their tab order, and where its shared strings are. */
export async function workbookLayout(
  zip: Buffer,
  entries: ReadonlyMap<string, ZipEntry>,
): Promise<{ sheets: SheetRef[]; sharedStrings: string | undefined }> {
  const root = await relationships(zip, entries, '_rels/.rels', '');
  const workbook = root.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  const dir = posix.dirname(workbook);
  const rels = await relationships(zip, entries, `${dir}/_rels/${posix.basename(workbook)}.rels`, dir);
  const sheets: SheetRef[] = [];
  await each(zip, entries, workbook, (name, attributes) => {
    if (name !== 'sheet') return;
    const id = attributes['r:id'] ?? Object.entries(attributes).find(([k]) => k.endsWith(':id'))?.[1];
    const target = rels.find((r) => r.id === id)?.target;
    if (target) sheets.push({ name: attributes.name ?? target, path: target });
  });
  const shared = rels.find((r) => r.type.endsWith('/sharedStrings'))?.target;
  return {
    sheets,
    sharedStrings: shared ?? (entries.has('xl/sharedStrings.xml') ? 'xl/sharedStrings.xml' : undefined),
  };
}

/**
 * The workbook's shared strings, kept as UTF-8 bytes with offsets rather than a million JavaScript strings (each a
 * heap object, and often a slice that pins the parser's whole chunk): a sheet of unique texts costs its bytes here.
 */
export class SharedStrings {
  #bytes = Buffer.alloc(64 * 1024);
  #offsets = new Uint32Array(1024);
  #count = 0;
  #used = 0;

  get length(): number {
    return this.#count;
  }

  add(text: string): void {
    const need = Buffer.byteLength(text);
    if (this.#used + need > this.#bytes.length) {
      const bigger = Buffer.alloc(Math.max(this.#bytes.length * 2, this.#used + need));
      this.#bytes.copy(bigger, 0, 0, this.#used);
      this.#bytes = bigger;
    }
    if (this.#count + 2 > this.#offsets.length) {
      const bigger = new Uint32Array(this.#offsets.length * 2);
      bigger.set(this.#offsets);
      this.#offsets = bigger;
    }
    this.#used += this.#bytes.write(text, this.#used);
    this.#count++;
    this.#offsets[this.#count] = this.#used;
  }

  get(index: number): string | undefined {
    if (!(index >= 0 && index < this.#count)) return undefined;
    return this.#bytes.toString('utf8', this.#offsets[index], this.#offsets[index + 1]);
  }
}

/** Every shared string, in order: the text of each `<si>` (rich-text runs joined, phonetic hints left out). */
export async function sharedStrings(zip: Buffer, entry: ZipEntry): Promise<SharedStrings> {
  const out = new SharedStrings();
  let current = '';
  let inText = false;
  let phonetic = 0;
  const xml = parseXml(openEntry(zip, entry), {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 't') inText = phonetic === 0;
    },
    close(name) {
      if (name === 'si') out.add(current);
      else if (name === 'rPh') phonetic--;
      else if (name === 't') inText = false;
    },
    text(text) {
      if (inText) current += text;
    },
  });
  for await (const _ of xml) {
    // Each step parsed one inflated chunk.
  }
  return out;
}

interface Relationship {
  readonly id: string;
  readonly type: string;
  readonly target: string;
}

async function relationships(
  zip: Buffer,
  entries: ReadonlyMap<string, ZipEntry>,
  path: string,
  base: string,
): Promise<Relationship[]> {
  const out: Relationship[] = [];
  await each(zip, entries, path, (name, a) => {
    if (name !== 'Relationship' || !a.Target || a.TargetMode === 'External') return;
    const target = a.Target.startsWith('/') ? a.Target.slice(1) : posix.normalize(posix.join(base, a.Target));
    out.push({ id: a.Id ?? '', type: a.Type ?? '', target });
  });
  return out;
}

async function each(
  zip: Buffer,
  entries: ReadonlyMap<string, ZipEntry>,
  path: string,
  open: (name: string, attributes: Record<string, string>) => void,
): Promise<void> {
  const entry = entries.get(path);
  if (!entry) return;
  for await (const _ of parseXml(openEntry(zip, entry), { open, close: () => {}, text: () => {} })) {
    // Small parts: nothing to do between chunks.
  }
}
