import type {
  AttachmentShape,
  AutocompleteShape,
  ButtonShape,
  ChannelShape,
  ChatInputShape,
  DiscordPayload,
  MemberShape,
  MessageShape,
  OptionShape,
  SentMessage,
  UserShape,
} from '../../../adapters/discord/shapes.ts';
import type { Command } from '../../../src/chat/command.ts';
import type { Core } from '../../../src/chat/surface.ts';
import { aDeps, RecordingLogger } from '../../support/command-context.ts';

/** Plain fakes of the discord.js objects the adapter uses: they record what the adapter sent. */

let nextId = 1000;
const snowflake = () => String(nextId++);

export class FakeMessage implements SentMessage {
  readonly id: string;
  readonly payload: DiscordPayload;
  readonly edits: DiscordPayload[] = [];
  constructor(payload: DiscordPayload, id = snowflake()) {
    this.payload = payload;
    this.id = id;
  }
  async edit(payload: DiscordPayload): Promise<unknown> {
    this.edits.push(payload);
    return this;
  }
}

export class FakeChannel implements ChannelShape {
  readonly id: string;
  readonly parentId: string | null;
  readonly ownerId: string | null;
  readonly sent: FakeMessage[] = [];
  /** Threads: the author of the message the thread was started on (null: none, or deleted). */
  starterAuthor: string | null;
  starterFetches = 0;
  readonly #thread: boolean;
  readonly #dm: boolean;
  constructor(
    options: {
      id?: string;
      thread?: boolean;
      dm?: boolean;
      parentId?: string;
      ownerId?: string;
      starterAuthor?: string;
    } = {},
  ) {
    this.id = options.id ?? snowflake();
    this.#thread = options.thread ?? false;
    this.#dm = options.dm ?? false;
    this.parentId = options.parentId ?? null;
    this.ownerId = options.ownerId ?? null;
    this.starterAuthor = options.starterAuthor ?? null;
  }
  async fetchStarterMessage(): Promise<{ author: { id: string } } | null> {
    this.starterFetches += 1;
    return this.starterAuthor === null ? null : { author: { id: this.starterAuthor } };
  }
  isThread(): boolean {
    return this.#thread;
  }
  isDMBased(): boolean {
    return this.#dm;
  }
  async send(payload: DiscordPayload): Promise<SentMessage> {
    const message = new FakeMessage(payload);
    this.sent.push(message);
    return message;
  }
}

export class FakeUser implements UserShape {
  /** The user does not accept DMs from the bot. */
  closedDms = false;
  readonly id: string;
  readonly username: string;
  readonly globalName: string | null = null;
  readonly bot: boolean;
  readonly dms: DiscordPayload[] = [];
  constructor(id = 'u-alice', options: { bot?: boolean; username?: string } = {}) {
    this.id = id;
    this.bot = options.bot ?? false;
    this.username = options.username ?? 'alice';
  }
  async send(payload: DiscordPayload): Promise<SentMessage> {
    if (this.closedDms) throw new Error('Cannot send messages to this user');
    this.dms.push(payload);
    return new FakeMessage(payload);
  }
}

export const memberWithRoles = (...roles: { id: string; name: string }[]): MemberShape => ({
  roles: { cache: { some: (fn) => roles.some(fn) } },
});

interface Where {
  user?: FakeUser;
  member?: MemberShape | null;
  guildId?: string | null;
  channel?: FakeChannel;
}

abstract class FakeInteraction {
  readonly id: string;
  readonly user: FakeUser;
  readonly member: MemberShape | null;
  readonly guildId: string | null;
  readonly channel: FakeChannel;
  readonly channelId: string;
  constructor(where: Where, id = snowflake()) {
    this.id = id;
    this.user = where.user ?? new FakeUser();
    this.member = where.member ?? null;
    this.guildId = where.guildId === undefined ? 'g-1' : where.guildId;
    this.channel = where.channel ?? new FakeChannel({ id: 'c-1' });
    this.channelId = this.channel.id;
  }
}

/** A slash command invocation. `edited` resolves on the next editReply, so tests can wait without timers. */
export class FakeChatInput extends FakeInteraction implements ChatInputShape {
  readonly commandName: string;
  readonly options: { get(name: string): OptionShape | null };
  readonly defers: { flags?: number }[] = [];
  readonly edits: DiscordPayload[] = [];
  readonly followUps: (DiscordPayload & { flags?: number })[] = [];
  readonly replyMessage = new FakeMessage({}, 'reply-msg-1');
  /** Immediate replies (instead of a deferral): refusals shown only to the invoker. */
  readonly replies: (DiscordPayload & { flags?: number })[] = [];
  deleted = 0;
  #waiters: (() => void)[] = [];

  constructor(commandName: string, values: Record<string, OptionShape> = {}, where: Where = {}, id?: string) {
    super(where, id);
    this.commandName = commandName;
    this.options = { get: (name) => values[name] ?? null };
  }
  async deferReply(options: { flags?: number }): Promise<unknown> {
    this.defers.push(options);
    return undefined;
  }
  /** Payloads Discord refuses (413 Payload Too Large, 50035 Invalid Form Body…): the call rejects, nothing is recorded. */
  refuse: ((payload: DiscordPayload) => boolean) | undefined;
  attachmentSizeLimit?: number;
  async editReply(payload: DiscordPayload): Promise<SentMessage> {
    if (this.refuse?.(payload)) throw new Error('Request entity too large');
    this.edits.push(payload);
    for (const wake of this.#waiters.splice(0)) wake();
    return this.replyMessage;
  }
  async reply(payload: DiscordPayload & { flags?: number }): Promise<unknown> {
    this.replies.push(payload);
    return undefined;
  }
  async deleteReply(): Promise<void> {
    this.deleted += 1;
  }
  async followUp(payload: DiscordPayload & { flags?: number }): Promise<SentMessage> {
    if (this.refuse?.(payload)) throw new Error('Request entity too large');
    this.followUps.push(payload);
    return new FakeMessage(payload);
  }
  async fetchReply(): Promise<SentMessage> {
    return this.replyMessage;
  }
  nextEdit(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export class FakeAutocomplete extends FakeInteraction implements AutocompleteShape {
  readonly commandName: string;
  readonly options: AutocompleteShape['options'];
  responses: { name: string; value: string }[][] = [];
  constructor(commandName: string, focused: { name: string; value: string }, where: Where = {}) {
    super(where);
    this.commandName = commandName;
    this.options = { getFocused: () => focused };
  }
  async respond(choices: { name: string; value: string }[]): Promise<unknown> {
    this.responses.push(choices);
    return undefined;
  }
}

export class FakeButton extends FakeInteraction implements ButtonShape {
  readonly customId: string;
  readonly replies: (DiscordPayload & { flags?: number })[] = [];
  readonly updates: DiscordPayload[] = [];
  constructor(customId: string, where: Where = {}) {
    super(where);
    this.customId = customId;
  }
  async reply(payload: DiscordPayload & { flags?: number }): Promise<unknown> {
    this.replies.push(payload);
    return undefined;
  }
  async update(payload: DiscordPayload): Promise<unknown> {
    this.updates.push(payload);
    return undefined;
  }
  deferred = 0;
  /** Edits of the message the button is on, after `deferUpdate`. */
  readonly edits: DiscordPayload[] = [];
  readonly followUps: (DiscordPayload & { flags?: number })[] = [];
  async deferUpdate(): Promise<unknown> {
    this.deferred += 1;
    return undefined;
  }
  async editReply(payload: DiscordPayload): Promise<unknown> {
    this.edits.push(payload);
    return undefined;
  }
  async followUp(payload: DiscordPayload & { flags?: number }): Promise<unknown> {
    this.followUps.push(payload);
    return undefined;
  }
}

export class FakeIncoming implements MessageShape {
  readonly id = snowflake();
  readonly content: string;
  readonly author: FakeUser;
  readonly member: MemberShape | null = null;
  readonly guildId: string | null;
  readonly channel: FakeChannel;
  readonly channelId: string;
  readonly mentions: MessageShape['mentions'];
  readonly replies: FakeMessage[] = [];
  constructor(content: string, where: Where & { mentions?: string[] } = {}) {
    this.content = content;
    this.author = where.user ?? new FakeUser();
    this.guildId = where.guildId === undefined ? 'g-1' : where.guildId;
    this.channel = where.channel ?? new FakeChannel({ id: 'c-1' });
    this.channelId = this.channel.id;
    const mentioned = new Set(where.mentions ?? []);
    this.mentions = { users: { has: (id) => mentioned.has(id) } };
  }
  async reply(payload: DiscordPayload): Promise<SentMessage> {
    const message = new FakeMessage(payload);
    this.replies.push(message);
    return message;
  }
}

export const anAttachment = (overrides: Partial<AttachmentShape> = {}): AttachmentShape => ({
  name: 'data.csv',
  size: 10,
  url: 'http://127.0.0.1:1/none',
  contentType: 'text/csv',
  ...overrides,
});

export function aCore(commands: readonly Command[], extra: Partial<Core> = {}): Core & { log: RecordingLogger } {
  const log = new RecordingLogger();
  return { commands, messageHandlers: [], deps: aDeps({ log }), log, ...extra } as Core & { log: RecordingLogger };
}
