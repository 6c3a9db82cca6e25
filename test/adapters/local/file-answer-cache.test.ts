import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAnswerCache } from '../../../adapters/local/file-answer-cache.ts';

const answer = (text: string) => ({ text, inputTokens: 10, outputTokens: 2, latencyMs: 120 });

describe('FileAnswerCache', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'answers-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps answers across instances (a restart), under hashed keys only', async () => {
    await new FileAnswerCache(dir).put('["us.nova",1024,0,1,"secret prompt"]', answer('Paris'));
    const again = new FileAnswerCache(dir);
    expect(await again.get('["us.nova",1024,0,1,"secret prompt"]')).toEqual(answer('Paris'));
    expect(await again.get('["us.nova",1024,0,2,"secret prompt"]')).toBeUndefined();
    expect(await readFile(join(dir, 'answers.jsonl'), 'utf8')).not.toContain('secret prompt');
  });

  it('skips a line torn by a crash and keeps the rest', async () => {
    await new FileAnswerCache(dir).put('a', answer('one'));
    await appendFile(join(dir, 'answers.jsonl'), '{"k":"torn","t":1,"a":{"te');
    const again = new FileAnswerCache(dir);
    expect(await again.get('a')).toEqual(answer('one'));
    await again.put('b', answer('two'));
    expect(await new FileAnswerCache(dir).get('b')).toEqual(answer('two'));
  });

  it('forgets answers older than its time to live', async () => {
    let now = 1_000_000;
    const cache = new FileAnswerCache(dir, { ttlMs: 1000, now: () => now });
    await cache.put('a', answer('old'));
    now += 1001;
    expect(await cache.get('a')).toBeUndefined();
    expect(await new FileAnswerCache(dir, { ttlMs: 1000, now: () => now }).get('a')).toBeUndefined();
  });

  it('compacts to its newest answers when the file outgrows its budget', async () => {
    let now = 0;
    const cache = new FileAnswerCache(dir, { maxBytes: 4000, now: () => ++now });
    for (let i = 0; i < 100; i++) await cache.put(`k${i}`, answer(`answer ${i}`));
    const size = (await readFile(join(dir, 'answers.jsonl'))).byteLength;
    expect(size).toBeLessThanOrEqual(4000);
    const reloaded = new FileAnswerCache(dir, { maxBytes: 4000, now: () => now });
    expect(await reloaded.get('k99')).toEqual(answer('answer 99'));
    expect(await reloaded.get('k0')).toBeUndefined();
  });
});
