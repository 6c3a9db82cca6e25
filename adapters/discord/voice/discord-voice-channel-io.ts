import type { Readable } from 'node:stream';
import { type EndBehavior, EndBehaviorType } from '@discordjs/voice';
import { localIdOf, platformOf, type UserId, userId } from '../../../src/domain/ids.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import type { EditableMessages, SpeakerFrame, VoiceChannelIo } from '../../../src/voice/channel-io.ts';
import { type PacingClock, systemClock } from '../../../src/voice/clock.ts';
import { EventQueue } from '../../../src/voice/event-queue.ts';
import { JitterBuffer } from '../../../src/voice/jitter-buffer.ts';
import type { PcmFrame } from '../../../src/voice/pcm.ts';
import { SpeakerOpusDecoder, type SpeakerPacketStats } from './opus-decoder.ts';
import { DiscordPlaybackSink, type PlayerLike } from './playback-sink.ts';

/** The part of @discordjs/voice's VoiceReceiver we use (structural, so tests can drive it without a gateway). */
export interface ReceiverLike {
  readonly speaking: {
    on(event: 'start', listener: (userId: string) => void): unknown;
    off(event: 'start', listener: (userId: string) => void): unknown;
    readonly users: ReadonlyMap<string, number>;
  };
  subscribe(userId: string, options: { end: EndBehavior }): Readable;
}

export interface DiscordVoiceChannelIoOptions {
  readonly receiver: ReceiverLike;
  readonly player: PlayerLike;
  /** Sends one line to the voice channel's text chat. */
  readonly send: (line: string) => Promise<void>;
  /** Discord user ids to hear; undefined hears everyone. */
  readonly listenTo?: ReadonlySet<string>;
  /** Transcript messages the loop edits as a turn grows (see VoiceChannelIo.messages). */
  readonly messages?: EditableMessages;
  /** A Discord user's display name. */
  readonly displayNameOf?: (discordUserId: string) => string | undefined;
  readonly log: Logger;
  readonly clock?: PacingClock;
  /**
   * Called when receiving is broken: stream errors (DAVE decryption) past a threshold, or the watchdog saw a
   * speaker's packets arrive for `stallMs` with nothing decoded ("connected but deaf"). The session should
   * rejoin; the count starts again after each call.
   */
  readonly onReceiveFailure?: (why: ReceiveFailure, error?: unknown) => void;
  /** How long a speaker may send packets with none decoded before the watchdog calls it deaf. Default 3 s. */
  readonly stallMs?: number;
  /** Silence after which a speaker's subscription ends (a new one starts with their next packet). */
  readonly afterSilenceMs?: number;
  /** CPU per frame (metrics): decoding a received Opus packet, and handing an answer frame to playback. */
  readonly onFrameCpu?: (stage: 'decode' | 'playback', ms: number) => void;
}

export type ReceiveFailure = 'decrypt' | 'deaf';

/** What one speaker's receive did so far (for logs and status): packets over every subscription, and failures. */
export interface SpeakerReceiveStats extends SpeakerPacketStats {
  /** Streams the receiver destroyed with an error (DAVE or transport decryption); their frames were dropped. */
  failures: number;
}

/**
 * Stream errors within this window that make receiving count as broken. The receiver only errors a stream once
 * the DAVE session has already dropped `decryptionFailureTolerance` frames in a row, so a few are a real signal.
 */
const FAILURE_WINDOW_MS = 30_000;
const MAX_FAILURES = 3;
const WATCHDOG_TICK_MS = 1_000;
const STALL_MS = 3_000;

interface Subscription {
  readonly stream: Readable;
  readonly decoder: SpeakerOpusDecoder;
}

/**
 * One Discord voice channel as the conversation loop sees it: each allowed speaker's Opus packets decoded to
 * 48 kHz stereo `SpeakerFrame`s; model speech through a jitter buffer into an AudioPlayer; lines to the chat.
 */
export class DiscordVoiceChannelIo implements VoiceChannelIo {
  readonly #options: DiscordVoiceChannelIoOptions;
  readonly #speech = new EventQueue<SpeakerFrame>();
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #playback: JitterBuffer;
  readonly #failures: number[] = [];
  readonly #stats = new Map<string, SpeakerReceiveStats>();
  readonly #speakingSince = new Map<string, number>();
  readonly #lastDecoded = new Map<string, number>();
  readonly #clock: PacingClock;
  readonly #stop = new AbortController();
  readonly #onStart = (id: string): void => this.#subscribe(id);
  readonly messages: EditableMessages | undefined;
  #closed = false;

  constructor(options: DiscordVoiceChannelIoOptions) {
    this.#options = options;
    this.messages = options.messages;
    this.#playback = new JitterBuffer({
      sink: new DiscordPlaybackSink(options.player),
      ...(options.clock ? { clock: options.clock } : {}),
      onError: (error) => options.log.error({ err: error }, 'voice playback failed'),
    });
    this.#clock = options.clock ?? systemClock;
    options.receiver.speaking.on('start', this.#onStart);
    for (const id of options.receiver.speaking.users.keys()) this.#subscribe(id);
    void this.#watch();
  }

  /** Per Discord user id: packets received, decoded, lost and concealed, and receive failures so far. */
  receiveStats(): ReadonlyMap<string, Readonly<SpeakerReceiveStats>> {
    const now = new Map<string, SpeakerReceiveStats>();
    for (const [id, done] of this.#stats) {
      const live = this.#subscriptions.get(id)?.decoder.stats;
      now.set(id, {
        failures: done.failures,
        received: done.received + (live?.received ?? 0),
        decoded: done.decoded + (live?.decoded ?? 0),
        lost: done.lost + (live?.lost ?? 0),
        concealed: done.concealed + (live?.concealed ?? 0),
      });
    }
    return now;
  }

  nameOf(speaker: UserId): string | undefined {
    return platformOf(speaker) === 'discord' ? this.#options.displayNameOf?.(localIdOf(speaker)) : undefined;
  }

  get speech(): AsyncIterable<SpeakerFrame> {
    return this.#speech;
  }

  play(frame: PcmFrame): void {
    if (this.#closed) return;
    const cpu = this.#options.onFrameCpu;
    const started = cpu ? performance.now() : 0;
    this.#playback.push(frame);
    cpu?.('playback', performance.now() - started);
  }

  stopPlayback(): void {
    this.#playback.clear();
  }

  async post(line: string): Promise<void> {
    try {
      await this.#options.send(line);
    } catch (error) {
      // The chat line is a courtesy: a missing permission must not break the conversation.
      this.#options.log.warn({ err: error }, 'could not post to the voice channel chat');
    }
  }

  /** Ends the speech stream and stops playback and all subscriptions. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    this.#options.receiver.speaking.off('start', this.#onStart);
    for (const [id, sub] of this.#subscriptions) this.#unsubscribe(id, sub);
    this.#playback.clear();
    this.#speech.end();
  }

  #subscribe(id: string): void {
    if (this.#closed || this.#subscriptions.has(id)) return;
    if (this.#options.listenTo && !this.#options.listenTo.has(id)) return;
    const speaker = userId('discord', id);
    const stream = this.#options.receiver.subscribe(id, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: this.#options.afterSilenceMs ?? 1_000 },
    });
    if (stream.readableEnded || stream.destroyed) {
      // The receiver handed back a stream that is still closing: retry once it is gone.
      stream.once('close', () => this.#subscribe(id));
      return;
    }
    this.#statsOf(id);
    const decoder = new SpeakerOpusDecoder(
      (frame) => {
        this.#lastDecoded.set(id, this.#clock.now());
        this.#speech.push({ speaker, frame });
      },
      (error) => this.#options.log.warn({ err: error, speaker }, 'dropped an undecodable Opus packet'),
      () => this.#options.clock?.now() ?? performance.now(),
    );
    const sub = { stream, decoder };
    this.#subscriptions.set(id, sub);
    const cpu = this.#options.onFrameCpu;
    stream.on(
      'data',
      cpu
        ? (packet: Buffer) => {
            const started = performance.now();
            decoder.decode(packet);
            cpu('decode', performance.now() - started);
          }
        : (packet: Buffer) => decoder.decode(packet),
    );
    // The receiver destroys a speaker's stream with an error when DAVE decryption keeps failing.
    stream.on('error', (error) => this.#failed(id, error));
    stream.once('close', () => {
      this.#unsubscribe(id, sub);
      // Speaking may have resumed while this stream was ending (discordjs/discord.js#8438): listen again.
      if (this.#options.receiver.speaking.users.has(id)) this.#subscribe(id);
    });
  }

  #unsubscribe(id: string, sub: Subscription): void {
    if (this.#subscriptions.get(id) !== sub) return;
    this.#subscriptions.delete(id);
    // The decoder's counts join the speaker's totals (a speaker gets a new subscription after each silence).
    const totals = this.#statsOf(id);
    totals.received += sub.decoder.stats.received;
    totals.decoded += sub.decoder.stats.decoded;
    totals.lost += sub.decoder.stats.lost;
    totals.concealed += sub.decoder.stats.concealed;
    sub.decoder.close();
    sub.stream.destroy();
  }

  #statsOf(id: string): SpeakerReceiveStats {
    let stats = this.#stats.get(id);
    if (!stats) {
      stats = { received: 0, decoded: 0, lost: 0, concealed: 0, failures: 0 };
      this.#stats.set(id, stats);
    }
    return stats;
  }

  /** The frame is already dropped; count it and ask for a rejoin past the threshold (never end the talk here). */
  #failed(id: string, error: unknown): void {
    this.#statsOf(id).failures++;
    this.#options.log.warn({ err: error, speaker: id }, 'voice receive failed; frame dropped');
    const now = this.#clock.now();
    this.#failures.push(now);
    while ((this.#failures[0] ?? now) < now - FAILURE_WINDOW_MS) this.#failures.shift();
    if (this.#failures.length < MAX_FAILURES) return;
    this.#failures.length = 0;
    this.#options.onReceiveFailure?.('decrypt', error);
  }

  /**
   * The watchdog: Discord's speaking map says a speaker's packets are arriving (it is fed before decryption),
   * but for `stallMs` nothing of theirs was decoded: the connection is connected but deaf.
   */
  async #watch(): Promise<void> {
    const stallMs = this.#options.stallMs ?? STALL_MS;
    while (!this.#closed) {
      await this.#clock.sleep(WATCHDOG_TICK_MS, this.#stop.signal);
      if (this.#closed) return;
      const now = this.#clock.now();
      const speaking = this.#options.receiver.speaking.users;
      for (const id of this.#speakingSince.keys()) if (!speaking.has(id)) this.#speakingSince.delete(id);
      let deaf: string | undefined;
      for (const id of speaking.keys()) {
        if (this.#options.listenTo && !this.#options.listenTo.has(id)) continue;
        const since = this.#speakingSince.get(id) ?? now;
        this.#speakingSince.set(id, since);
        const decodedAt = this.#lastDecoded.get(id) ?? Number.NEGATIVE_INFINITY;
        if (now - since >= stallMs && now - decodedAt >= stallMs) deaf = id;
      }
      if (deaf === undefined) continue;
      this.#options.log.warn({ speaker: deaf, stallMs }, 'voice receive stalled: packets but nothing decoded');
      // Give the rejoin the same time before judging again.
      for (const id of this.#speakingSince.keys()) this.#speakingSince.set(id, now);
      this.#options.onReceiveFailure?.('deaf');
    }
  }
}
