import { prepareDocument } from '../../domain/knowledge/prepare.ts';
import type { KbDocument } from '../../domain/knowledge/types.ts';
import type { Result } from '../../domain/result.ts';
import type { FileSource } from '../../ports/file-source.ts';
import type { KnowledgeDeps } from './deps.ts';

/** /kb add: read the file (Markdown, text, HTML, PDF), keep its visible text, chunk it, index it. */
export async function addDocument(
  deps: Pick<KnowledgeDeps, 'reader' | 'library'>,
  file: FileSource,
  signal?: AbortSignal,
): Promise<Result<KbDocument>> {
  const read = await deps.reader.read(file, signal);
  if (!read.ok) return read;
  const prepared = prepareDocument(file.name, read.value);
  if (!prepared.ok) return prepared;
  return deps.library.add(prepared.value);
}
