import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NovaSonicVoiceModel } from '../../adapters/bedrock/nova-sonic/nova-sonic-voice-model.ts';
import { conversationVoice } from '../../adapters/web/conversation-voice.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { fakeCore } from '../adapters/web/fake-commands.ts';
import { type FakeNovaSonic, sonicClientFor, startFakeNovaSonic, tone } from '../support/fake-nova-sonic.ts';
import { fakeMicrophoneArgs } from './support/browser.ts';
import { playgroundInChromium } from './support/playground-in-chromium.ts';

/** A mono 16-bit WAV of a 300 Hz tone: Chromium's fake microphone plays it in a loop. */
async function speechWav(): Promise<string> {
  const rate = 48_000;
  const samples = new Int16Array(rate);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(9000 * Math.sin((2 * Math.PI * 300 * i) / rate));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.byteLength, 40);
  const path = join(tmpdir(), `sonicord-mic-${process.pid}.wav`);
  await writeFile(path, Buffer.concat([header, Buffer.from(samples.buffer)]));
  return path;
}

// The whole voice path: Chromium's fake microphone -> AudioWorklet -> /voice -> conversation loop -> the real
// Nova Sonic adapter and SDK client -> the loopback fake of the service, and its speech back to the page.
describe('playground voice in Chromium against the Nova Sonic fake', { timeout: 120_000 }, () => {
  let sonic: FakeNovaSonic;

  const e2e = playgroundInChromium(async () => {
    const microphone = fakeMicrophoneArgs(await speechWav());
    sonic = await startFakeNovaSonic({
      script: async (s) => {
        await s.waitFor('audioInput', (body) => /[^A]/.test(String(body.content ?? '').slice(0, 200)));
        s.turn({ user: 'where is my order', assistant: 'It is on its way.', audio: tone(24_000) });
        // A long answer the user talks over: the page must drop it at once.
        s.audio(tone(24_000 * 5));
        s.interrupted();
      },
    });
    const model = new NovaSonicVoiceModel(sonicClientFor(sonic.endpoint), { closeTimeoutMs: 5_000 });
    const voice = conversationVoice(
      { models: { sonic: model }, tools: () => [], systemPrompt: 'Be brief.' },
      silentLogger,
    );
    return {
      core: fakeCore().core,
      options: { voice },
      chromiumArgs: microphone,
      stop: () => sonic.close(),
    };
  });

  it('sends the microphone to the model, shows the transcript, plays the reply and stops it on barge-in', async () => {
    const page = await e2e.openAs('alice');
    await page.locator('#mic').click();
    const voiceLog = page.locator('.entry.voice');
    await voiceLog.getByText('where is my order').waitFor({ timeout: 60_000 });
    await voiceLog.getByText('It is on its way.').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('body').getAttribute('data-voice-played-ms').then(Number), { timeout: 30_000 })
      .toBeGreaterThan(900);
    await expect
      .poll(() => page.locator('body').getAttribute('data-voice-interrupted').then(Number), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const stream = await sonic.stream(0);
    // The microphone is still on and keeps streaming: wait for the frames rather than count them at one instant,
    // which a loaded machine reaches with fewer sent.
    await expect
      .poll(() => stream.received.filter((e) => e.name === 'audioInput').length, { timeout: 30_000 })
      .toBeGreaterThan(10);
    await page.locator('#mic').click();
    await expect.poll(() => page.locator('#mic').getAttribute('data-state')).toBe('off');
    await stream.clientDone;
  });
});
