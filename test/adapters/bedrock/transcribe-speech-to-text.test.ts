import { afterEach, describe, expect, it } from 'vitest';
import { TranscribeSpeechToText } from '../../../adapters/bedrock/transcribe-speech-to-text.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { RecognitionEvent } from '../../../src/ports/speech-to-text.ts';
import { type FakeTranscribe, startFakeTranscribe, transcribeClientFor } from '../../support/fake-transcribe.ts';

const frame = () => ({ sampleRate: 16_000, channels: 1 as const, samples: new Int16Array(512).fill(300) });

async function collect(results: AsyncIterable<RecognitionEvent>): Promise<RecognitionEvent[]> {
  const seen: RecognitionEvent[] = [];
  for await (const r of results) seen.push(r);
  return seen;
}

describe('TranscribeSpeechToText against a Transcribe streaming fake', () => {
  let fake: FakeTranscribe | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('streams 16 kHz PCM in batched chunks and yields partial then final transcripts', async () => {
    fake = await startFakeTranscribe(() => ({
      results: [
        { afterBytes: 4096, text: 'where is', partial: true },
        { afterBytes: 8192, text: 'where is my order', partial: false },
      ],
    }));
    const client = transcribeClientFor(fake.endpoint);
    const stt = new TranscribeSpeechToText(client, silentLogger);
    const recognition = stt.open({ languageCode: 'en-US', sampleRate: 16_000 }, new AbortController().signal);
    const results = collect(recognition.results);
    for (let i = 0; i < 10; i++) recognition.send(frame()); // 10 x 32 ms
    recognition.end();
    expect(await results).toEqual([
      { type: 'partial', text: 'where is' },
      { type: 'final', text: 'where is my order' },
    ]);
    const session = fake.sessions[0];
    expect(session?.headers['x-amzn-transcribe-language-code']).toBe('en-US');
    expect(session?.headers['x-amzn-transcribe-sample-rate']).toBe('16000');
    expect(session?.headers['x-amzn-transcribe-media-encoding']).toBe('pcm');
    expect(session?.audioBytes).toBe(10 * 1024);
    // 64 ms batches: fewer events than frames.
    expect(session?.audioEvents).toBe(5);
    client.destroy();
  });

  it('turns a mid-stream exception into one error result and ends', async () => {
    fake = await startFakeTranscribe(() => ({
      failAfterBytes: { bytes: 2048, type: 'LimitExceededException', message: 'too many streams' },
    }));
    const client = transcribeClientFor(fake.endpoint);
    const recognition = new TranscribeSpeechToText(client, silentLogger).open(
      { languageCode: 'en-US', sampleRate: 16_000 },
      new AbortController().signal,
    );
    const results = collect(recognition.results);
    for (let i = 0; i < 6; i++) recognition.send(frame());
    const seen = await results;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: 'error', code: 'voice.stt_throttled' });
    client.destroy();
  });

  it('reports a refused request as an error result', async () => {
    fake = await startFakeTranscribe(() => ({
      http: { status: 400, type: 'BadRequestException', message: 'bad language' },
    }));
    const client = transcribeClientFor(fake.endpoint);
    const recognition = new TranscribeSpeechToText(client, silentLogger).open(
      { languageCode: 'xx-XX', sampleRate: 16_000 },
      new AbortController().signal,
    );
    recognition.send(frame());
    const seen = await collect(recognition.results);
    expect(seen[0]).toMatchObject({ type: 'error', code: 'voice.stt_failed' });
    client.destroy();
  });
});
