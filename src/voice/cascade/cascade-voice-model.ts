import type { ModelId } from '../../domain/ids.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SpeechRecognition, SpeechToText } from '../../ports/speech-to-text.ts';
import type { ChatMessage, TextModel } from '../../ports/text-model.ts';
import type { SynthesisOptions, TextToSpeech } from '../../ports/text-to-speech.ts';
import type {
  VoiceConversation,
  VoiceEvent,
  VoiceModel,
  VoiceSessionOptions,
  VoiceTurn,
} from '../../ports/voice-model.ts';
import { EventQueue } from '../event-queue.ts';
import { frameDurationMs, type PcmFrame } from '../pcm.ts';
import { runCascadeTurn } from './cascade-turn.ts';

export interface CascadeSettings {
  readonly stt: SpeechToText;
  readonly tts: TextToSpeech;
  readonly textModel: TextModel;
  /** The chosen model first, then the /ask fallback chain. */
  readonly models: readonly ModelId[];
  readonly languageCode: string;
  readonly synthesis: SynthesisOptions;
  /** Silence after Transcribe's final result before the turn is answered. */
  readonly turnPauseMs: number;
  readonly maxTokens: number;
  readonly maxToolRounds: number;
  readonly log: Logger;
}

/** The second voice engine: Amazon Transcribe -> a Bedrock text model -> Amazon Polly, sentence by sentence. */
export class CascadeVoiceModel implements VoiceModel {
  readonly engine = 'cascade';
  readonly #settings: CascadeSettings;

  constructor(settings: CascadeSettings) {
    this.#settings = settings;
  }

  get modelId(): string | undefined {
    return this.#settings.models[0];
  }

  async open(options: VoiceSessionOptions, signal: AbortSignal): Promise<VoiceConversation> {
    return new CascadeConversation(this.#settings, options, signal);
  }
}

/** Speech is 16 kHz mono, as the conversation loop sends it. */
const INPUT_RATE = 16_000;

class CascadeConversation implements VoiceConversation {
  readonly events = new EventQueue<VoiceEvent>();
  readonly #settings: CascadeSettings;
  readonly #options: VoiceSessionOptions;
  readonly #closing = new AbortController();
  readonly #recognition: SpeechRecognition;
  readonly #history: ChatMessage[];
  #heard: string[] = [];
  /** Who is speaking (the loop's floor): the next user turn goes into the history as "Name: text". */
  #speaker: string | undefined;
  #pauseTimer: NodeJS.Timeout | undefined;
  #turn: AbortController | undefined;
  /** Audio streamed to Transcribe (which bills by the second) and not yet reported. */
  #streamedSeconds = 0;

  constructor(settings: CascadeSettings, options: VoiceSessionOptions, signal: AbortSignal) {
    this.#settings = settings;
    this.#options = options;
    this.#history = options.history.map(toMessage);
    signal.addEventListener('abort', () => void this.close(), { once: true });
    this.#recognition = settings.stt.open(
      { languageCode: settings.languageCode, sampleRate: INPUT_RATE },
      this.#closing.signal,
    );
    this.#listen().catch((error: unknown) => this.#fail('voice.stt_failed', error));
    if (options.answer) this.sendText(options.answer);
  }

  /** Text answered as a turn of its own, as Sonic's cross-modal input is (cuts an answer in progress). */
  sendText(text: string): void {
    const said = text.trim();
    if (!said || this.#closing.signal.aborted) return;
    this.#turn?.abort();
    this.#appendUser(said);
    this.#startAnswer();
  }

  speaker(name: string): void {
    this.#speaker = name;
  }

  sendAudio(frame: PcmFrame): void {
    if (this.#closing.signal.aborted) return;
    this.#recognition.send(frame);
    this.#streamedSeconds += frameDurationMs(frame) / 1000;
    // Reported once per second of audio rather than per frame; at most the last second goes unreported.
    if (this.#streamedSeconds >= 1) {
      this.#emit({ type: 'usage', usage: { meter: 'transcribe', audioSeconds: this.#streamedSeconds } });
      this.#streamedSeconds = 0;
    }
  }

  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    clearTimeout(this.#pauseTimer);
    this.#turn?.abort();
    this.#closing.abort();
    this.#recognition.end();
    this.events.end();
  }

  async #listen(): Promise<void> {
    for await (const result of this.#recognition.results) {
      if (result.type === 'error') {
        this.#emit({ type: 'error', code: result.code, message: result.message, recoverable: true });
        continue;
      }
      clearTimeout(this.#pauseTimer);
      if (result.text.trim()) this.#bargeIn();
      if (result.type === 'partial') {
        this.#emit({ type: 'transcript', role: 'user', text: [...this.#heard, result.text].join(' '), final: false });
      } else if (result.text.trim()) {
        this.#heard.push(result.text.trim());
        // No pause configured: answer now. A 0 ms timer would still wait for the event loop's timers phase,
        // behind every pending I/O callback (tens of ms on a loaded machine).
        if (this.#settings.turnPauseMs <= 0) this.#endOfTurn();
        else this.#pauseTimer = setTimeout(() => this.#endOfTurn(), this.#settings.turnPauseMs);
      }
    }
  }

  /** The user speaks while the bot thinks or talks: stop the answer and the playback at once. */
  #bargeIn(): void {
    if (!this.#turn) return;
    this.#turn.abort();
    this.#turn = undefined;
    this.#emit({ type: 'interrupted' });
  }

  #endOfTurn(): void {
    const said = this.#heard.join(' ');
    this.#heard = [];
    if (!said) return;
    this.#emit({ type: 'transcript', role: 'user', text: said, final: true });
    this.#appendUser(this.#speaker ? `${this.#speaker}: ${said}` : said);
    this.#startAnswer();
  }

  #startAnswer(): void {
    const turn = new AbortController();
    this.#turn = turn;
    this.#answer(turn).catch((error: unknown) => this.#fail('voice.turn_failed', error));
  }

  async #answer(turn: AbortController): Promise<void> {
    const s = this.#settings;
    const outcome = await runCascadeTurn(
      {
        textModel: s.textModel,
        tts: s.tts,
        models: modelChain(s.models, this.#options.textModel),
        synthesis: this.#options.voice ? { ...s.synthesis, voice: pollyVoiceName(this.#options.voice) } : s.synthesis,
        maxTokens: s.maxTokens,
        maxToolRounds: s.maxToolRounds,
        tools: this.#options.tools,
        caller: this.#options.caller,
        emit: (event) => {
          if (!turn.signal.aborted) this.#emit(event);
        },
        meter: (usage) => this.#emit({ type: 'usage', usage }),
        ...(this.#options.systemPrompt ? { systemPrompt: this.#options.systemPrompt } : {}),
      },
      this.#history,
      turn.signal,
    );
    if (outcome.answer) {
      this.#history.push(toMessage({ role: 'assistant', text: outcome.answer }));
      this.#emit({ type: 'transcript', role: 'assistant', text: outcome.answer, final: true });
    }
    if (outcome.failure && !turn.signal.aborted) {
      this.#emit({ type: 'error', code: outcome.failure.code, message: outcome.failure.message, recoverable: true });
    }
    if (this.#turn === turn) {
      this.#turn = undefined;
      this.#emit({ type: 'turnEnd' });
    }
  }

  /** Converse wants turns to alternate: a turn cut off before any answer merges into the next one. */
  #appendUser(text: string): void {
    const last = this.#history.at(-1);
    const only = last?.role === 'user' && last.content.length === 1 ? last.content[0] : undefined;
    if (only?.type === 'text') {
      this.#history[this.#history.length - 1] = toMessage({ role: 'user', text: `${only.text} ${text}` });
    } else {
      this.#history.push(toMessage({ role: 'user', text }));
    }
  }

  #emit(event: VoiceEvent): void {
    if (!this.#closing.signal.aborted) this.events.push(event);
  }

  #fail(code: string, error: unknown): void {
    this.#settings.log.warn({ err: error, code }, 'cascade voice session failed');
    this.#emit({
      type: 'error',
      code,
      message: error instanceof Error ? error.message : String(error),
      recoverable: true,
    });
  }
}

/** The model chosen at /join first, then the configured chain without it. */
const modelChain = (configured: readonly ModelId[], chosen: string | undefined): readonly ModelId[] =>
  chosen ? [chosen as ModelId, ...configured.filter((m) => m !== chosen)] : configured;

/** Polly voice ids are capitalised (`Joanna`); /join lower-cases what users type. */
const pollyVoiceName = (voice: string): string => voice.charAt(0).toUpperCase() + voice.slice(1);

const toMessage = (turn: VoiceTurn): ChatMessage => ({ role: turn.role, content: [{ type: 'text', text: turn.text }] });
