import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnswerCache, CachedAnswer } from '../../src/ports/answer-cache.ts';

export interface FileAnswerCacheOptions {
  /** How long an answer is reused (14 days, as promptfoo). */
  readonly ttlMs?: number;
  /** Past this many bytes the log is compacted to its newest half. */
  readonly maxBytes?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly t: number;
  readonly a: CachedAnswer;
}

/**
 * Answers in one append-only JSON-lines file under the data folder: each finished answer is one line written as it
 * arrives, so a crash loses at most the line being written (a torn last line is skipped on load). Keys are SHA-256
 * hashes, so prompts never appear in file names. Loaded once, lazily, into memory.
 */
export class FileAnswerCache implements AnswerCache {
  readonly #dir: string;
  readonly #file: string;
  readonly #ttlMs: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #entries: Promise<Map<string, Entry>> | undefined;
  #bytes = 0;
  /** The file ends in a line torn by a crash: the next write starts on a fresh line. */
  #torn = false;
  #writes: Promise<void> = Promise.resolve();

  constructor(dir: string, options: FileAnswerCacheOptions = {}) {
    this.#file = join(dir, 'answers.jsonl');
    this.#ttlMs = options.ttlMs ?? 14 * 24 * 3600_000;
    this.#maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.#now = options.now ?? Date.now;
    this.#dir = dir;
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const entry = (await this.#load()).get(hash(key));
    return entry && this.#now() - entry.t < this.#ttlMs ? entry.a : undefined;
  }

  async put(key: string, answer: CachedAnswer): Promise<void> {
    const entries = await this.#load();
    const k = hash(key);
    const entry = { t: this.#now(), a: answer };
    entries.set(k, entry);
    const line = `${this.#torn ? '\n' : ''}${JSON.stringify({ k, ...entry })}\n`;
    this.#torn = false;
    this.#bytes += Buffer.byteLength(line);
    const write = this.#writes.then(async () => {
      await appendFile(this.#file, line);
      if (this.#bytes > this.#maxBytes) await this.#compact(entries);
    });
    // One write at a time, in order; a failed write does not block the next one.
    this.#writes = write.catch(() => {});
    await write;
  }

  #load(): Promise<Map<string, Entry>> {
    this.#entries ??= (async () => {
      await mkdir(this.#dir, { recursive: true });
      const entries = new Map<string, Entry>();
      let text = '';
      try {
        text = await readFile(this.#file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      this.#bytes = Buffer.byteLength(text);
      this.#torn = text.length > 0 && !text.endsWith('\n');
      const oldest = this.#now() - this.#ttlMs;
      for (const line of text.split('\n')) {
        const parsed = parseLine(line);
        if (parsed && parsed.t > oldest) entries.set(parsed.k, { t: parsed.t, a: parsed.a });
      }
      return entries;
    })();
    return this.#entries;
  }

  /** Rewrites the log with the newest entries that fit in half the budget (atomically, by rename). */
  async #compact(entries: Map<string, Entry>): Promise<void> {
    const newest = [...entries].sort((a, b) => b[1].t - a[1].t);
    const lines: string[] = [];
    let bytes = 0;
    entries.clear();
    for (const [k, entry] of newest) {
      const line = `${JSON.stringify({ k, ...entry })}\n`;
      bytes += Buffer.byteLength(line);
      if (bytes > this.#maxBytes / 2) break;
      lines.push(line);
      entries.set(k, entry);
    }
    const temp = `${this.#file}.tmp`;
    await writeFile(temp, lines.reverse().join(''));
    await rename(temp, this.#file);
    this.#bytes = bytes;
  }
}

const hash = (key: string): string => createHash('sha256').update(key).digest('base64url');

function parseLine(line: string): { k: string; t: number; a: CachedAnswer } | undefined {
  if (line === '') return undefined;
  try {
    const v = JSON.parse(line) as { k?: unknown; t?: unknown; a?: Partial<CachedAnswer> };
    const a = v.a;
    if (typeof v.k !== 'string' || typeof v.t !== 'number' || !a || typeof a.text !== 'string') return undefined;
    return {
      k: v.k,
      t: v.t,
      a: {
        text: a.text,
        inputTokens: Number(a.inputTokens) || 0,
        outputTokens: Number(a.outputTokens) || 0,
        latencyMs: Number(a.latencyMs) || 0,
      },
    };
  } catch {
    return undefined; // a line torn by a crash
  }
}
