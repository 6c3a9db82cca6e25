import { createHash } from 'node:crypto';
import { appError, err, ok, type Result } from '../result.ts';
import { chunkMarkdown } from './chunk.ts';
import { documentName, documentTitle, visibleText } from './sanitize.ts';
import type { NewKbDocument, ReadDocument } from './types.ts';

/** Largest chunk text; the heading path is kept beside it, so a chunk reads well on its own. */
export const CHUNK_CHARS = 1200;

/** Read text to an indexable document: hidden content dropped, a title, a content hash, chunks with sections. */
export function prepareDocument(fileName: string, read: ReadDocument): Result<NewKbDocument> {
  const name = documentName(fileName);
  if (name === '' || !/[a-z0-9]/.test(name)) {
    return err(
      appError('kb.bad_name', `"${fileName}" is not a usable document name.`, 'Rename the file, e.g. menu.md.'),
    );
  }
  const { text } = visibleText(read.markdown);
  if (text === '')
    return err(appError('kb.empty', `${fileName} has no visible text.`, 'Upload a document with some text in it.'));
  const title = documentTitle(name, read.headings ? text : '');
  const chunks = chunkMarkdown(name, title, text, { maxChars: CHUNK_CHARS, headings: read.headings });
  if (chunks.length === 0) {
    return err(
      appError('kb.empty', `${fileName} has headings but no text under them.`, 'Add the text, then upload it again.'),
    );
  }
  const hash = createHash('sha256').update(text.replace(/\s+/g, ' ')).digest('hex');
  return ok({ name, title, hash, markdown: text, chunks });
}
