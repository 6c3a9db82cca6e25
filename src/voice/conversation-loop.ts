import type { Tool, ToolCaller } from '../app/tools.ts';
import type { UserId } from '../domain/ids.ts';
import { assertNever } from '../domain/result.ts';
import { addVoiceUsage, emptyVoiceUsage, type VoiceUsage, type VoiceUsageSummary } from '../domain/voice/usage.ts';
import type { Logger } from '../ports/logger.ts';
import type {
  PreparedVoiceSession,
  VoiceConversation,
  VoiceEvent,
  VoiceModel,
  VoiceSessionOptions,
} from '../ports/voice-model.ts';
import { BargeInDetector } from './barge-in.ts';
import type { VoiceChannelIo } from './channel-io.ts';
import { type PacingClock, systemClock } from './clock.ts';
import { PacedInput } from './paced-input.ts';
import { frameRms } from './pcm.ts';
import { EventReader, historyForSwitch } from './renewal.ts';
import { ReplayBuffer } from './replay-buffer.ts';
import { SpeakerTurns } from './speaker-turns.ts';
import { TranscriptLines } from './transcript-lines.ts';
import { TurnTranscript } from './turn-transcript.ts';
import { forEachUntilAborted } from './until-aborted.ts';

export interface VoiceConversationSettings {
  readonly io: VoiceChannelIo;
  readonly model: VoiceModel;
  readonly tools: readonly Tool[];
  /** Who tools act for, from the allowed speaker heard last (undefined before anyone spoke). Decided by our code. */
  readonly caller: (speaker: UserId | undefined) => ToolCaller;
  readonly voice?: string;
  readonly systemPrompt?: string;
  /** The cascade's text model (a catalog key); see VoiceSessionOptions. */
  readonly textModel?: string;
  /** Post what each side said to the channel's chat. */
  readonly transcripts: boolean;
  /** Speakers the model hears; default everyone. */
  readonly allowed?: (speaker: UserId) => boolean;
  readonly clock?: PacingClock;
  readonly log: Logger;
  /** Consecutive failed sessions tolerated before the conversation ends, and the first backoff (doubling). */
  readonly retry?: { readonly attempts: number; readonly delayMs: number };
  /** User audio replayed into a renewed session (see ReplayBuffer). Default 3000 ms. */
  readonly replayMs?: number;
  /**
   * Talking over the bot this long stops it here, before the model notices (0 turns client-side barge-in off).
   * Shorter sounds (backchannels) do not interrupt. Default 300 ms.
   */
  readonly minBargeInMs?: number;
  /**
   * Sent as text to the first session once it is open, so the bot speaks first (Nova 2 Sonic's cross-modal
   * input; the cascade answers it as a turn). Not sent again on renewals.
   */
  readonly greeting?: string;
  /**
   * Sent as text when a tool has been running for `fillerAfterMs` (default 1 s) while nobody speaks and the bot is
   * silent, so the model says a short "one moment" instead of leaving dead air. Once per tool run.
   */
  readonly filler?: string;
  readonly fillerAfterMs?: number;
  /** The cost in USD of what the conversation used, when it can be priced (see voiceCostUsd). */
  readonly price?: (usage: VoiceUsage) => number | undefined;
  /** Called with each turn's voice-to-voice latency as it is measured (metrics). */
  readonly onVoiceToVoice?: (ms: number) => void;
}

export type VoiceEnd =
  | { readonly status: 'stopped' }
  | { readonly status: 'channel_closed' }
  | { readonly status: 'failed'; readonly code: string; readonly message: string };

/** What /voice status shows of a running conversation. */
export interface VoiceConversationStats {
  readonly engine: VoiceModel['engine'];
  /** The model answering (the cascade's chosen text model, or the engine's own). */
  readonly model: string | undefined;
  /** Sessions renewed before their time limit (failures reopened not counted). */
  readonly renewals: number;
  /** Answers whose first audio was played after someone spoke. */
  readonly turns: number;
  /** End of user speech (last voiced frame) -> first audio of the answer handed to playback, this conversation. */
  readonly voiceToVoiceMs: { readonly p50: number; readonly p95: number } | undefined;
}

export interface RunningVoiceConversation {
  stop(): Promise<void>;
  stats(): VoiceConversationStats;
  /** Resolves when the conversation ends for any reason (the surface may leave the channel then). Never rejects. */
  readonly done: Promise<VoiceEnd>;
  /** How long it ran and what it used so far, over every session (renewals included). */
  summary(): VoiceUsageSummary;
}

/**
 * The models take 16 kHz mono paced in real time. Sonic's docs use ~32 ms chunks, but any size works; 40 ms
 * (640 samples) is two whole 20 ms Discord packets, so a frame never waits for half a packet (32 ms frames
 * added up to 40 ms, 44 ms at p95, between a packet and the model).
 */
const INPUT_RATE = 16_000;
const FRAME_MS = 40;

/** Speech this loud (RMS) in a paced frame means someone is talking: a renewal waits for a pause. */
const VOICE_RMS = 500;
/** How long after the last voiced frame the user counts as quiet. */
const QUIET_MS = 400;
/** A prepared session that died is prepared again at most this often. */
const REPREPARE_MS = 5_000;

type Next =
  | { readonly kind: 'renew' }
  | { readonly kind: 'failure'; readonly code: string; readonly message: string; readonly recoverable: boolean };

/**
 * One voice conversation between a channel and a VoiceModel: speech in (mixed, paced, silence-filled), model
 * speech out, barge-in, transcripts, and sessions renewed before their time limit or after a recoverable failure,
 * carrying the history over. Each conversation is independent: nothing it does can reject or throw to its caller.
 */
export function startVoiceConversation(settings: VoiceConversationSettings): RunningVoiceConversation {
  const loop = new ConversationLoop(settings);
  loop.start();
  return { stop: () => loop.stop(), done: loop.done, summary: () => loop.summary(), stats: () => loop.stats() };
}

class ConversationLoop {
  readonly done: Promise<VoiceEnd>;
  readonly #s: VoiceConversationSettings;
  readonly #log: Logger;
  readonly #clock: PacingClock;
  readonly #paced: PacedInput;
  readonly #stop = new AbortController();
  readonly #lines = new TranscriptLines();
  readonly #transcript: TurnTranscript;
  /** Who holds the floor and who said each turn, when the channel can name its speakers. */
  readonly #speakers: SpeakerTurns | undefined;
  readonly #replay: ReplayBuffer;
  readonly #tasks: Promise<void>[] = [];
  readonly #closing = new Set<Promise<void>>();
  #resolveDone: (end: VoiceEnd) => void = () => {};
  #current: VoiceConversation | undefined;
  #ended = false;
  /** The model is answering: a due renewal waits for the end of the answer. */
  #busy = false;
  /** A renewal is due: its deadline (aborting cancels it) and the session prepared for it, if the engine can. */
  #renewal:
    | { readonly deadline: AbortController; next: PreparedVoiceSession | undefined; preparedAt: number }
    | undefined;
  /** Wakes #consume to switch sessions (at a turn boundary or the deadline). */
  #wake: (() => void) | undefined;
  #lastVoiceAt = Number.NEGATIVE_INFINITY;
  readonly #bargeIn: BargeInDetector | undefined;
  /** The user barged in here: the rest of the answer the model is still sending is not played. */
  #dropAnswer = false;
  #toolsRunning = 0;
  /** The current answer has played audio already (its latency is measured once). */
  #answering = false;
  #answeredVoiceAt = Number.NEGATIVE_INFINITY;
  readonly #latencies: number[] = [];
  #renewals = 0;
  #failures = 0;
  #usage = emptyVoiceUsage;
  readonly #startedAt: number;
  #endedAt: number | undefined;

  constructor(settings: VoiceConversationSettings) {
    this.#s = settings;
    this.#log = settings.log.child({ component: 'voice-loop', engine: settings.model.engine });
    this.#clock = settings.clock ?? systemClock;
    this.#startedAt = this.#clock.now();
    this.#replay = new ReplayBuffer(settings.replayMs ?? 3_000);
    this.#transcript = new TurnTranscript(settings.io, this.#log);
    const io = settings.io;
    this.#speakers = io.nameOf ? new SpeakerTurns((speaker) => io.nameOf?.(speaker)) : undefined;
    const minBargeInMs = settings.minBargeInMs ?? 300;
    this.#bargeIn = minBargeInMs > 0 ? new BargeInDetector(minBargeInMs, this.#clock) : undefined;
    this.#paced = new PacedInput({
      sampleRate: INPUT_RATE,
      frameMs: FRAME_MS,
      clock: this.#clock,
      ...(settings.allowed ? { allowed: settings.allowed } : {}),
    });
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  start(): void {
    for (const task of [this.#pumpSpeech(), this.#pumpFrames(), this.#run()]) {
      this.#tasks.push(task.catch((error: unknown) => this.#log.error({ err: error }, 'voice loop task failed')));
    }
  }

  async stop(): Promise<void> {
    await this.#finish({ status: 'stopped' });
    await Promise.all(this.#tasks);
    await Promise.all(this.#closing);
  }

  stats(): VoiceConversationStats {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
    return {
      engine: this.#s.model.engine,
      model: this.#s.textModel ?? this.#s.model.modelId,
      renewals: this.#renewals,
      turns: this.#latencies.length,
      voiceToVoiceMs: sorted.length === 0 ? undefined : { p50: at(0.5), p95: at(0.95) },
    };
  }

  summary(): VoiceUsageSummary {
    const durationMs = (this.#endedAt ?? this.#clock.now()) - this.#startedAt;
    const costUsd = this.#s.price?.(this.#usage);
    return costUsd === undefined ? { durationMs, usage: this.#usage } : { durationMs, usage: this.#usage, costUsd };
  }

  async #run(): Promise<void> {
    let session = await this.#open();
    if (session && this.#s.greeting) this.#safely(() => session?.sendText(this.#s.greeting ?? ''), 'sendText');
    while (session && !this.#ended) {
      const reader = new EventReader(session.events);
      const next = await this.#consume(reader);
      if (this.#ended) return;
      if (next.kind === 'failure') {
        this.#current = undefined;
        this.#closeLater(session);
        this.#settleAnswer(false);
        const retry = this.#s.retry ?? { attempts: 3, delayMs: 1_000 };
        this.#failures++;
        this.#log.warn({ code: next.code, failures: this.#failures }, 'voice session failed');
        if (!next.recoverable || this.#failures > retry.attempts) {
          await this.#post(`⚠️ Voice conversation ended: ${next.message} Use /join to start again.`);
          await this.#finish({ status: 'failed', code: next.code, message: next.message });
          return;
        }
        await this.#clock.sleep(retry.delayMs * 2 ** (this.#failures - 1), this.#stop.signal);
        if (this.#ended) return;
        session = await this.#open();
        continue;
      }
      const old = session;
      session = await this.#open();
      this.#renewals++;
      this.#log.info({ renewals: this.#renewals }, 'voice session renewed');
      this.#closeLater(old);
      // What the old stream still says (its last usage events) is counted; its speech is not played.
      void this.#drain(reader);
    }
  }

  /**
   * Opens the next session with the history so far (begins the prepared one when it is alive) and makes it
   * current; the old one keeps hearing audio until then. A trailing unanswered user turn is sent to be answered.
   */
  async #open(): Promise<VoiceConversation | undefined> {
    const s = this.#s;
    const prepared = this.#renewal?.next;
    this.#endRenewal();
    const { history, answer } = historyForSwitch(this.#lines.history);
    let session: VoiceConversation;
    try {
      if (prepared?.alive) {
        session = prepared.begin(history, answer);
      } else {
        if (prepared) this.#closeLater(prepared);
        session = await s.model.open(
          { ...this.#sessionOptions(), history, ...(answer === undefined ? {} : { answer }) },
          this.#stop.signal,
        );
      }
    } catch (error) {
      this.#log.error({ err: error }, 'voice model open threw');
      session = failedSession('voice.open_failed', 'The voice model could not start.');
    }
    if (this.#ended) {
      this.#closeLater(session);
      return undefined;
    }
    this.#current = session;
    this.#speakers?.newSession();
    // Synchronous with the switch: no paced frame can fall between the replay and the live audio.
    for (const frame of this.#replay.frames()) this.#send(session, frame);
    return session;
  }

  #sessionOptions(): Omit<VoiceSessionOptions, 'history' | 'answer'> {
    const s = this.#s;
    return {
      tools: s.tools,
      caller: () => s.caller(this.#paced.lastSpeaker),
      ...(s.voice === undefined ? {} : { voice: s.voice }),
      ...(s.systemPrompt === undefined ? {} : { systemPrompt: s.systemPrompt }),
      ...(s.textModel === undefined ? {} : { textModel: s.textModel }),
    };
  }

  /** The session nears its limit: prepare the next one now, switch at a turn boundary or by the deadline. */
  #renewalDue(switchWithinMs: number): void {
    if (this.#renewal) return;
    const deadline = new AbortController();
    this.#renewal = { deadline, next: undefined, preparedAt: this.#clock.now() };
    this.#prepare();
    const stop = AbortSignal.any([deadline.signal, this.#stop.signal]);
    void this.#clock.sleep(switchWithinMs, stop).then(() => {
      if (stop.aborted) return;
      this.#log.info({ busy: this.#busy }, 'voice session renewal deadline: switching now');
      this.#switchNow();
    });
    this.#maybeSwitch();
  }

  #prepare(): void {
    const renewal = this.#renewal;
    if (!renewal || !this.#s.model.prepare) return;
    if (renewal.next) this.#closeLater(renewal.next);
    try {
      renewal.next = this.#s.model.prepare(this.#sessionOptions(), this.#stop.signal);
    } catch (error) {
      this.#log.warn({ err: error }, 'could not prepare the next voice session');
      renewal.next = undefined;
    }
    renewal.preparedAt = this.#clock.now();
  }

  /** Switches when a renewal is due and nobody is in the middle of a turn (the model answering, a user talking). */
  #maybeSwitch(): void {
    if (!this.#renewal || this.#busy) return;
    if (this.#clock.now() - this.#lastVoiceAt < QUIET_MS) return;
    this.#switchNow();
  }

  #switchNow(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #endRenewal(): void {
    this.#renewal?.deadline.abort();
    this.#renewal = undefined;
  }

  async #drain(reader: EventReader<VoiceEvent>): Promise<void> {
    try {
      for (;;) {
        const result = await reader.next();
        reader.taken();
        if (result.done) return;
        if (result.value.type === 'usage') this.#usage = addVoiceUsage(this.#usage, result.value.usage);
      }
    } catch {
      // The old stream's end is no concern of the new one.
    }
  }

  async #consume(reader: EventReader<VoiceEvent>): Promise<Next> {
    const switching = new Promise<'switch'>((resolve) => {
      this.#wake = () => resolve('switch');
    });
    try {
      for (;;) {
        const result = await Promise.race([reader.next(), switching]);
        if (this.#ended) break;
        if (result === 'switch') return { kind: 'renew' };
        reader.taken();
        if (result.done) break;
        const next = this.#handle(result.value);
        if (next) return next;
      }
    } catch (error) {
      this.#log.error({ err: error }, 'voice session events threw');
      return {
        kind: 'failure',
        code: 'voice.session_crashed',
        message: 'The voice session crashed.',
        recoverable: true,
      };
    } finally {
      this.#wake = undefined;
    }
    return { kind: 'failure', code: 'voice.session_ended', message: 'The voice session ended.', recoverable: true };
  }

  #handle(event: VoiceEvent): Next | undefined {
    switch (event.type) {
      case 'audio':
        this.#busy = true;
        this.#failures = 0;
        if (this.#dropAnswer) return undefined;
        if (!this.#answering) this.#answerStarts();
        this.#bargeIn?.played(event.frame);
        this.#safely(() => this.#s.io.play(event.frame), 'play');
        return undefined;
      case 'transcript':
        this.#failures = 0;
        // A finished user sentence is owed an answer: a due renewal waits for it too.
        if (event.role === 'assistant' || event.final) this.#busy = true;
        if (!event.final) return undefined;
        if (event.role === 'assistant') {
          this.#transcribe('answer', this.#lines.assistant(event.text));
          return undefined;
        }
        this.#replay.clear();
        // What the model says after hearing the user is a new answer, played again.
        this.#dropAnswer = false;
        // An answer still gathered when the user speaks again ends here.
        this.#transcribe('done', this.#lines.answerDone(false), true);
        this.#transcribe('add', this.#lines.user(event.text, this.#speakers?.turnDone()));
        return undefined;
      case 'interrupted':
        // Barge-in: silence first, everything else after.
        this.#safely(() => this.#s.io.stopPlayback(), 'stopPlayback');
        this.#bargeIn?.stopped();
        this.#dropAnswer = false;
        this.#settleAnswer(true);
        // AWS's continuation sample switches on an interruption too: the user's words are in the replay buffer.
        return this.#renewal ? { kind: 'renew' } : undefined;
      case 'turnEnd':
        this.#dropAnswer = false;
        this.#replay.clear();
        this.#settleAnswer(false);
        return this.#renewal && this.#clock.now() - this.#lastVoiceAt >= QUIET_MS ? { kind: 'renew' } : undefined;
      case 'tool':
        this.#failures = 0;
        if (event.status === 'started') {
          this.#toolsRunning++;
          this.#fillLater();
          this.#transcribe('add', `🔧 ${event.name}`);
        } else {
          this.#toolsRunning = Math.max(0, this.#toolsRunning - 1);
        }
        return undefined;
      case 'expiring':
        this.#renewalDue(event.switchWithinMs);
        return undefined;
      case 'error':
        return { kind: 'failure', code: event.code, message: event.message, recoverable: event.recoverable };
      case 'usage':
        this.#usage = addVoiceUsage(this.#usage, event.usage);
        return undefined;
      default:
        return assertNever(event, 'voice event');
    }
  }

  /** A tool still running after a while, nobody talking, the bot silent: the model is asked for a short filler. */
  #fillLater(): void {
    const filler = this.#s.filler;
    if (!filler) return;
    const startedAt = this.#toolsRunning;
    void this.#clock.sleep(this.#s.fillerAfterMs ?? 1_000, this.#stop.signal).then(() => {
      if (this.#ended || this.#toolsRunning < startedAt) return;
      const quiet = this.#clock.now() - this.#lastVoiceAt >= QUIET_MS;
      if (!quiet || this.#bargeIn?.speaking) return;
      this.#safely(() => this.#current?.sendText(filler), 'sendText');
    });
  }

  /** The user talked over the bot long enough: silence now; the model's own barge-in follows (or not). */
  #clientBargeIn(): void {
    this.#log.debug({ minBargeInMs: this.#s.minBargeInMs ?? 300 }, 'client-side barge-in');
    this.#safely(() => this.#s.io.stopPlayback(), 'stopPlayback');
    this.#bargeIn?.stopped();
    this.#answering = false;
    this.#dropAnswer = true;
    this.#transcribe('done', this.#lines.answerDone(true));
  }

  /** The first audio of an answer: how long after the user stopped talking (measured here, logged per turn). */
  #answerStarts(): void {
    this.#answering = true;
    const spokeAt = this.#lastVoiceAt;
    if (spokeAt === Number.NEGATIVE_INFINITY || spokeAt === this.#answeredVoiceAt) return;
    this.#answeredVoiceAt = spokeAt;
    const ms = Math.max(0, this.#clock.now() - spokeAt);
    this.#latencies.push(ms);
    if (this.#latencies.length > 500) this.#latencies.shift();
    this.#log.info({ voiceToVoiceMs: Math.round(ms), turn: this.#latencies.length }, 'voice turn answered');
    this.#safely(() => this.#s.onVoiceToVoice?.(ms), 'onVoiceToVoice');
  }

  #settleAnswer(interrupted: boolean): void {
    this.#answering = false;
    this.#busy = false;
    this.#transcribe('done', this.#lines.answerDone(interrupted));
  }

  async #pumpFrames(): Promise<void> {
    for await (const frame of this.#paced.frames(this.#stop.signal)) {
      const voiced = frameRms(frame) >= VOICE_RMS;
      if (voiced) this.#lastVoiceAt = this.#clock.now();
      if (this.#bargeIn?.heard(FRAME_MS, voiced)) this.#clientBargeIn();
      this.#replay.add(frame, voiced);
      const announce = this.#speakers?.frame(this.#paced.frameSpeaker, this.#clock.now(), FRAME_MS);
      const session = this.#current;
      if (session) {
        // The name goes just before the speaker's first words, so the model hears who before what.
        if (announce !== undefined) this.#safely(() => session.speaker?.(announce), 'speaker');
        this.#send(session, frame);
      }
      const renewal = this.#renewal;
      if (renewal) {
        if (renewal.next && !renewal.next.alive && this.#clock.now() - renewal.preparedAt >= REPREPARE_MS) {
          this.#prepare();
        }
        this.#maybeSwitch();
      }
    }
  }

  /** Speech until the channel closes, then the conversation ends. */
  async #pumpSpeech(): Promise<void> {
    try {
      const how = await forEachUntilAborted(this.#s.io.speech, this.#stop.signal, ({ speaker, frame }) =>
        this.#paced.push(speaker, frame),
      );
      if (how === 'aborted') return;
    } catch (error) {
      this.#log.warn({ err: error }, 'voice input failed');
    }
    await this.#finish({ status: 'channel_closed' });
  }

  #send(session: VoiceConversation, frame: Parameters<VoiceConversation['sendAudio']>[0]): void {
    this.#safely(() => session.sendAudio(frame), 'sendAudio');
  }

  async #finish(end: VoiceEnd): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#endedAt = this.#clock.now();
    this.#stop.abort();
    // An answer cut off by the end still gets its last words in the transcript.
    this.#transcribe('done', this.#lines.answerDone(true), true);
    const session = this.#current;
    this.#current = undefined;
    if (session) this.#closeLater(session);
    const prepared = this.#renewal?.next;
    this.#endRenewal();
    if (prepared) this.#closeLater(prepared);
    await Promise.all(this.#closing);
    this.#log.info({ end: end.status }, 'voice conversation ended');
    this.#resolveDone(end);
  }

  #closeLater(session: { close(): Promise<void> }): void {
    const closing = session
      .close()
      .catch((error: unknown) => this.#log.warn({ err: error }, 'voice session close failed'))
      .finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }

  /**
   * The transcript, when on: `add` opens or extends the turn's message, `answer` shows the answer so far, `done`
   * ends the answer (and the turn). `onlyIfSaid`: a `done` without a line (nothing was answered) changes nothing.
   */
  #transcribe(kind: 'add' | 'answer' | 'done', line: string | undefined, onlyIfSaid = false): void {
    if (!this.#s.transcripts) return;
    if (kind === 'done') {
      if (line !== undefined || !onlyIfSaid) this.#transcript.done(line);
    } else if (line !== undefined) {
      if (kind === 'add') this.#transcript.add(line);
      else this.#transcript.answer(line);
    }
  }

  /** Posts a line that is not part of the transcript (why the conversation ended); never rejects. */
  async #post(line: string): Promise<void> {
    try {
      await this.#s.io.post(line);
    } catch (error) {
      this.#log.warn({ err: error }, 'voice channel post failed');
    }
  }

  #safely(action: () => void, what: string): void {
    try {
      action();
    } catch (error) {
      this.#log.error({ err: error, what }, 'voice io call threw');
    }
  }
}

/** Stands in for a session whose open threw, so the run loop has one failure path. */
function failedSession(code: string, message: string): VoiceConversation {
  return {
    sendAudio() {},
    sendText() {},
    events: (async function* () {
      yield { type: 'error', code, message, recoverable: true } satisfies VoiceEvent;
    })(),
    close: async () => {},
  };
}
