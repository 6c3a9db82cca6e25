import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord.js';

/**
 * The small structural slices of discord.js objects this adapter uses. discord.js' own classes satisfy them,
 * and tests pass plain objects, so no module mocks are needed.
 */

/** One message as we send or edit it (a subset of discord.js' message options). */
export interface DiscordPayload {
  content?: string;
  embeds?: APIEmbed[];
  files?: { attachment: Buffer; name: string; description?: string }[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Who may be pinged; absent: the client-wide default (nobody). Set only where the bot means to ping someone. */
  allowedMentions?: { parse: []; users: string[] };
}

export interface SentMessage {
  readonly id: string;
  edit(payload: DiscordPayload): Promise<unknown>;
}

/** A channel or a user: anything with `send`. */
export interface SendTarget {
  send(payload: DiscordPayload): Promise<SentMessage>;
}

export interface UserShape extends SendTarget {
  readonly id: string;
  readonly username: string;
  readonly globalName?: string | null;
  readonly bot: boolean;
}

export interface RoleShape {
  readonly id: string;
  readonly name: string;
}

/** A cached guild member (role objects), or the raw API member (role ids only). */
export interface MemberShape {
  readonly roles: { readonly cache: { some(fn: (role: RoleShape) => boolean): boolean } } | readonly string[];
}

export interface ChannelShape {
  readonly id: string;
  readonly parentId?: string | null;
  /** Threads: who created it. */
  readonly ownerId?: string | null;
  isThread(): boolean;
  isDMBased(): boolean;
  send?(payload: DiscordPayload): Promise<SentMessage>;
  /** Threads started on a message: that message (its author tells whether the thread is on one of our answers). */
  fetchStarterMessage?(): Promise<{ readonly author: { readonly id: string } } | null>;
}

export interface AttachmentShape {
  readonly name: string;
  readonly size: number;
  readonly url: string;
  readonly contentType: string | null;
}

export interface OptionShape {
  readonly value?: string | number | boolean;
  readonly attachment?: AttachmentShape;
}

/** Fields shared by every interaction we handle. */
export interface InteractionBase {
  readonly id: string;
  readonly user: UserShape;
  readonly member: MemberShape | null;
  readonly guildId: string | null;
  readonly channelId: string | null;
  readonly channel: ChannelShape | null;
}

export interface ChatInputShape extends InteractionBase {
  readonly commandName: string;
  /** The largest upload allowed where this interaction happened (the server's boost tier), when Discord says. */
  readonly attachmentSizeLimit?: number;
  readonly options: { get(name: string): OptionShape | null };
  deferReply(options: { flags?: number }): Promise<unknown>;
  /** Answers at once instead of deferring (a refusal only the invoker sees). */
  reply(payload: DiscordPayload & { flags?: number }): Promise<unknown>;
  deleteReply(): Promise<unknown>;
  editReply(payload: DiscordPayload): Promise<SentMessage>;
  followUp(payload: DiscordPayload & { flags?: number }): Promise<SentMessage>;
  fetchReply(): Promise<SentMessage>;
}

export interface AutocompleteShape extends InteractionBase {
  readonly commandName: string;
  readonly options: { getFocused(full: true): { readonly name: string; readonly value: string } };
  respond(choices: { name: string; value: string }[]): Promise<unknown>;
}

export interface ButtonShape extends InteractionBase {
  readonly customId: string;
  reply(payload: DiscordPayload & { flags?: number }): Promise<unknown>;
  update(payload: DiscordPayload): Promise<unknown>;
  /** Acknowledges a click whose answer takes a while; then `editReply` edits the message the button is on. */
  deferUpdate(): Promise<unknown>;
  editReply(payload: DiscordPayload): Promise<unknown>;
  followUp(payload: DiscordPayload & { flags?: number }): Promise<unknown>;
}

export interface MessageShape {
  readonly id: string;
  readonly content: string;
  readonly author: UserShape;
  readonly member: MemberShape | null;
  readonly guildId: string | null;
  readonly channelId: string;
  readonly channel: ChannelShape;
  readonly mentions: { readonly users: { has(id: string): boolean } };
  reply(payload: DiscordPayload): Promise<SentMessage>;
}
