import {
  type AudioPlayer,
  createAudioPlayer,
  type DiscordGatewayAdapterCreator,
  entersState,
  joinVoiceChannel,
  NoSubscriberBehavior,
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  type VoiceConnectionState,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import type { Logger } from '../../../src/ports/logger.ts';
import type { VoiceLink, VoiceLinkStatus, VoiceLostReason } from './voice-host.ts';

export interface VoiceLinkOptions {
  readonly guildId: string;
  readonly channelId: string;
  /** discord.js's `guild.voiceAdapterCreator`, or a test's fake main gateway. */
  readonly adapterCreator: DiscordGatewayAdapterCreator;
  readonly log: Logger;
  /** How long the first join may take. Default 20 s. */
  readonly readyTimeoutMs?: number;
  /**
   * How long the connection may stay out of Ready (signalling, connecting, disconnected) before we rejoin, and
   * again after that rejoin before we give up. Default 5 s each.
   */
  readonly reconnectTimeoutMs?: number;
}

const READY_TIMEOUT_MS = 20_000;
const RECONNECT_TIMEOUT_MS = 5_000;

/** Joins a voice channel (not deafened, DAVE on) and resolves with a link once the connection is ready. */
export async function openVoiceLink(options: VoiceLinkOptions): Promise<VoiceLink> {
  const connection = joinVoiceChannel({
    channelId: options.channelId,
    guildId: options.guildId,
    adapterCreator: options.adapterCreator,
    selfDeaf: false,
    selfMute: false,
    daveEncryption: true,
  });
  connection.on('error', (error) => options.log.warn({ err: error }, 'voice connection error'));
  try {
    await entersState(connection, VoiceConnectionStatus.Ready, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  } catch (error) {
    if (connection.state.status !== VoiceConnectionStatus.Destroyed) connection.destroy();
    throw error;
  }
  // Never stop on missed frames: the jitter buffer decides when an utterance is over.
  const player = createAudioPlayer({
    behaviors: { noSubscriber: NoSubscriberBehavior.Pause, maxMissedFrames: Number.POSITIVE_INFINITY },
  });
  player.on('error', (error) => options.log.warn({ err: error }, 'voice player error'));
  connection.subscribe(player);
  return new BoundedVoiceLink(connection, player, options);
}

/**
 * The lifecycle around one VoiceConnection. @discordjs/voice rejoins by itself after most closes and reconnects
 * after a move or a voice server change, but nothing bounds it: a connection can loop between Signalling and
 * Connecting forever. Here any time out of Ready is bounded (counted from the first moment out of Ready, so the
 * loop does not reset it): past the bound we rejoin once, past it again we give up. A 4014 close that is not
 * followed by a move within the bound is final (kicked, or the channel was deleted).
 */
class BoundedVoiceLink implements VoiceLink {
  readonly receiver: VoiceConnection['receiver'];
  readonly player: AudioPlayer;
  readonly #connection: VoiceConnection;
  readonly #log: Logger;
  readonly #boundMs: number;
  readonly #lostListeners: ((reason: VoiceLostReason) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #rejoined = false;
  #done = false;

  constructor(connection: VoiceConnection, player: AudioPlayer, options: VoiceLinkOptions) {
    this.#connection = connection;
    this.receiver = connection.receiver;
    this.player = player;
    this.#log = options.log;
    this.#boundMs = options.reconnectTimeoutMs ?? RECONNECT_TIMEOUT_MS;
    connection.on('stateChange', (previous, next) => this.#onState(previous, next));
  }

  onLost(listener: (reason: VoiceLostReason) => void): void {
    this.#lostListeners.push(listener);
  }

  reconnect(why: string): void {
    if (this.#done) return;
    const channelId = this.#connection.joinConfig.channelId;
    this.#log.warn({ why, channelId }, 'voice reconnecting');
    // Leave and join again: Discord hands out a new voice session (new UDP, new DAVE group).
    this.#connection.disconnect();
    this.#rejoined = true;
    if (channelId) this.#connection.rejoin({ channelId, selfDeaf: false, selfMute: false });
    this.#arm();
  }

  status(): VoiceLinkStatus {
    const state = this.#connection.state;
    const networking = 'networking' in state ? state.networking.state : undefined;
    const data = networking && 'connectionData' in networking ? networking.connectionData : undefined;
    const encryption = data && 'encryptionMode' in data ? String(data.encryptionMode) : undefined;
    const dave = networking && 'dave' in networking ? networking.dave : undefined;
    // @snazzah/davey's session has the MLS epoch (a bigint, null before the group exists); the wrapper's type omits it.
    const epoch = (dave?.session as { readonly epoch?: bigint | null } | undefined)?.epoch;
    return {
      connection: state.status,
      ...(encryption ? { encryption } : {}),
      ...(dave
        ? {
            dave: {
              protocolVersion: dave.protocolVersion,
              ...(typeof epoch === 'bigint' ? { epoch: Number(epoch) } : {}),
            },
          }
        : {}),
    };
  }

  destroy(): void {
    this.#done = true;
    this.#disarm();
    this.player.stop(true);
    if (this.#connection.state.status !== VoiceConnectionStatus.Destroyed) this.#connection.destroy();
  }

  #onState(previous: VoiceConnectionState, next: VoiceConnectionState): void {
    if (this.#done || previous.status === next.status) return;
    this.#log.debug({ from: previous.status, to: next.status }, 'voice connection state');
    switch (next.status) {
      case VoiceConnectionStatus.Ready:
        this.#disarm();
        this.#rejoined = false;
        // A manual disconnect (our reconnect) drops the player's subscription.
        if (!next.subscription) this.#connection.subscribe(this.player);
        return;
      case VoiceConnectionStatus.Destroyed:
        this.#lose('destroyed');
        return;
      case VoiceConnectionStatus.Disconnected:
      case VoiceConnectionStatus.Signalling:
      case VoiceConnectionStatus.Connecting:
        if (!this.#timer) this.#arm();
        return;
    }
  }

  /** Starts the bound if it is not running: it keeps counting across Signalling ⇄ Connecting flips. */
  #arm(): void {
    this.#disarm();
    this.#timer = setTimeout(() => this.#onBound(), this.#boundMs);
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #onBound(): void {
    this.#timer = undefined;
    const state = this.#connection.state;
    if (this.#done || state.status === VoiceConnectionStatus.Ready) return;
    const kicked =
      state.status === VoiceConnectionStatus.Disconnected &&
      state.reason === VoiceConnectionDisconnectReason.WebSocketClose &&
      state.closeCode === 4014;
    if (state.status === VoiceConnectionStatus.Destroyed || kicked || this.#rejoined) {
      this.#lose(
        state.status === VoiceConnectionStatus.Destroyed ? 'destroyed' : kicked ? 'kicked' : 'reconnect_failed',
      );
      return;
    }
    this.#log.warn({ status: state.status }, 'voice connection stuck, rejoining');
    this.#rejoined = true;
    this.#connection.rejoin();
    this.#arm();
  }

  #lose(reason: VoiceLostReason): void {
    if (this.#done) return;
    this.#done = true;
    this.#disarm();
    this.#log.warn({ reason }, 'voice connection lost');
    for (const listener of this.#lostListeners) listener(reason);
  }
}
