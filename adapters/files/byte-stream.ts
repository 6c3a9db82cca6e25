import { type AppError, appError } from '../../src/domain/result.ts';
import { encodingFromBom, encodingFromBytes } from './text-decoding.ts';

/** Thrown inside the byte pipeline to stop parsing with a user-facing error; turned into an `error` event. */
export class TableInputError extends Error {
  readonly appError: AppError;
  constructor(error: AppError) {
    super(error.message);
    this.appError = error;
  }
}

export const tooLarge = (maxBytes: number): AppError =>
  appError(
    'bench.file_too_large',
    `The file is larger than the ${formatBytes(maxBytes)} limit.`,
    'Split it into smaller files, or drop columns you do not need (the limit is BENCH_MAX_BYTES).',
  );

export const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MB` : `${Math.ceil(n / 1024)} KB`;

/**
 * Reads the first `size` bytes for sniffing and gives back a stream that still yields everything, counting bytes
 * and failing once more than `maxBytes` arrive (the size a platform announces may be wrong).
 */
export async function peekAndCount(
  source: AsyncIterable<Uint8Array>,
  size: number,
  maxBytes: number,
  onBytes: (total: number) => void,
): Promise<{ head: Buffer; stream: AsyncGenerator<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const headChunks: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    headChunks.push(chunk);
    headBytes += chunk.byteLength;
  }
  const head = Buffer.concat(headChunks);
  async function* stream(): AsyncGenerator<Buffer> {
    let total = head.byteLength;
    if (total > maxBytes) throw new TableInputError(tooLarge(maxBytes));
    onBytes(total);
    if (head.byteLength > 0) yield head;
    if (done) return;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        total += next.value.byteLength;
        if (total > maxBytes) throw new TableInputError(tooLarge(maxBytes));
        onBytes(total);
        yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head, stream: stream() };
}

/** What the first bytes say the file is. */
export function sniff(head: Buffer): 'xlsx' | 'xls' | 'text' | 'binary' | 'empty' {
  if (head.byteLength === 0) return 'empty';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'xls';
  const probe = head.subarray(0, 8192);
  const bom = encodingFromBom(probe);
  // UTF-16 text is full of zero bytes; any other text has none.
  const text = new TextDecoder(bom?.label ?? encodingFromBytes(probe)?.label ?? 'utf-8').decode(probe);
  if (!bom?.name.startsWith('UTF-16') && probe.includes(0)) return 'binary';
  if (text.trim() === '') return 'empty';
  // Text has few control characters besides tab, CR and LF; images and archives have many.
  let controls = 0;
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) controls++;
  return controls > Math.max(8, text.length / 50) ? 'binary' : 'text';
}

/** C0 controls but tab, LF and CR; DEL; the replacement character. */
const isControl = (c: number): boolean =>
  (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfffd;
