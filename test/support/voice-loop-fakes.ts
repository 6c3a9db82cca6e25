import type { UserId } from '../../src/domain/ids.ts';
import type {
  PreparedVoiceSession,
  VoiceConversation,
  VoiceEvent,
  VoiceModel,
  VoiceSessionOptions,
  VoiceTurn,
} from '../../src/ports/voice-model.ts';
import type { EditableMessages, SpeakerFrame, VoiceChannelIo } from '../../src/voice/channel-io.ts';
import { EventQueue } from '../../src/voice/event-queue.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';

/** A voice channel in memory: the test pushes speech, reads what was played and posted. */
export class MemoryChannelIo implements VoiceChannelIo {
  readonly speech = new EventQueue<SpeakerFrame>();
  /** Everything played, and what is still "queued" (emptied by stopPlayback, as a real player would). */
  readonly played: PcmFrame[] = [];
  queued: PcmFrame[] = [];
  readonly lines: string[] = [];
  stops = 0;
  /** Makes post() reject, as a chat API outage would. */
  postFails = false;
  /** Display names by speaker: set it to let the loop name speakers (as Discord does). */
  nameOf?: (speaker: UserId) => string | undefined;
  /** Set it to give the loop editable messages (as Discord does). */
  messages?: EditableMessages;

  say(speaker: UserId, frame: PcmFrame): void {
    this.speech.push({ speaker, frame });
  }

  play(frame: PcmFrame): void {
    this.played.push(frame);
    this.queued.push(frame);
  }

  stopPlayback(): void {
    this.stops++;
    this.queued = [];
  }

  async post(line: string): Promise<void> {
    if (this.postFails) throw new Error('chat is down');
    this.lines.push(line);
  }

  /** The channel closes (the bot was disconnected). */
  close(): void {
    this.speech.end();
  }
}

/** One session opened on the ScriptedVoiceModel: the test emits its events and reads the audio it received. */
export class ScriptedSession implements VoiceConversation {
  readonly events = new EventQueue<VoiceEvent>();
  readonly audio: PcmFrame[] = [];
  /** Cross-modal text the loop sent, in order. */
  readonly texts: string[] = [];
  /** Speakers announced, with how many audio frames the session had received before each. */
  readonly speakers: { readonly name: string; readonly atFrame: number }[] = [];
  readonly options: VoiceSessionOptions;
  closed = false;
  /** Makes the events iteration throw, as a buggy adapter would. */
  crash: Error | undefined;

  constructor(options: VoiceSessionOptions) {
    this.options = options;
  }

  sendAudio(frame: PcmFrame): void {
    if (this.closed) throw new Error('sendAudio after close');
    this.audio.push(frame);
  }

  sendText(text: string): void {
    if (this.closed) throw new Error('sendText after close');
    this.texts.push(text);
  }

  speaker(name: string): void {
    if (this.closed) throw new Error('speaker after close');
    this.speakers.push({ name, atFrame: this.audio.length });
  }

  emit(...events: VoiceEvent[]): void {
    for (const event of events) this.events.push(event);
  }

  fail(error: Error): void {
    this.events.fail(error);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.events.end();
  }
}

/** A session prepared ahead of a renewal; `begin` makes it a ScriptedSession and records it. */
export class ScriptedPrepared implements PreparedVoiceSession {
  alive = true;
  closed = false;
  begun: { history: readonly VoiceTurn[]; answer: string | undefined } | undefined;
  readonly #options: Omit<VoiceSessionOptions, 'history' | 'answer'>;
  readonly #model: ScriptedVoiceModel;

  constructor(model: ScriptedVoiceModel, options: Omit<VoiceSessionOptions, 'history' | 'answer'>) {
    this.#model = model;
    this.#options = options;
  }

  begin(history: readonly VoiceTurn[], answer?: string): VoiceConversation {
    if (this.begun) throw new Error('begin twice');
    this.begun = { history, answer };
    return this.#model.add({ ...this.#options, history, ...(answer === undefined ? {} : { answer }) });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.alive = false;
  }
}

/** A VoiceModel whose sessions the test drives by hand; with `preparable` it also prepares sessions ahead. */
export class ScriptedVoiceModel implements VoiceModel {
  readonly engine = 'sonic';
  readonly sessions: ScriptedSession[] = [];
  readonly prepared: ScriptedPrepared[] = [];
  prepare?: NonNullable<VoiceModel['prepare']>;
  /** Called on each open; may emit events at once (e.g. an error for "throttled on open"). */
  onOpen: ((session: ScriptedSession, index: number) => void) | undefined;
  #waiters: (() => void)[] = [];

  constructor(options: { preparable?: boolean } = {}) {
    if (options.preparable) {
      this.prepare = (o) => {
        const prepared = new ScriptedPrepared(this, o);
        this.prepared.push(prepared);
        return prepared;
      };
    }
  }

  async open(options: VoiceSessionOptions, _signal: AbortSignal): Promise<VoiceConversation> {
    return this.add(options);
  }

  add(options: VoiceSessionOptions): ScriptedSession {
    const session = new ScriptedSession(options);
    this.sessions.push(session);
    this.onOpen?.(session, this.sessions.length - 1);
    for (const wake of this.#waiters.splice(0)) wake();
    return session;
  }

  async session(index: number): Promise<ScriptedSession> {
    while (this.sessions.length <= index) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    return this.sessions[index] as ScriptedSession;
  }
}

/** Waits for a condition, failing with `what` after a generous bound instead of hanging the run. */
export async function until(condition: () => boolean, what: string, step: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (condition()) return;
    await step();
  }
  throw new Error(`never happened: ${what}`);
}

export const speechFrame = (value: number, samples = 960, sampleRate = 48_000): PcmFrame => ({
  sampleRate,
  channels: 1,
  samples: new Int16Array(samples).fill(value),
});

/** Editable chat messages in memory: every post and edit, in order, and each message's text now. */
export class MemoryMessages implements EditableMessages {
  readonly maxLength: number;
  readonly editIntervalMs: number;
  readonly calls: (
    | { readonly kind: 'post'; readonly text: string }
    | { readonly kind: 'edit'; readonly id: string; readonly text: string }
  )[] = [];
  readonly texts = new Map<string, string>();

  constructor(options: { maxLength?: number; editIntervalMs?: number } = {}) {
    this.maxLength = options.maxLength ?? 2000;
    this.editIntervalMs = options.editIntervalMs ?? 0;
  }

  async post(text: string): Promise<string> {
    const id = String(this.texts.size + 1);
    this.calls.push({ kind: 'post', text });
    this.texts.set(id, text);
    return id;
  }

  async edit(id: string, text: string): Promise<void> {
    if (!this.texts.has(id)) throw new Error(`no message ${id}`);
    this.calls.push({ kind: 'edit', id, text });
    this.texts.set(id, text);
  }
}
