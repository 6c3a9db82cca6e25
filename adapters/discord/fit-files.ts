import { gzipSync } from 'node:zlib';
import type { OutFile } from '../../src/chat/reply.ts';

/** Discord's upload limit without boosts (10 MiB); interactions carry the server's own (`attachmentSizeLimit`). */
export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Headroom for the multipart framing and the JSON part of the request. */
const HEADROOM = 64 * 1024;
const MAX_PARTS = 10;

export interface FittedFiles {
  readonly files: readonly OutFile[];
  /** One line per file that was changed to fit: what was done and what, if anything, was left out. */
  readonly notes: readonly string[];
}

/**
 * Files within the upload limit. A file over it is compressed (gzip) when that is enough; text (CSV, TSV, JSON
 * lines) is split at line breaks into parts that fit, each repeating the header line; what still cannot fit is
 * replaced by its first part, and the note says how much was left out. Nothing is dropped without a note.
 */
export function fitFiles(files: readonly OutFile[], maxBytes: number): FittedFiles {
  const limit = Math.max(1024, maxBytes - HEADROOM);
  const out: OutFile[] = [];
  const notes: string[] = [];
  for (const file of files) {
    if (file.data.byteLength <= limit) {
      out.push(file);
      continue;
    }
    const size = megabytes(file.data.byteLength);
    const zipped = gzipSync(file.data, { level: 6 });
    if (zipped.byteLength <= limit) {
      out.push({ ...file, name: `${file.name}.gz`, contentType: 'application/gzip', data: zipped });
      notes.push(`${file.name} (${size}) is over the upload limit here: sent compressed as ${file.name}.gz.`);
      continue;
    }
    if (!isText(file)) {
      notes.push(`${file.name} (${size}) is over the upload limit here (${megabytes(maxBytes)}) and was left out.`);
      continue;
    }
    const parts = splitLines(file, limit);
    const kept = parts.slice(0, MAX_PARTS);
    out.push(...kept);
    if (kept.length === parts.length) {
      notes.push(`${file.name} (${size}) is over the upload limit here: split into ${parts.length} parts.`);
    } else {
      const rows = kept.reduce((n, p) => n + countLines(p.data) - 1, 0);
      const total = countLines(file.data) - 1;
      notes.push(
        `${file.name} (${size}) is over the upload limit here: the first ${rows.toLocaleString('en')} of ` +
          `${total.toLocaleString('en')} rows are attached in ${kept.length} parts; the rest was left out.`,
      );
    }
  }
  return { files: out, notes };
}

const isText = (file: OutFile): boolean =>
  file.contentType.startsWith('text/') || /\.(csv|tsv|txt|jsonl|json|md)$/i.test(file.name);

/** Cuts at line breaks into parts of at most `limit` bytes; every part after the first repeats the header line. */
function splitLines(file: OutFile, limit: number): OutFile[] {
  const data = file.data;
  const headerEnd = data.indexOf(0x0a) + 1;
  const header = headerEnd > 0 && headerEnd < limit / 2 ? data.subarray(0, headerEnd) : new Uint8Array();
  const parts: OutFile[] = [];
  let start = headerEnd > 0 && header.byteLength > 0 ? headerEnd : 0;
  const room = limit - header.byteLength;
  while (start < data.byteLength) {
    let end = Math.min(data.byteLength, start + room);
    if (end < data.byteLength) {
      const lastBreak = data.lastIndexOf(0x0a, end - 1);
      // A line longer than a part is cut where it must be.
      end = lastBreak >= start ? lastBreak + 1 : end;
    }
    const body = data.subarray(start, end);
    const bytes = new Uint8Array(header.byteLength + body.byteLength);
    bytes.set(header, 0);
    bytes.set(body, header.byteLength);
    parts.push({ ...file, name: partName(file.name, parts.length + 1), data: bytes });
    start = end;
  }
  return parts;
}

function partName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-part${n}${name.slice(dot)}` : `${name}-part${n}`;
}

function countLines(data: Uint8Array): number {
  let n = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) n++;
  return data.byteLength > 0 && data[data.byteLength - 1] !== 0x0a ? n + 1 : n;
}

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
