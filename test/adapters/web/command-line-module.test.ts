import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundSurface } from '../../../adapters/web/playground-surface.ts';
import { fakeCore } from './fake-commands.ts';

describe('the command-line grammar served to the browser', () => {
  const fake = fakeCore();
  const surface = new PlaygroundSurface({ core: fake.core, port: 0 });
  beforeAll(() => surface.start());
  afterAll(() => surface.stop());

  it('is the very file the server parses with, as a JavaScript module the command box imports', async () => {
    const response = await fetch(new URL('lib/command-line.js', surface.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    const served = await response.text();
    expect(served).toBe(await readFile(new URL('../../../src/chat/command-line.js', import.meta.url), 'utf8'));
    expect(served).not.toMatch(/^import /m);
    const box = await (await fetch(new URL('command-box.js', surface.url))).text();
    expect(box).toContain("from './lib/command-line.js'");
  });
});
