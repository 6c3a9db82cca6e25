import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { type AppError, appError } from '../../src/domain/result.ts';

export interface ZipLimits {
  /** Total uncompressed bytes allowed across entries. */
  readonly maxUncompressed: number;
  /** Largest uncompressed/compressed ratio allowed for a big entry (real sheets compress ~5-20x). */
  readonly maxRatio: number;
}

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressed: number;
  readonly size: number;
  readonly localHeader: number;
}

/**
 * Checks a workbook's ZIP before exceljs inflates it: an XLSX "bomb" declares (or hides) gigabytes behind a few
 * kilobytes. First the central directory's declared sizes and ratios; then every deflated entry is inflated once
 * into nothing, counting bytes, so a directory that lies about sizes is caught too. ZIP64 archives are refused:
 * no sheet within our size limit needs one.
 */
export async function checkZip(zip: Buffer, limits: ZipLimits): Promise<AppError | undefined> {
  const entries: ZipEntry[] = [];
  const declared = readDirectory(zip, limits, entries);
  if (declared) return declared;
  for (const entry of entries) {
    if (entry.method !== 8) continue;
    const actual = await inflatedSize(entryData(zip, entry), entry.size);
    if (actual === undefined) return notAWorkbook('a part of it is damaged');
    if (actual > entry.size) return bomb('a part of it unpacks to more than its directory says');
  }
  return undefined;
}

/** The entries of a ZIP that `checkZip` accepted, by name. */
export function zipEntries(zip: Buffer): Map<string, ZipEntry> {
  const entries: ZipEntry[] = [];
  const refused = readDirectory(
    zip,
    { maxUncompressed: Number.POSITIVE_INFINITY, maxRatio: Number.POSITIVE_INFINITY },
    entries,
  );
  if (refused) throw new Error(refused.message);
  return new Map(entries.map((e) => [e.name, e]));
}

/** One entry's bytes, inflated as they are read (stored entries as they are). */
export function openEntry(zip: Buffer, entry: ZipEntry): Readable {
  const data = entryData(zip, entry);
  if (entry.method === 0) return Readable.from([data]);
  const inflate = createInflateRaw();
  inflate.end(data);
  return inflate;
}

function entryData(zip: Buffer, entry: ZipEntry): Buffer {
  const nameLength = zip.readUInt16LE(entry.localHeader + 26);
  const extraLength = zip.readUInt16LE(entry.localHeader + 28);
  const start = entry.localHeader + 30 + nameLength + extraLength;
  return zip.subarray(start, start + entry.compressed);
}

function readDirectory(zip: Buffer, limits: ZipLimits, out: ZipEntry[]): AppError | undefined {
  const eocd = findEndOfCentralDirectory(zip);
  if (eocd < 0) return notAWorkbook('its ZIP directory is missing or damaged');
  const entries = zip.readUInt16LE(eocd + 10);
  const offset = zip.readUInt32LE(eocd + 16);
  if (entries === 0xffff || offset === 0xffffffff) return bomb('it is a ZIP64 archive');
  let at = offset;
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) {
      return notAWorkbook('its ZIP directory is damaged');
    }
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    if (compressed === 0xffffffff || size === 0xffffffff) return bomb('it is a ZIP64 archive');
    total += size;
    if (total > limits.maxUncompressed) {
      return bomb(`it unpacks to more than ${Math.round(limits.maxUncompressed / 1024 / 1024)} MB`);
    }
    if (size > 1024 * 1024 && size / Math.max(1, compressed) > limits.maxRatio) {
      return bomb(`a part of it is compressed ${Math.round(size / Math.max(1, compressed))} times`);
    }
    const localHeader = zip.readUInt32LE(at + 42);
    if (localHeader + 30 > zip.length || zip.readUInt32LE(localHeader) !== 0x04034b50) {
      return notAWorkbook('its ZIP directory is damaged');
    }
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    out.push({ name, method: zip.readUInt16LE(at + 10), compressed, size, localHeader });
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return undefined;
}

/** Bytes the deflated data inflates to, stopping one byte past `limit`; undefined when the data is corrupt. */
function inflatedSize(data: Buffer, limit: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw();
    let total = 0;
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limit) {
        inflate.destroy();
        resolve(total);
      }
    });
    inflate.on('end', () => resolve(total));
    inflate.on('error', () => resolve(undefined));
    inflate.end(data);
  });
}

function findEndOfCentralDirectory(zip: Buffer): number {
  const stop = Math.max(0, zip.length - 22 - 65_535);
  for (let at = zip.length - 22; at >= stop; at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) return at;
  }
  return -1;
}

const bomb = (why: string): AppError =>
  appError(
    'bench.xlsx_bomb',
    `I won't open this workbook: ${why}.`,
    'Save the sheet you need as CSV, or remove empty formatted rows and columns, and attach it again.',
  );

const notAWorkbook = (why: string): AppError =>
  appError(
    'bench.bad_xlsx',
    `The file looks like an Excel workbook but ${why}.`,
    'Open it in Excel or LibreOffice, save it again as .xlsx (or CSV) and attach the new file.',
  );
