import type { JoinRequest, LeaveOutcome, VoiceSurface } from '../../../src/chat/voice-surface.ts';
import { type AppError, appError, err, type Result } from '../../../src/domain/result.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import type { Leases } from '../../../src/ports/shared-state.ts';

/** What the guard wraps: DiscordVoiceSessions (or anything that serves voice per guild and lists its guilds). */
export interface GuildVoice {
  voiceFor(guildId: string, discordUserId: string, isStaff?: boolean): VoiceSurface;
  readonly guilds: readonly string[];
}

export interface VoiceLeaseOptions {
  readonly leases: Leases;
  /** This process (REPLICA_ID): the lease's owner. */
  readonly owner: string;
  /** How long a lease lives without renewal: a crashed owner's guild is free again after this. */
  readonly ttlMs: number;
  /** Renewal period (default a third of the TTL, so two renewals may fail before the lease lapses); 0: no timer. */
  readonly renewEveryMs?: number;
  readonly log: Logger;
}

const leaseKey = (guildId: string): string => `voice:discord:${guildId}`;

/**
 * One voice session per guild across every process: /join first takes the guild's lease in the shared store
 * (a conditional put with expiry), so a second replica or shard, or the new task of a rolling deploy, refuses to
 * start a session the other one runs. The owner renews while its session lives and releases it when the session
 * ends (however it ends); if it crashes the lease simply expires. An owner that finds its lease taken (it was
 * paused past the TTL) ends its own session rather than talk over the new owner.
 */
export class VoiceLeaseGuard {
  readonly #inner: GuildVoice;
  readonly #o: VoiceLeaseOptions;
  /** Guilds whose lease this process holds. */
  readonly #held = new Set<string>();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(inner: GuildVoice, options: VoiceLeaseOptions) {
    this.#inner = inner;
    this.#o = options;
    const every = options.renewEveryMs ?? Math.floor(options.ttlMs / 3);
    this.#timer = every > 0 ? setInterval(() => void this.renewNow(), every).unref() : undefined;
  }

  voiceFor(guildId: string, discordUserId: string, isStaff = false): VoiceSurface {
    const inner = this.#inner.voiceFor(guildId, discordUserId, isStaff);
    return {
      join: (request) => this.#join(guildId, inner, request),
      leave: () => this.#leave(guildId, inner),
    };
  }

  /** Guilds whose voice lease this process holds (tests, metrics). */
  get held(): readonly string[] {
    return [...this.#held];
  }

  /**
   * Renews the lease of every live session, releases those whose session ended by itself, and ends a session
   * whose lease another process has taken. Runs on the timer; tests call it directly.
   */
  async renewNow(): Promise<void> {
    const live = new Set(this.#inner.guilds);
    for (const guildId of [...this.#held]) {
      try {
        if (!live.has(guildId)) {
          await this.#release(guildId);
        } else if (!(await this.#o.leases.renew(leaseKey(guildId), this.#o.owner, this.#o.ttlMs))) {
          this.#held.delete(guildId);
          this.#o.log.error({ guildId }, 'voice lease lost to another process; ending this session');
          await this.#inner.voiceFor(guildId, '').leave();
        }
      } catch (error) {
        // The store is unreachable: keep the session and retry next period (the TTL allows two misses).
        this.#o.log.warn({ err: error, guildId }, 'voice lease renewal failed');
      }
    }
  }

  /** Stops renewing and gives every lease back (shutdown, after the sessions have ended). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#held].map((guildId) => this.#release(guildId).catch(() => undefined)));
  }

  async #join(
    guildId: string,
    inner: VoiceSurface,
    request: JoinRequest,
  ): Promise<Result<{ readonly channelName: string }, AppError>> {
    const key = leaseKey(guildId);
    let acquired: boolean;
    try {
      acquired = await this.#o.leases.acquire(key, this.#o.owner, this.#o.ttlMs);
    } catch (error) {
      this.#o.log.warn({ err: error, guildId }, 'voice lease store unreachable');
      return err(
        appError('voice.lease_unavailable', 'I could not check who runs voice in this server.', 'Try /join again.'),
      );
    }
    if (!acquired) {
      return err(
        appError(
          'voice.owned_elsewhere',
          'Another of my processes is already running a voice conversation in this server.',
          'Use /leave first, or wait a minute if it just stopped.',
        ),
      );
    }
    this.#held.add(guildId);
    const joined = await inner.join(request).catch(async (error: unknown) => {
      await this.#release(guildId).catch(() => undefined);
      throw error;
    });
    // Refused (already in a channel here, not in a channel...): give the lease back unless a session runs.
    if (!joined.ok && !this.#inner.guilds.includes(guildId)) await this.#release(guildId).catch(() => undefined);
    return joined;
  }

  async #leave(guildId: string, inner: VoiceSurface): Promise<Result<LeaveOutcome, AppError>> {
    const left = await inner.leave();
    if (!this.#inner.guilds.includes(guildId)) await this.#release(guildId).catch(() => undefined);
    return left;
  }

  async #release(guildId: string): Promise<void> {
    this.#held.delete(guildId);
    await this.#o.leases.release(leaseKey(guildId), this.#o.owner);
  }
}
