import type { ReadDocument } from '../../src/domain/knowledge/types.ts';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import type { FileSource } from '../../src/ports/file-source.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import { pdfToMarkdown } from './pdf-text.ts';

export const KB_EXTENSIONS = ['md', 'markdown', 'txt', 'html', 'htm', 'pdf'] as const;

export interface ReadLimits {
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

/**
 * Reads an uploaded or folder document into Markdown by its extension: Markdown and text as strict UTF-8, HTML
 * through htmlparser2, PDF through unpdf (PDF.js). What cannot be read is a `kb.*` error saying what to do.
 */
export async function readDocument(file: FileSource, limits: ReadLimits): Promise<Result<ReadDocument>> {
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  if (!(KB_EXTENSIONS as readonly string[]).includes(ext)) {
    return err(
      appError(
        'kb.unsupported_type',
        `${file.name} is not a document the knowledge base reads.`,
        'Upload Markdown (.md), text (.txt), HTML (.html) or PDF (.pdf).',
      ),
    );
  }
  const tooBig = () =>
    err(
      appError(
        'kb.too_large',
        `${file.name} is larger than the ${mb(limits.maxBytes)} a document may be.`,
        'Split it into smaller documents (one topic each works best for retrieval).',
      ),
    );
  if (file.size > limits.maxBytes) return tooBig();
  const bytes = await readAll(file, limits);
  if (bytes === undefined) return tooBig();
  if (bytes.length === 0) return empty(file.name);
  if (ext === 'pdf') {
    const pdf = await pdfToMarkdown(bytes);
    if (!pdf.ok)
      return err(
        appError(
          'kb.unreadable',
          `${file.name} could not be read as a PDF: ${pdf.error}.`,
          'Export it again as a PDF with text (not a scan), or upload the text as .md or .txt.',
        ),
      );
    return pdf.value.trim() === '' ? noText(file.name) : ok({ markdown: pdf.value, format: 'pdf', headings: true });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return err(appError('kb.unreadable', `${file.name} is not UTF-8 text.`, 'Save it as UTF-8, or upload a PDF.'));
  }
  if (text.includes('\u0000')) {
    return err(
      appError(
        'kb.unreadable',
        `${file.name} looks like a binary file, not text.`,
        'Upload Markdown, text, HTML or PDF.',
      ),
    );
  }
  if (ext === 'html' || ext === 'htm') {
    const markdown = htmlToMarkdown(text);
    return markdown === '' ? noText(file.name) : ok({ markdown, format: 'html', headings: true });
  }
  if (text.trim() === '') return empty(file.name);
  return ok({ markdown: text, format: ext === 'txt' ? 'text' : 'markdown', headings: ext !== 'txt' });
}

async function readAll(file: FileSource, limits: ReadLimits): Promise<Uint8Array | undefined> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of file.open(limits.signal)) {
    total += part.length;
    // The announced size can be wrong (or absent): count what actually arrives.
    if (total > limits.maxBytes) return undefined;
    parts.push(part);
  }
  return Buffer.concat(parts);
}

const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(bytes < 1_048_576 ? 2 : 0)} MB`;

const empty = (name: string) =>
  err(appError('kb.empty', `${name} is empty.`, 'Upload a document with some text in it.'));
const noText = (name: string) =>
  err(
    appError(
      'kb.empty',
      `${name} has no readable text.`,
      'A scanned PDF is pictures of text: export it with text, or upload the text as .md or .txt.',
    ),
  );

/** The DocumentReader port over `readDocument`, with the size limit from configuration (KB_MAX_BYTES). */
export class FileDocumentReader {
  readonly extensions: readonly string[] = KB_EXTENSIONS;
  readonly #maxBytes: number;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  read(file: FileSource, signal?: AbortSignal): Promise<Result<ReadDocument>> {
    return readDocument(file, signal ? { maxBytes: this.#maxBytes, signal } : { maxBytes: this.#maxBytes });
  }
}
