import { type BedrockRuntimeClient, InvokeModelWithBidirectionalStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { Logger } from '../../../src/ports/logger.ts';
import type {
  PreparedVoiceSession,
  VoiceConversation,
  VoiceEvent,
  VoiceSessionOptions,
  VoiceTurn,
} from '../../../src/ports/voice-model.ts';
import { EventQueue } from '../../../src/voice/event-queue.ts';
import type { PcmFrame } from '../../../src/voice/pcm.ts';
import { classifySonicError } from './errors.ts';
import { MAX_PART_BYTES, shapeHistory, splitBytes } from './history.ts';
import { InputQueue } from './input-queue.ts';
import { ModelEvents } from './model-events.ts';
import * as p from './protocol.ts';

export interface SonicSessionConfig extends p.SessionSettings {
  readonly modelId: string;
  readonly systemPrompt: string | undefined;
  /** When to emit `expiring` (and the loop prepares the next session), ahead of the service's ~8-minute limit. */
  readonly renewAfterMs: number;
  /** When the loop must have switched to the next session at the latest, counted from the stream's open. */
  readonly switchByMs: number;
  /** How long close() waits for the service to end the stream before cutting it. */
  readonly closeTimeoutMs: number;
  readonly maxQueuedAudio: number;
  readonly log: Logger;
  /** Sees each input event as the SDK takes it (benches measure send latency with it). */
  readonly onInputEvent: ((event: p.InputEvent) => void) | undefined;
}

type SessionOptions = Omit<VoiceSessionOptions, 'history' | 'answer'>;

/**
 * Interactive text must not open at the same instant as the audio block (LiveKit waits about 50 ms after the audio
 * contentStart before its first interactive text).
 */
const TEXT_AFTER_AUDIO_MS = 50;

/**
 * One bidirectional stream: the full event sequence in, the model's events out as our VoiceEvents. `prime` opens
 * the stream with the session, prompt and system prompt; `begin` adds the history and the audio block. A renewal
 * primes the next stream ahead of time and begins it at the switch (AWS's session-continuation sample).
 */
export class NovaSonicSession implements VoiceConversation, PreparedVoiceSession {
  readonly events = new EventQueue<VoiceEvent>();
  readonly #client: BedrockRuntimeClient;
  readonly #config: SonicSessionConfig;
  readonly #options: SessionOptions;
  readonly #abort = new AbortController();
  readonly #input: InputQueue;
  readonly #promptName = crypto.randomUUID();
  readonly #audioContent = crypto.randomUUID();
  readonly #model: ModelEvents;
  #expiry: NodeJS.Timeout | undefined;
  #textTimer: NodeJS.Timeout | undefined;
  #begun = false;
  #primedAt = 0;
  /** Texts waiting for the audio block to be open a little while (see TEXT_AFTER_AUDIO_MS). */
  #pendingTexts: { readonly text: string; readonly interactive: boolean }[] | undefined;
  #pumpDone: Promise<void> = Promise.resolve();
  #closing = false;
  readonly #parentSignal: AbortSignal;

  constructor(client: BedrockRuntimeClient, config: SonicSessionConfig, options: SessionOptions, signal: AbortSignal) {
    this.#client = client;
    this.#config = config;
    this.#options = options;
    this.#input = new InputQueue(config.maxQueuedAudio, config.onInputEvent);
    this.#model = new ModelEvents({
      log: config.log,
      outputSampleRate: config.outputSampleRate,
      tools: options.tools,
      caller: options.caller,
      signal: this.#abort.signal,
      emit: (event) => this.#emit(event),
      sendToolResult: (toolUseId, content) => {
        if (!this.#closing)
          for (const e of p.toolResultBlock(this.#promptName, toolUseId, content)) this.#input.push(e);
      },
    });
    // One conversation renews many sessions under the same signal: the listener goes with the session.
    this.#parentSignal = signal;
    if (signal.aborted) this.#teardown();
    else signal.addEventListener('abort', this.#onParentAbort, { once: true });
  }

  readonly #onParentAbort = (): void => void this.close();

  /**
   * Queues the opening events and starts the stream. It does not wait for the service: the SDK's send() resolves
   * only with the first response event, which Sonic may not send before the user speaks. Failures (HTTP 429 on
   * open included) arrive as an `error` event, never as a rejection.
   */
  prime(): this {
    const c = this.#config;
    const prompt = this.#promptName;
    this.#input.push(p.sessionStart(c));
    this.#input.push(p.promptStart(prompt, c, this.#options.tools));
    if (c.systemPrompt) for (const e of p.textBlock(prompt, 'SYSTEM', [c.systemPrompt])) this.#input.push(e);
    if (this.#closing) return this;
    this.#primedAt = performance.now();
    // The service's limit counts from the stream's open, not from begin().
    this.#expiry = setTimeout(
      () => this.#emit({ type: 'expiring', switchWithinMs: Math.max(0, c.switchByMs - c.renewAfterMs) }),
      c.renewAfterMs,
    );
    this.#pumpDone = this.#run();
    return this;
  }

  get alive(): boolean {
    return !this.#closing;
  }

  /** How long the stream has been open (the service cuts it at about 8 minutes). */
  get ageMs(): number {
    return this.#primedAt === 0 ? 0 : performance.now() - this.#primedAt;
  }

  begin(history: readonly VoiceTurn[], answer?: string): this {
    if (this.#begun) throw new Error('NovaSonicSession.begin() called twice');
    this.#begun = true;
    const prompt = this.#promptName;
    for (const turn of shapeHistory(history)) {
      for (const e of p.textBlock(prompt, turn.role, turn.parts)) this.#input.push(e);
    }
    this.#input.push(p.audioStart(prompt, this.#audioContent));
    this.#pendingTexts ??= [];
    this.#textTimer = setTimeout(() => this.#flushTexts(), TEXT_AFTER_AUDIO_MS);
    if (answer?.trim()) this.sendText(answer);
    return this;
  }

  sendText(text: string): void {
    this.#text(text, true);
  }

  /**
   * Who speaks next, as USER text the model reads but does not answer (`interactive: false`, like the history):
   * the speaker tag of Nova 2's cross-modal input ("[Alice]"), sent just before the speaker's audio.
   */
  speaker(name: string): void {
    this.#text(`[${name} is speaking]`, false);
  }

  #text(text: string, interactive: boolean): void {
    const content = text.trim();
    if (!content || this.#closing || this.#input.ended) return;
    if (!this.#begun || this.#pendingTexts) {
      this.#pendingTexts ??= [];
      this.#pendingTexts.push({ text: content, interactive });
      return;
    }
    for (const e of p.textBlock(this.#promptName, 'USER', splitBytes(content, MAX_PART_BYTES), interactive)) {
      this.#input.push(e);
    }
  }

  #flushTexts(): void {
    const texts = this.#pendingTexts ?? [];
    this.#pendingTexts = undefined;
    for (const { text, interactive } of texts) this.#text(text, interactive);
  }

  sendAudio(frame: PcmFrame): void {
    if (frame.sampleRate !== 16_000 || frame.channels !== 1) {
      throw new Error(
        `Nova Sonic takes 16 kHz mono PCM, got ${frame.sampleRate} Hz x${frame.channels}: resample with toFormat(frame, 16000, 1)`,
      );
    }
    if (!this.#begun || this.#closing || this.#input.ended) return;
    const { buffer, byteOffset, byteLength } = frame.samples;
    // Int16Array bytes are little-endian on every platform Node runs on, as LPCM wants.
    const content = Buffer.from(buffer, byteOffset, byteLength).toString('base64');
    this.#input.push(p.audioInput(this.#promptName, this.#audioContent, content));
  }

  /** Ends the stream politely (audio contentEnd, promptEnd, sessionEnd), waits a little for the service, then cuts. */
  async close(): Promise<void> {
    if (this.#closing) return this.#pumpDone;
    this.#closing = true;
    clearTimeout(this.#expiry);
    clearTimeout(this.#textTimer);
    if (!this.#input.ended) {
      // A prepared stream that never began has no audio block to end.
      if (this.#begun) this.#input.push(p.contentEnd(this.#promptName, this.#audioContent));
      this.#input.push(p.promptEnd(this.#promptName));
      this.#input.push(p.sessionEnd());
      this.#input.end();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#config.closeTimeoutMs);
      });
      await Promise.race([this.#pumpDone, timeout]);
      clearTimeout(timer);
    }
    this.#teardown();
  }

  /** Never rejects: every failure becomes one `error` event, then the session tears down. */
  async #run(): Promise<void> {
    try {
      const command = new InvokeModelWithBidirectionalStreamCommand({
        modelId: this.#config.modelId,
        body: this.#input,
      });
      // Always pass the signal: aborting is the only way to cancel the request and release the input generator.
      const { body } = await this.#client.send(command, { abortSignal: this.#abort.signal });
      if (!body) throw new Error('Nova Sonic answered without a response stream');
      for await (const part of body) {
        if (part.chunk?.bytes) {
          this.#model.handleBytes(part.chunk.bytes);
          continue;
        }
        // Exception members normally arrive thrown; handle them as values too.
        const problem = Object.values(part).find((v) => v instanceof Error);
        if (problem) throw problem;
      }
      if (!this.#closing) {
        this.#emit({
          type: 'error',
          code: 'voice.stream_ended',
          message: 'Nova Sonic ended the stream.',
          recoverable: true,
        });
      }
    } catch (error) {
      if (!this.#closing && !this.#abort.signal.aborted) this.#fail(error);
    } finally {
      this.#teardown();
    }
  }

  #fail(error: unknown): void {
    const failure = classifySonicError(error);
    this.#config.log.warn({ err: error, code: failure.code }, 'nova sonic stream failed');
    this.#emit({ type: 'error', ...failure });
  }

  #emit(event: VoiceEvent): void {
    this.events.push(event);
  }

  /** Idempotent: stops the timer, ends the input (so the SDK stops writing), aborts the request, ends the events. */
  #teardown(): void {
    clearTimeout(this.#expiry);
    clearTimeout(this.#textTimer);
    this.#parentSignal.removeEventListener('abort', this.#onParentAbort);
    this.#closing = true;
    this.#input.end();
    this.#abort.abort();
    this.events.end();
  }
}
