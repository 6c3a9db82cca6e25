import {
  type AudioStream,
  type LanguageCode,
  StartStreamTranscriptionCommand,
  type TranscribeStreamingClient,
} from '@aws-sdk/client-transcribe-streaming';
import type { Logger } from '../../src/ports/logger.ts';
import type {
  RecognitionEvent,
  RecognitionOptions,
  SpeechRecognition,
  SpeechToText,
} from '../../src/ports/speech-to-text.ts';
import { EventQueue } from '../../src/voice/event-queue.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';

/** Transcribe wants chunks of about 50-200 ms: 32 ms frames are batched to at least 64 ms. */
const MIN_CHUNK_MS = 64;

/** Amazon Transcribe streaming over HTTP/2: 16 kHz PCM in, partial and final transcripts out. */
export class TranscribeSpeechToText implements SpeechToText {
  readonly #client: TranscribeStreamingClient;
  readonly #log: Logger;

  constructor(client: TranscribeStreamingClient, log: Logger) {
    this.#client = client;
    this.#log = log;
  }

  open(options: RecognitionOptions, signal: AbortSignal): SpeechRecognition {
    const audio = new EventQueue<Uint8Array>();
    const results = new EventQueue<RecognitionEvent>();
    const minBytes = (options.sampleRate * 2 * MIN_CHUNK_MS) / 1000;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pendingBytes === 0) return;
      audio.push(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    async function* audioEvents(): AsyncIterable<AudioStream> {
      for await (const chunk of audio) yield { AudioEvent: { AudioChunk: chunk } };
    }
    const command = new StartStreamTranscriptionCommand({
      LanguageCode: options.languageCode as LanguageCode,
      MediaEncoding: 'pcm',
      MediaSampleRateHertz: options.sampleRate,
      AudioStream: audioEvents(),
    });
    this.#client
      .send(command, { abortSignal: signal })
      .then(async (response) => {
        for await (const event of response.TranscriptResultStream ?? []) {
          for (const result of event.TranscriptEvent?.Transcript?.Results ?? []) {
            const text = result.Alternatives?.[0]?.Transcript ?? '';
            results.push({ type: result.IsPartial ? 'partial' : 'final', text });
          }
          const failure = event.BadRequestException ?? event.LimitExceededException ?? event.InternalFailureException;
          if (failure ?? event.ConflictException ?? event.ServiceUnavailableException) {
            results.push(
              recognitionError(Object.keys(event)[0] ?? 'Exception', failure?.Message ?? 'Transcribe failed'),
            );
          }
        }
      })
      .catch((error: unknown) => {
        if (signal.aborted) return;
        this.#log.warn({ err: error }, 'transcribe stream failed');
        results.push(recognitionError(nameOf(error), error instanceof Error ? error.message : String(error)));
      })
      .finally(() => {
        audio.end();
        results.end();
      });
    return {
      send(frame: PcmFrame) {
        const bytes = Buffer.from(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
        pending.push(Buffer.from(bytes));
        pendingBytes += bytes.length;
        if (pendingBytes >= minBytes) flush();
      },
      end() {
        flush();
        audio.end();
      },
      results,
    };
  }
}

function recognitionError(type: string, message: string): RecognitionEvent {
  const kind = type.replace(/Exception$/i, '').toLowerCase();
  if (kind.includes('limitexceeded') || kind.includes('throttl')) {
    return { type: 'error', code: 'voice.stt_throttled', message: `Transcribe is busy: ${message}` };
  }
  if (kind.includes('credential')) {
    return { type: 'error', code: 'voice.no_credentials', message: 'Voice needs AWS credentials for Transcribe.' };
  }
  return { type: 'error', code: 'voice.stt_failed', message: `Transcribe failed: ${message}` };
}

const nameOf = (error: unknown): string => (error instanceof Error ? error.name : 'Error');
