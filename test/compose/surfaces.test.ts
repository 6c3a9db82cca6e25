import { describe, expect, it } from 'vitest';
import { startSurfaces } from '../../src/compose/surfaces.ts';
import { loadConfig } from '../../src/config.ts';
import { fakeCore } from '../adapters/web/fake-commands.ts';

describe('startSurfaces', () => {
  it('gives the playground the one upload limit, BENCH_MAX_BYTES', async () => {
    const fake = fakeCore();
    const config = loadConfig({ BENCH_MAX_BYTES: '2048', PLAYGROUND_PORT: '0' });
    const running = await startSurfaces(config, fake.core, fake.notifier);
    try {
      const url = running.playgroundUrl ?? '';
      const upload = (size: number) =>
        fetch(new URL('uploads?name=a.csv', url), { method: 'POST', body: 'x'.repeat(size) });
      expect((await upload(2048)).status).toBe(200);
      const refused = await upload(2049);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toEqual({
        error: 'The file is larger than the 2048 bytes limit (BENCH_MAX_BYTES).',
      });
    } finally {
      fake.release();
      await running.stop();
    }
  });
});
