import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { OutFile, Reply } from '../../src/chat/reply.ts';
import type { UserId } from '../../src/domain/ids.ts';
import type { KeptResult, KeptResultSummary, KeptResults } from '../../src/ports/kept-results.ts';

const ID = /^r-[0-9a-f]{10}$/;

/** What meta.json holds: the result with each file's bytes moved to `<n>.bin` beside it. */
const metaSchema = z.object({
  id: z.string().regex(ID),
  owner: z.string(),
  command: z.string(),
  keptAt: z.string(),
  until: z.string(),
  reply: z.unknown(),
  files: z.array(z.object({ name: z.string(), contentType: z.string(), description: z.string().optional() })),
});
type Meta = z.infer<typeof metaSchema>;

/**
 * Kept results on disk (DATA_DIR/results): one directory per result, `meta.json` plus one `.bin` per file. Ids are
 * random and checked against their pattern before any path is built from them; expired results are deleted when
 * met and on every keep.
 */
export class DiskKeptResults implements KeptResults {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async keep(entry: Omit<KeptResult, 'id'>): Promise<string> {
    await this.#sweep(new Date(entry.keptAt));
    const id = `r-${randomBytes(5).toString('hex')}`;
    const dir = join(this.#dir, id);
    await mkdir(dir, { recursive: true });
    const files = entry.reply.kind === 'composite' ? (entry.reply.files ?? []) : [];
    await Promise.all(files.map((f, i) => writeFile(join(dir, `${i}.bin`), f.data)));
    const reply = entry.reply.kind === 'composite' ? { ...entry.reply, files: [] } : entry.reply;
    const meta: Meta = {
      id,
      owner: entry.owner,
      command: entry.command,
      keptAt: entry.keptAt,
      until: entry.until,
      reply,
      files: files.map((f) => ({
        name: f.name,
        contentType: f.contentType,
        ...(f.description === undefined ? {} : { description: f.description }),
      })),
    };
    // Written last: a result without its meta.json does not exist.
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    return id;
  }

  async get(id: string, now: Date): Promise<KeptResult | undefined> {
    const meta = await this.#meta(id, now);
    if (!meta) return undefined;
    const dir = join(this.#dir, id);
    const files: OutFile[] = await Promise.all(
      meta.files.map(async (f, i) => ({
        name: f.name,
        contentType: f.contentType,
        ...(f.description === undefined ? {} : { description: f.description }),
        data: new Uint8Array(await readFile(join(dir, `${i}.bin`))),
      })),
    );
    const stored = meta.reply as Reply;
    const reply = stored.kind === 'composite' ? { ...stored, files } : stored;
    return { ...summary(meta), reply };
  }

  async list(owner: UserId, now: Date): Promise<readonly KeptResultSummary[]> {
    const found: KeptResultSummary[] = [];
    for (const id of await this.#ids()) {
      const meta = await this.#meta(id, now);
      if (meta?.owner === owner) found.push(summary(meta));
    }
    return found.sort((a, b) => b.keptAt.localeCompare(a.keptAt));
  }

  async #meta(id: string, now: Date): Promise<Meta | undefined> {
    if (!ID.test(id)) return undefined;
    let raw: string;
    try {
      raw = await readFile(join(this.#dir, id, 'meta.json'), 'utf8');
    } catch {
      return undefined;
    }
    const parsed = metaSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    if (Date.parse(parsed.data.until) <= now.getTime()) {
      await rm(join(this.#dir, id), { recursive: true, force: true });
      return undefined;
    }
    return parsed.data;
  }

  async #ids(): Promise<string[]> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    return names.filter((n) => ID.test(n));
  }

  async #sweep(now: Date): Promise<void> {
    for (const id of await this.#ids()) await this.#meta(id, now);
  }
}

const summary = (meta: Meta): KeptResultSummary => ({
  id: meta.id,
  owner: meta.owner as UserId,
  command: meta.command,
  keptAt: meta.keptAt,
  until: meta.until,
});
