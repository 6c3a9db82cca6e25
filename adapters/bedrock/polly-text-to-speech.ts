import { type Engine, type PollyClient, SynthesizeSpeechCommand, type VoiceId } from '@aws-sdk/client-polly';
import { SpeechSynthesisError, type SynthesisOptions, type TextToSpeech } from '../../src/ports/text-to-speech.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';

/** Polly's PCM output is 16-bit mono at 8 or 16 kHz; 16 kHz is the better of the two. */
const SAMPLE_RATE = 16_000;

/** Amazon Polly SynthesizeSpeech, PCM streamed back as it downloads. */
export class PollyTextToSpeech implements TextToSpeech {
  readonly #client: PollyClient;

  constructor(client: PollyClient) {
    this.#client = client;
  }

  async *synthesize(text: string, options: SynthesisOptions, signal: AbortSignal): AsyncIterable<PcmFrame> {
    let audio: AsyncIterable<Uint8Array>;
    try {
      const output = await this.#client.send(
        new SynthesizeSpeechCommand({
          Text: text,
          VoiceId: options.voice as VoiceId,
          Engine: options.engine as Engine,
          OutputFormat: 'pcm',
          SampleRate: String(SAMPLE_RATE),
        }),
        { abortSignal: signal },
      );
      if (!output.AudioStream) throw new SpeechSynthesisError('voice.tts_failed', 'Polly returned no audio.');
      audio = output.AudioStream as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (signal.aborted) return;
      throw asSynthesisError(error);
    }
    let carry: Uint8Array | undefined;
    try {
      for await (const chunk of audio) {
        if (signal.aborted) return;
        const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
        const even = bytes.length - (bytes.length % 2);
        carry = even < bytes.length ? bytes.slice(even) : undefined;
        if (even === 0) continue;
        // Copy: the chunk's buffer may be reused, and Int16Array needs 2-byte alignment.
        const samples = new Int16Array(even / 2);
        new Uint8Array(samples.buffer).set(bytes.subarray(0, even));
        yield { sampleRate: SAMPLE_RATE, channels: 1, samples };
      }
    } catch (error) {
      if (signal.aborted) return;
      throw asSynthesisError(error);
    }
  }
}

function asSynthesisError(error: unknown): SpeechSynthesisError {
  if (error instanceof SpeechSynthesisError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (/credential/i.test(name) || /credential/i.test(message)) {
    return new SpeechSynthesisError('voice.no_credentials', 'Voice needs AWS credentials for Polly.');
  }
  if (/throttl/i.test(name)) return new SpeechSynthesisError('voice.tts_throttled', `Polly is busy: ${message}`);
  return new SpeechSynthesisError('voice.tts_failed', `Polly failed (${name}): ${message}`);
}
