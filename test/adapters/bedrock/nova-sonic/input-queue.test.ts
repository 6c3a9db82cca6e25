import { describe, expect, it } from 'vitest';
import { InputQueue } from '../../../../adapters/bedrock/nova-sonic/input-queue.ts';

const decode = (bytes: Uint8Array) =>
  JSON.parse(new TextDecoder().decode(bytes)) as { event: Record<string, { content?: string }> };

describe('InputQueue', () => {
  it('drops the oldest audio, never control events, when the transport falls behind', async () => {
    const queue = new InputQueue(3);
    queue.push({ sessionStart: {} });
    for (let i = 0; i < 5; i++) queue.push({ audioInput: { content: `a${i}` } });
    queue.push({ promptEnd: {} });
    queue.end();
    const seen: string[] = [];
    for await (const { chunk } of queue) {
      const [name, body] = Object.entries(decode(chunk.bytes).event)[0] ?? [];
      seen.push(body?.content ?? String(name));
    }
    expect(seen).toEqual(['sessionStart', 'a2', 'a3', 'a4', 'promptEnd']);
    expect(queue.dropped).toBe(2);
  });

  it('waits for events, and ends after end()', async () => {
    const queue = new InputQueue(10);
    const iterator = queue[Symbol.asyncIterator]();
    const first = iterator.next();
    queue.push({ sessionStart: {} });
    expect((await first).done).toBe(false);
    const second = iterator.next();
    queue.end();
    expect((await second).done).toBe(true);
  });
});
