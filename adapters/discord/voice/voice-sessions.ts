import type { ToolCaller } from '../../../src/app/tools.ts';
import type { EditBudgets } from '../../../src/chat/edit-budget.ts';
import type { JoinRequest, LeaveOutcome, VoiceStatus, VoiceSurface } from '../../../src/chat/voice-surface.ts';
import { userId } from '../../../src/domain/ids.ts';
import { type AppError, appError, assertNever, err, ok, type Result } from '../../../src/domain/result.ts';
import type { VoiceUsageSummary } from '../../../src/domain/voice/usage.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import type { EditableMessages, VoiceChannelIo } from '../../../src/voice/channel-io.ts';
import { type PacingClock, systemClock } from '../../../src/voice/clock.ts';
import type { VoiceConversationStats } from '../../../src/voice/conversation-loop.ts';
import { discordChannelEditBudgets } from '../channel-edit-budget.ts';
import { channelMessages } from './channel-messages.ts';
import { DiscordVoiceChannelIo, type ReceiveFailure } from './discord-voice-channel-io.ts';
import type { VoiceChannelRef, VoiceHost, VoiceLink, VoiceLostReason } from './voice-host.ts';

/** A running conversation (the voice loop); `done` settles if it ends by itself. */
export interface ConversationHandle {
  stop(): Promise<void>;
  readonly done?: Promise<unknown>;
  /** What the conversation used, for the /leave reply. */
  summary?(): VoiceUsageSummary;
  /** Renewals and voice-to-voice latency, for /voice status. */
  stats?(): VoiceConversationStats;
}

export type StartConversation = (io: VoiceChannelIo, request: JoinRequest, invoker: ToolCaller) => ConversationHandle;

export interface DiscordVoiceSessionsOptions {
  readonly host: VoiceHost;
  readonly startConversation: StartConversation;
  readonly log: Logger;
  readonly clock?: PacingClock;
  /** Leave after being alone in the channel this long. Default 60 s. */
  readonly aloneTimeoutMs?: number;
  /** Engines that are configured; /join with another one is refused before connecting. Default: both. */
  readonly engines?: readonly JoinRequest['engine'][];
  /** Rejoins for broken receive (DAVE failures, deaf watchdog) allowed per window before giving up. */
  readonly rejoins?: { readonly max: number; readonly windowMs: number };
  /** See DiscordVoiceChannelIoOptions.stallMs. */
  readonly stallMs?: number;
  /** The channels' edit budgets, shared with the answers streaming there (the Discord surface's). */
  readonly editBudgets?: EditBudgets;
  /** See DiscordVoiceChannelIoOptions.onFrameCpu. */
  readonly onFrameCpu?: (stage: 'decode' | 'playback', ms: number) => void;
}

type Session =
  | { readonly status: 'connecting'; readonly channel: VoiceChannelRef }
  | {
      readonly status: 'active';
      /** Where the bot is now: it changes when the bot is moved; transcripts and the alone check follow it. */
      channel: VoiceChannelRef;
      readonly link: VoiceLink;
      readonly io: DiscordVoiceChannelIo;
      readonly request: JoinRequest;
      readonly startedAt: number;
      readonly conversation: ConversationHandle;
      alone: AbortController | undefined;
      /** When receive-triggered rejoins happened (bounded per window). */
      readonly rejoins: number[];
    };

export const LINES = {
  disconnected: 'I lost the voice connection and ended our conversation. Use /join to bring me back.',
  reconnectFailed:
    'I could not get the voice connection back within a few seconds and ended our conversation. Use /join to bring me back.',
  decryption:
    'I kept failing to hear the channel (voice decryption, DAVE) even after rejoining, so I ended our conversation. Use /join to bring me back.',
  alone: 'Everyone left, so I left too.',
  ended: 'Our conversation ended. Use /join to start a new one.',
} as const;

/**
 * One voice session per guild: /join connects and starts the conversation, /leave ends it, and it ends by itself
 * when the bot is left alone, the connection is lost or receiving keeps failing. Each guild's failures are
 * contained to that guild.
 */
export class DiscordVoiceSessions {
  readonly #options: DiscordVoiceSessionsOptions;
  readonly #clock: PacingClock;
  readonly #sessions = new Map<string, Session>();
  readonly #unsubscribe: () => void;
  readonly #editBudgets: EditBudgets;

  constructor(options: DiscordVoiceSessionsOptions) {
    this.#options = options;
    this.#editBudgets = options.editBudgets ?? discordChannelEditBudgets();
    this.#clock = options.clock ?? systemClock;
    this.#unsubscribe = options.host.onVoiceStateChange((guildId) => this.#onVoiceState(guildId));
  }

  /** The voice surface for a command run by `discordUserId` in `guildId` (the Discord text adapter's ctx.voice). */
  voiceFor(guildId: string, discordUserId: string, isStaff = false): VoiceSurface {
    return {
      join: (request) =>
        this.#join(
          guildId,
          // Order tools see the speaker's orders of this guild only.
          { user: userId('discord', discordUserId), isStaff, space: `discord:${guildId}` },
          discordUserId,
          request,
        ),
      leave: () => this.#leave(guildId),
      status: () => this.#status(guildId),
    };
  }

  /** Guilds with a session (connecting or active). */
  get guilds(): readonly string[] {
    return [...this.#sessions.keys()];
  }

  /** Ends every session (shutdown). */
  async close(): Promise<void> {
    this.#unsubscribe();
    await Promise.all([...this.#sessions.keys()].map((guildId) => this.#end(guildId, undefined)));
  }

  async #join(
    guildId: string,
    caller: ToolCaller,
    discordUserId: string,
    request: JoinRequest,
  ): Promise<Result<{ readonly channelName: string }, AppError>> {
    const existing = this.#sessions.get(guildId);
    if (existing) {
      return err(
        appError('voice.already_joined', `I am already in ${existing.channel.name} here.`, 'Use /leave first.'),
      );
    }
    if (this.#options.engines && !this.#options.engines.includes(request.engine)) {
      const other = this.#options.engines[0];
      return err(
        appError(
          'voice.engine_unavailable',
          `The ${request.engine} voice engine is not configured here.`,
          other ? `Use engine:${other}.` : 'Set AWS credentials to enable voice.',
        ),
      );
    }
    const channel = this.#options.host.voiceChannelOf(guildId, discordUserId);
    if (!channel) {
      return err(appError('voice.not_in_channel', 'Join a voice channel first, then run /join.'));
    }
    const log = this.#options.log.child({ guildId, channelId: channel.id });
    this.#sessions.set(guildId, { status: 'connecting', channel });
    let link: VoiceLink;
    try {
      link = await this.#options.host.connect(channel);
    } catch (error) {
      this.#sessions.delete(guildId);
      log.warn({ err: error }, 'voice connect failed');
      return err(
        appError(
          'voice.connect_failed',
          `I could not connect to ${channel.name}.`,
          'Check that I may View, Connect and Speak in that channel, then try /join again.',
        ),
      );
    }
    // The chat follows the bot: a move changes the session's channel, and lines go where it is then.
    const where: { session?: Session } = {};
    const here = () => (where.session ?? { channel }).channel.id;
    const host = this.#options.host;
    const io = new DiscordVoiceChannelIo({
      receiver: link.receiver,
      player: link.player,
      send: async (line) => {
        await host.send(here(), line);
      },
      messages: channelMessages(host, here, this.#editBudgets),
      displayNameOf: (id) => host.displayNameOf(guildId, id),
      ...(request.listen === 'me' ? { listenTo: new Set([discordUserId]) } : {}),
      log,
      clock: this.#clock,
      ...(this.#options.stallMs === undefined ? {} : { stallMs: this.#options.stallMs }),
      ...(this.#options.onFrameCpu ? { onFrameCpu: this.#options.onFrameCpu } : {}),
      onReceiveFailure: (why) => this.#recover(guildId, why),
    });
    let conversation: ConversationHandle;
    try {
      conversation = this.#options.startConversation(io, request, caller);
    } catch (error) {
      io.close();
      link.destroy();
      this.#sessions.delete(guildId);
      log.error({ err: error }, 'voice conversation failed to start');
      return err(appError('voice.start_failed', 'The voice engine could not start.', 'Try /join again in a moment.'));
    }
    const session: Session = {
      status: 'active',
      channel,
      link,
      io,
      request,
      startedAt: this.#clock.now(),
      conversation,
      alone: undefined,
      rejoins: [],
    };
    where.session = session;
    this.#sessions.set(guildId, session);
    link.onLost((reason) => {
      log.warn({ reason }, 'voice connection lost');
      void this.#end(guildId, lostLine(reason));
    });
    // The loop says in the channel why it ended by itself; a crash (rejection) gets our line.
    void conversation.done?.then(
      () => this.#end(guildId, undefined),
      (error: unknown) => {
        log.error({ err: error }, 'voice conversation crashed');
        return this.#end(guildId, LINES.ended);
      },
    );
    this.#checkAlone(guildId);
    log.info({ engine: request.engine, listen: request.listen }, 'voice session started');
    return ok({ channelName: channel.name });
  }

  async #leave(guildId: string): Promise<Result<LeaveOutcome, AppError>> {
    const session = this.#sessions.get(guildId);
    if (session?.status !== 'active') {
      return err(appError('voice.not_joined', 'I am not in a voice channel here.', 'Use /join to bring me in.'));
    }
    await this.#end(guildId, undefined);
    const summary = session.conversation.summary?.();
    return ok(summary ? { summary } : {});
  }

  #status(guildId: string): Result<VoiceStatus, AppError> {
    const session = this.#sessions.get(guildId);
    if (session?.status !== 'active') {
      return err(appError('voice.not_joined', 'I am not in a voice channel here.', 'Use /join to bring me in.'));
    }
    const link = session.link.status();
    const stats = session.conversation.stats?.();
    const names = (id: string) => this.#options.host.displayNameOf(guildId, id) ?? `user ${id}`;
    return ok({
      channelName: session.channel.name,
      engine: session.request.engine,
      ...(stats?.model ? { model: stats.model } : {}),
      listen: session.request.listen,
      connection: link.connection,
      ...(link.encryption ? { encryption: link.encryption } : {}),
      ...(link.dave ? { dave: link.dave } : {}),
      speakers: [...session.io.receiveStats()].map(([id, s]) => ({ name: names(id), ...s })),
      renewals: stats?.renewals ?? 0,
      rejoins: session.rejoins.length,
      turns: stats?.turns ?? 0,
      ...(stats?.voiceToVoiceMs ? { voiceToVoiceMs: stats.voiceToVoiceMs } : {}),
      durationMs: this.#clock.now() - session.startedAt,
    });
  }

  /** Ends a guild's session once, posting `line` first; never throws (other guilds must not notice). */
  async #end(guildId: string, line: string | undefined): Promise<void> {
    const session = this.#sessions.get(guildId);
    if (session?.status !== 'active') return;
    this.#sessions.delete(guildId);
    session.alone?.abort();
    const log = this.#options.log.child({ guildId, channelId: session.channel.id });
    try {
      if (line) await session.io.post(line);
      await session.conversation.stop();
    } catch (error) {
      log.error({ err: error }, 'voice conversation did not stop cleanly');
    } finally {
      session.io.close();
      try {
        session.link.destroy();
      } catch (error) {
        log.warn({ err: error }, 'voice connection did not close cleanly');
      }
      log.info({ reason: line ?? 'leave' }, 'voice session ended');
    }
  }

  /** Someone's voice state changed: follow the bot if it was moved, then look at who is left with it. */
  #onVoiceState(guildId: string): void {
    const session = this.#sessions.get(guildId);
    if (session?.status !== 'active') return;
    let now: VoiceChannelRef | undefined;
    try {
      now = this.#options.host.botChannelOf(guildId);
    } catch (error) {
      this.#options.log.warn({ err: error, guildId }, 'could not read the bot voice channel');
    }
    // Undefined is a kick or a disconnect in progress: the link decides whether it is final.
    if (now && now.id !== session.channel.id) {
      this.#options.log.info({ guildId, from: session.channel.id, to: now.id }, 'voice session moved');
      session.channel = now;
      session.alone?.abort();
      session.alone = undefined;
    }
    this.#checkAlone(guildId);
  }

  /** Receiving is broken (DAVE failures, or deaf): rejoin, a bounded number of times per window, then give up. */
  #recover(guildId: string, why: ReceiveFailure): void {
    const session = this.#sessions.get(guildId);
    if (session?.status !== 'active') return;
    const { max, windowMs } = this.#options.rejoins ?? { max: 3, windowMs: 300_000 };
    const now = this.#clock.now();
    while ((session.rejoins[0] ?? now) <= now - windowMs) session.rejoins.shift();
    const log = this.#options.log.child({ guildId, channelId: session.channel.id });
    if (session.rejoins.length >= max) {
      log.error({ why, rejoins: session.rejoins.length }, 'voice receive still broken after rejoining');
      void this.#end(guildId, LINES.decryption);
      return;
    }
    session.rejoins.push(now);
    log.warn({ why, rejoins: session.rejoins.length }, 'voice receive broken, rejoining');
    try {
      session.link.reconnect(why);
    } catch (error) {
      log.error({ err: error }, 'voice rejoin threw');
      void this.#end(guildId, LINES.reconnectFailed);
    }
  }

  #checkAlone(guildId: string): void {
    const session = this.#sessions.get(guildId);
    if (session?.status !== 'active') return;
    let humans: number;
    try {
      humans = this.#options.host.humansIn(guildId, session.channel.id);
    } catch (error) {
      this.#options.log.warn({ err: error, guildId }, 'could not count voice channel members');
      return;
    }
    if (humans > 0) {
      session.alone?.abort();
      session.alone = undefined;
      return;
    }
    if (session.alone) return;
    const alone = new AbortController();
    session.alone = alone;
    void this.#clock.sleep(this.#options.aloneTimeoutMs ?? 60_000, alone.signal).then(() => {
      if (!alone.signal.aborted) return this.#end(guildId, LINES.alone);
    });
  }
}

const lostLine = (reason: VoiceLostReason): string => {
  switch (reason) {
    case 'reconnect_failed':
      return LINES.reconnectFailed;
    case 'kicked':
    case 'destroyed':
      return LINES.disconnected;
    default:
      return assertNever(reason, 'voice lost reason');
  }
};
