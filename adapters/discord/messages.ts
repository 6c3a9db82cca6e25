import type { ReplyChannel } from '../../src/chat/context.ts';
import { handleMessage, newCorrelationId } from '../../src/chat/dispatcher.ts';
import type { EditBudget, EditBudgets } from '../../src/chat/edit-budget.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { Core } from '../../src/chat/surface.ts';
import { ThrottledEdits } from '../../src/chat/throttled-edits.ts';
import type { StaffRules } from '../../src/domain/staff.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { conversationKey, invokerOf, placeOf } from './context.ts';
import { deliveryForms } from './delivery-forms.ts';
import { uploadLimit, type VoiceFor } from './interactions.ts';
import { OwnThreads } from './own-threads.ts';
import { renderProgress } from './render-reply.ts';
import type { DiscordPayload, MessageShape, SentMessage } from './shapes.ts';

export interface MessageRouterOptions {
  readonly core: Core;
  readonly staff: StaffRules;
  /** The bot's own user id once logged in: mentions of it address the bot. */
  readonly botUserId: () => string | undefined;
  readonly voiceFor?: VoiceFor;
  readonly editIntervalMs?: number;
  /** Per channel: the edit budget every answer streaming there shares. */
  readonly editBudgets?: EditBudgets;
  /** Largest upload the bot attempts (DISCORD_MAX_UPLOAD_BYTES). */
  readonly maxUploadBytes?: number;
}

/**
 * Free text addressed to the bot, and nothing else: a DM, a message that mentions the bot, or a message in a thread
 * on one of the bot's own messages (a follow-up to an answer; its text needs the opt-in Message Content intent).
 * Goes to the core's message handlers; the first reply is posted as a reply to the message.
 */
export class MessageRouter {
  readonly #o: MessageRouterOptions;
  readonly #running = new Set<AbortController>();
  readonly #ownThreads = new OwnThreads();

  constructor(options: MessageRouterOptions) {
    this.#o = options;
  }

  async onMessage(message: MessageShape): Promise<void> {
    if (message.author.bot) return;
    const botId = this.#o.botUserId();
    const place = placeOf(message.guildId, message.channelId, message.channel);
    const mentioned = botId !== undefined && message.mentions.users.has(botId);
    // Without the Message Content intent, other messages arrive without their text: nothing to read, nothing to call.
    const text = botId ? stripMention(message.content, botId) : message.content.trim();
    if (text === '') return;
    if (!place.isDirect && !mentioned && !(botId && (await this.#ownThreads.isOwn(message.channel, botId)))) return;

    const correlationId = newCorrelationId();
    const log = this.#o.core.log.child({ platform: 'discord', correlationId, invocationId: message.id });
    const budget = this.#o.editBudgets?.for(message.channelId);
    const channel = new MessageReply(
      message,
      place.threadKey,
      log,
      this.#o.editIntervalMs ?? 1100,
      uploadLimit(this.#o.maxUploadBytes, undefined),
      budget,
    );
    const controller = new AbortController();
    this.#running.add(controller);
    const voice = message.guildId ? this.#o.voiceFor?.(message.guildId, message.author.id) : undefined;
    try {
      const reply = await handleMessage(
        this.#o.core.messageHandlers,
        {
          invoker: invokerOf(message.author, message.member, message.guildId, this.#o.staff),
          place,
          invocationId: message.id,
          correlationId,
          deps: this.#o.core.deps,
          reply: channel,
          signal: controller.signal,
          log,
          ...(voice ? { voice } : {}),
        },
        text,
      );
      await channel.finish(reply);
    } catch (error) {
      // Discord refused our reply (permissions, deleted channel): nothing left to show the user.
      log.error({ err: error }, 'discord message reply failed');
    } finally {
      channel.close();
      this.#running.delete(controller);
    }
  }

  abortAll(): void {
    for (const controller of this.#running) controller.abort(new Error('The bot is shutting down.'));
  }
}

/** Removes `<@id>` / `<@!id>` mentions of the bot from the text. */
export function stripMention(content: string, botId: string): string {
  return content.replaceAll(new RegExp(`<@!?${botId}>`, 'g'), '').trim();
}

class MessageReply implements ReplyChannel {
  readonly #message: MessageShape;
  readonly #placeThreadKey: string | undefined;
  readonly #edits: ThrottledEdits<DiscordPayload>;
  readonly #log: Logger;
  readonly #maxUploadBytes: number;
  #sent: Promise<SentMessage> | undefined;
  readonly #budget: EditBudget | undefined;
  /** Releases this answer's place in the channel budget's reserve for finals. */
  readonly #release: () => void;

  constructor(
    message: MessageShape,
    placeThreadKey: string | undefined,
    log: Logger,
    intervalMs: number,
    maxUploadBytes: number,
    budget: EditBudget | undefined,
  ) {
    this.#message = message;
    this.#placeThreadKey = placeThreadKey;
    this.#log = log;
    this.#maxUploadBytes = maxUploadBytes;
    this.#budget = budget;
    this.#release = budget?.open() ?? (() => {});
    this.#edits = new ThrottledEdits(
      (p) => this.#show(p),
      intervalMs,
      (error) => log.warn({ err: error }, 'discord progress edit failed'),
      budget,
    );
  }

  progress(reply: Reply): void {
    this.#edits.push(renderProgress(reply));
  }

  async threadKey(): Promise<string | undefined> {
    if (this.#placeThreadKey) return this.#placeThreadKey;
    // A thread started on our answer will carry its id: post a placeholder now if nothing is shown yet.
    this.#sent ??= this.#message.reply({ content: '…' });
    return conversationKey((await this.#sent).id);
  }

  /** The final reply; a form Discord refuses is retried smaller (deliveryForms), the last failure is thrown. */
  async finish(reply: Reply | undefined): Promise<void> {
    this.#edits.close();
    if (!reply) {
      this.#release();
      return;
    }
    // The final reply never waits for the budget, but it counts against the channel's share (the token the other
    // answers' progress edits kept for it); then this answer leaves the reserve.
    this.#budget?.spend();
    this.#release();
    const forms = deliveryForms(reply, { maxUploadBytes: this.#maxUploadBytes });
    for (const [attempt, form] of forms.entries()) {
      try {
        const [first, ...rest] = form;
        if (first) await this.#show(first);
        for (const payload of rest) await this.#message.channel.send?.(payload);
        return;
      } catch (error) {
        if (attempt === forms.length - 1) throw error;
        this.#log.warn({ err: error, attempt }, 'discord refused the reply; trying a smaller form');
      }
    }
  }

  /** Stops progress and leaves the channel budget's reserve (after finish, or when the handler threw). Idempotent. */
  close(): void {
    this.#edits.close();
    this.#release();
  }

  async #show(payload: DiscordPayload): Promise<void> {
    if (this.#sent) {
      await (await this.#sent).edit({ ...payload, content: payload.content ?? '', embeds: payload.embeds ?? [] });
      return;
    }
    const sent = this.#message.reply(payload);
    this.#sent = sent;
    // A refused first post leaves nothing to edit: the next attempt posts again.
    await sent.catch((error: unknown) => {
      if (this.#sent === sent) this.#sent = undefined;
      throw error;
    });
  }
}
