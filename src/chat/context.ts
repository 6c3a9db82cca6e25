import type { AppDeps } from '../app/deps.ts';
import type { Platform, UserId } from '../domain/ids.ts';
import type { Logger } from '../ports/logger.ts';
import type { Reply } from './reply.ts';
import type { VoiceSurface } from './voice-surface.ts';

/** Who runs a command. `isStaff` comes from the platform (a Discord role, a Slack user group, the playground switch). */
export interface Invoker {
  readonly user: UserId;
  readonly displayName: string;
  readonly isStaff: boolean;
  /** The platform's role ids for this user where the command runs (a Discord member's roles); budgets read them. */
  readonly roles?: readonly string[];
}

/** Where a command or message happens. Keys are opaque strings built by the adapter. */
export interface Place {
  readonly platform: Platform;
  /** Discord guild, Slack team, playground session. */
  readonly spaceId: string;
  readonly channelId: string;
  /** Set when the message is inside a thread: the key `ReplyChannel.threadKey()` returned for the thread's root. */
  readonly threadKey?: string;
  /** A direct message with the bot. */
  readonly isDirect: boolean;
  /** Nobody but the invoker reads this place although it is not a DM (a playground tab). */
  readonly onlyInvokerSees?: boolean;
}

/** Whether what is answered here is seen by the invoker alone: personal details may be shown only then. */
export const seenOnlyByInvoker = (place: Place): boolean => place.isDirect || place.onlyInvokerSees === true;

/** How a running command shows intermediate states; the adapter coalesces and throttles edits (about 1/s). */
export interface ReplyChannel {
  progress(reply: Reply, options?: { readonly cancellable?: boolean }): void;
  /** The key that messages in a thread started on this answer will carry (follow-up conversations). */
  threadKey(): Promise<string | undefined>;
}

export interface CommandContext {
  readonly invoker: Invoker;
  readonly place: Place;
  /** The platform's id of this interaction: a second delivery of the same interaction carries the same id. */
  readonly invocationId: string;
  readonly correlationId: string;
  readonly deps: AppDeps;
  readonly reply: ReplyChannel;
  /** Aborted when the user presses Cancel or the surface goes away. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Present on surfaces that carry voice (Discord, playground). */
  readonly voice?: VoiceSurface;
}
