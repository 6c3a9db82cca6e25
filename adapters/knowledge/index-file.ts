import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const documentSchema = z.object({
  name: z.string(),
  title: z.string(),
  hash: z.string(),
  chars: z.number(),
  chunks: z.number(),
  origin: z.enum(['folder', 'upload']),
  addedAt: z.string(),
  chunkIds: z.array(z.string()),
});

const indexFileSchema = z.object({
  version: z.literal(1),
  documents: z.record(z.string(), documentSchema),
  lexical: z.string(),
  /** Which embedder made `vectors`; vectors of another model are dropped on load. */
  embedder: z.string().optional(),
  vectors: z.record(z.string(), z.string()).default({}),
});

export type IndexedDocument = z.infer<typeof documentSchema>;
export type IndexFile = z.infer<typeof indexFileSchema>;

/** The index on disk; `undefined` when there is none, `Error` when it is unreadable (then it is rebuilt). */
export async function loadIndexFile(path: string): Promise<IndexFile | undefined | Error> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return error instanceof Error ? error : new Error(String(error));
  }
  try {
    const parsed = indexFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : new Error(`unexpected index file shape: ${parsed.error.issues[0]?.message}`);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Written beside, then renamed over: a crash mid-write leaves the previous index, never half of one. */
export async function saveIndexFile(path: string, file: IndexFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(file));
  await rename(temporary, path);
}
