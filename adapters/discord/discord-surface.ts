import { Client, Events, GatewayIntentBits, type Interaction, type Message, Partials } from 'discord.js';
import { type Core, commandsFor, type Surface } from '../../src/chat/surface.ts';
import type { StaffRules } from '../../src/domain/staff.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { discordChannelEditBudgets } from './channel-edit-budget.ts';
import { DiscordDirectMessenger } from './direct-messenger.ts';
import { InteractionHandler, type VoiceFor } from './interactions.ts';
import { MessageRouter } from './messages.ts';
import { clientShardOptions, type ShardPlan, type ShardState, shardStates } from './sharding.ts';

/** Client-wide: no @everyone/@here, role or user pings from what the bot writes; replying notifies the author. */
export const NO_MENTIONS = { parse: [], repliedUser: true } as const satisfies { parse: []; repliedUser: boolean };

export interface DiscordSurfaceOptions {
  readonly core: Core;
  readonly token: string;
  /** Staff role and user ids per guild (STAFF_ROLES, STAFF_USERS); never role names. */
  readonly staff: StaffRules;
  /** The guild's voice surface (supplied by the voice adapter), passed to commands as `ctx.voice`. */
  readonly voiceFor?: VoiceFor;
  readonly maxAttachmentBytes?: number;
  /** Largest file upload attempted (DISCORD_MAX_UPLOAD_BYTES); unset: each server's own limit. */
  readonly maxUploadBytes?: number;
  /**
   * The privileged Message Content intent (DISCORD_MESSAGE_CONTENT): follow-ups in the bot's own threads without a
   * mention. DMs and mentions carry their text without it.
   */
  readonly messageContent?: boolean;
  /** Base url of the Discord REST API (tests point it at a loopback server); the gateway url comes from it. */
  readonly api?: string;
  /** Shards (DISCORD_SHARDS, DISCORD_SHARD_IDS); unset: one shard. */
  readonly shards?: ShardPlan;
}

/**
 * The Discord bot: slash commands, autocomplete, Cancel buttons, and messages addressed to it.
 * Every event handler is wrapped so that no rejection escapes into discord.js' emitter.
 */
export class DiscordSurface implements Surface {
  readonly platform = 'discord' as const;
  readonly client: Client;
  /** One edit budget per channel: slash-command answers, thread follow-ups and voice transcripts share it. */
  readonly editBudgets = discordChannelEditBudgets();
  readonly directMessenger: DiscordDirectMessenger;
  readonly #token: string;
  readonly #log: Logger;
  readonly #interactions: InteractionHandler;
  readonly #messages: MessageRouter;

  constructor(options: DiscordSurfaceOptions) {
    this.#token = options.token;
    this.#log = options.core.log.child({ platform: 'discord' });
    this.client = new Client({
      intents: intentsFor(options.messageContent ?? false),
      // DM channels are not cached before their first message; without this partial, DMs never arrive.
      partials: [Partials.Channel],
      // Nothing a reply says pings anyone (model text may hold @everyone, role or user mentions); a reply to a
      // message still notifies the person who wrote it, and a message that means to ping someone says so itself.
      allowedMentions: NO_MENTIONS,
      ...(options.api ? { rest: { api: options.api } } : {}),
      ...(options.shards ? clientShardOptions(options.shards) : {}),
    });
    const shared = {
      core: options.core,
      staff: options.staff,
      // One edit budget per channel, shared by slash-command answers and thread follow-ups streaming there.
      editBudgets: this.editBudgets,
      ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}),
      ...(options.voiceFor ? { voiceFor: options.voiceFor } : {}),
    };
    this.#interactions = new InteractionHandler({
      ...shared,
      commands: commandsFor(options.core, 'discord'),
      ...(options.maxAttachmentBytes ? { maxAttachmentBytes: options.maxAttachmentBytes } : {}),
    });
    this.#messages = new MessageRouter({ ...shared, botUserId: () => this.client.user?.id });
    this.directMessenger = new DiscordDirectMessenger(this.client.users);

    this.client.on(Events.InteractionCreate, (interaction) =>
      this.#safely('interaction', () => this.#route(interaction)),
    );
    this.client.on(Events.MessageCreate, (message) => this.#safely('message', () => this.#onMessage(message)));
    this.client.on(Events.Error, (error) => this.#log.error({ err: error }, 'discord client error'));
  }

  async start(): Promise<void> {
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    try {
      await this.client.login(this.#token);
    } catch (error) {
      throw new Error(`Discord login failed: ${loginHint(error)}`, { cause: error });
    }
    await ready;
    this.#log.info(
      {
        user: this.client.user?.tag,
        guilds: this.client.guilds.cache.size,
        shards: this.client.options.shards,
        shardCount: this.client.options.shardCount,
      },
      'discord ready',
    );
  }

  /** The shards this process runs: status, heartbeat latency, guilds (for readiness and metrics). */
  shardStates(): ShardState[] {
    return shardStates(this.client);
  }

  async stop(): Promise<void> {
    this.#interactions.abortAll();
    this.#messages.abortAll();
    await this.client.destroy();
  }

  async #route(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) await this.#interactions.onChatInput(interaction);
    else if (interaction.isAutocomplete()) await this.#interactions.onAutocomplete(interaction);
    else if (interaction.isButton()) await this.#interactions.onButton(interaction);
  }

  async #onMessage(message: Message): Promise<void> {
    await this.#messages.onMessage(message);
  }

  #safely(what: string, run: () => Promise<void>): void {
    run().catch((error: unknown) => this.#log.error({ err: error, event: what }, 'discord handler failed'));
  }
}

/**
 * Gateway intents: servers, their messages (mentions of the bot carry their text), DMs and voice states. Message
 * Content, a privileged intent, only when asked for.
 */
export function intentsFor(messageContent: boolean): GatewayIntentBits[] {
  return [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.DirectMessages,
    GatewayIntentBits.GuildVoiceStates,
    ...(messageContent ? [GatewayIntentBits.MessageContent] : []),
  ];
}

function loginHint(error: unknown): string {
  const text = String(error);
  if (/disallowed intents/i.test(text)) {
    return `${text}. DISCORD_MESSAGE_CONTENT is on: enable the Message Content intent for the bot in the Discord Developer Portal (Bot tab), or set DISCORD_MESSAGE_CONTENT=false.`;
  }
  if (/invalid token|TokenInvalid/i.test(text)) return `${text}. Check DISCORD_TOKEN (Bot tab, Reset Token).`;
  return text;
}
