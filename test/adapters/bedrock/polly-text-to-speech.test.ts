import { afterEach, describe, expect, it } from 'vitest';
import { PollyTextToSpeech } from '../../../adapters/bedrock/polly-text-to-speech.ts';
import { SpeechSynthesisError } from '../../../src/ports/text-to-speech.ts';
import { type FakePolly, pollyClientFor, startFakePolly } from '../../support/fake-polly.ts';

const tone = (n: number) => Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin(i / 5)));

describe('PollyTextToSpeech against a Polly fake', () => {
  let fake: FakePolly | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('asks for 16 kHz PCM with the voice and engine, and streams the samples back intact', async () => {
    const samples = tone(8001);
    // Odd chunk sizes split samples across chunks: the adapter must carry the odd byte.
    fake = await startFakePolly(() => ({ type: 'pcm', samples, chunkBytes: 1001 }));
    const client = pollyClientFor(fake.endpoint);
    const tts = new PollyTextToSpeech(client);
    const received: number[] = [];
    for await (const frame of tts.synthesize(
      'Hello there.',
      { voice: 'Joanna', engine: 'neural' },
      AbortSignal.timeout(10_000),
    )) {
      expect(frame).toMatchObject({ sampleRate: 16_000, channels: 1 });
      received.push(...frame.samples);
    }
    expect(received).toEqual([...samples]);
    expect(fake.requests[0]).toMatchObject({
      Text: 'Hello there.',
      VoiceId: 'Joanna',
      Engine: 'neural',
      OutputFormat: 'pcm',
      SampleRate: '16000',
    });
    client.destroy();
  });

  it('throws a SpeechSynthesisError with a stable code on a service error', async () => {
    fake = await startFakePolly(() => ({
      type: 'error',
      status: 400,
      errorType: 'TextLengthExceededException',
      message: 'too long',
    }));
    const client = pollyClientFor(fake.endpoint);
    const tts = new PollyTextToSpeech(client);
    const consume = async () => {
      for await (const _ of tts.synthesize('x', { voice: 'Joanna', engine: 'neural' }, AbortSignal.timeout(10_000))) {
        // nothing expected
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(SpeechSynthesisError);
    await expect(consume()).rejects.toMatchObject({ code: 'voice.tts_failed' });
    client.destroy();
  });
});
