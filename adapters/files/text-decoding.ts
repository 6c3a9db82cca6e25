import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

/** The encodings /bench reads text files in, as the report names them. */
export type TextEncodingName = 'UTF-8' | 'UTF-8 with BOM' | 'UTF-16LE' | 'UTF-16BE' | 'Windows-1252';

type Decision = { readonly name: TextEncodingName; readonly label: string };

const UTF8: Decision = { name: 'UTF-8', label: 'utf-8' };
const CP1252: Decision = { name: 'Windows-1252', label: 'windows-1252' };

/** A byte-order mark decides at once; `undefined` when there is none. */
export function encodingFromBom(head: Uint8Array): Decision | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { name: 'UTF-8 with BOM', label: 'utf-8' };
  if (head[0] === 0xff && head[1] === 0xfe) return { name: 'UTF-16LE', label: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { name: 'UTF-16BE', label: 'utf-16be' };
  return undefined;
}

/**
 * Without a BOM: UTF-8 when the first bytes above ASCII form valid UTF-8, else Windows-1252 (which reads Latin-1
 * too: it is Latin-1 plus printable characters where Latin-1 has C1 controls). The rule, rather than a statistical
 * detector, because the choice is between exactly these two here and it is nearly exact: text in Windows-1252 with
 * accents is almost never valid UTF-8 (é is 0xE9, which UTF-8 requires to start a 3-byte sequence), while
 * statistical detectors (chardet, jschardet) guess among dozens of code pages and misname short files. `undefined`
 * while every byte so far is ASCII, which both encodings read the same.
 */
export function encodingFromBytes(bytes: Uint8Array): Decision | undefined {
  if (isAscii(bytes)) return undefined;
  try {
    // `stream: true` keeps a multi-byte character cut by the end of `bytes` from counting as invalid.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return UTF8;
  } catch {
    return CP1252;
  }
}

/**
 * Decodes a byte stream chunk by chunk. Starts from what the head of the file says (BOM or first non-ASCII bytes);
 * while only ASCII was seen it stays undecided and decides at the first chunk that has more, which is exact since
 * everything before reads the same in both encodings. `encoding` is what was used (UTF-8 for pure ASCII).
 */
export class DetectingDecoder {
  #decision: Decision | undefined;
  #decoder: TextDecoder | undefined;

  constructor(head: Uint8Array) {
    this.#decision = encodingFromBom(head) ?? encodingFromBytes(head);
    if (this.#decision) this.#decoder = new TextDecoder(this.#decision.label);
  }

  get encoding(): TextEncodingName {
    return this.#decision?.name ?? 'UTF-8';
  }

  decode(chunk: Uint8Array): string {
    if (!this.#decoder) {
      this.#decision = encodingFromBytes(chunk);
      if (!this.#decision) return latin(chunk); // ASCII only: no decoder state to keep yet
      this.#decoder = new TextDecoder(this.#decision.label);
    }
    return this.#decoder.decode(chunk, { stream: true });
  }

  end(): string {
    return this.#decoder?.decode() ?? '';
  }
}

const latin = (chunk: Uint8Array): string =>
  Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
