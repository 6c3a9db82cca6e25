import { ButtonStyle, ComponentType, MessageFlags } from 'discord.js';
import type { ReplyChannel } from '../../src/chat/context.ts';
import type { EditBudget } from '../../src/chat/edit-budget.ts';
import { type ErrorReply, keptOf, type Reply } from '../../src/chat/reply.ts';
import { ThrottledEdits } from '../../src/chat/throttled-edits.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { conversationKey } from './context.ts';
import { deliveryForms, refusedNotice } from './delivery-forms.ts';
import { errorEmbed, renderProgress } from './render-reply.ts';
import type { ChatInputShape, DiscordPayload, SendTarget, SentMessage } from './shapes.ts';

export const CANCEL_PREFIX = 'cancel:';

export interface InteractionReplyOptions {
  readonly interaction: ChatInputShape;
  readonly ephemeral: boolean;
  /** Set when the command runs inside a thread or DM: follow-ups there carry this key. */
  readonly placeThreadKey: string | undefined;
  readonly log: Logger;
  /** Aborted when the invoker pressed Cancel: later edits no longer show the button. */
  readonly signal: AbortSignal;
  readonly editIntervalMs: number;
  /** How long we trust the interaction token (Discord: 15 minutes); later edits go to a normal message. */
  readonly tokenLifetimeMs: number;
  readonly now: () => number;
  /** The channel's edit budget, shared with every answer streaming there. */
  readonly budget?: EditBudget;
  /** The upload limit for this reply (the server's, as the interaction says, within the configured one). */
  readonly maxUploadBytes: number;
}

/**
 * The reply of one slash command: throttled progress edits of the deferred reply (with a Cancel button when the
 * command says it can stop), then the final render with follow-ups. Once the interaction token is about to
 * expire, edits move to a message posted with the bot token (in the channel, or by DM for ephemeral replies).
 */
export class InteractionReply implements ReplyChannel {
  readonly #o: InteractionReplyOptions;
  readonly #startedAt: number;
  readonly #edits: ThrottledEdits<DiscordPayload>;
  /** Set when the first post-token message is sent, before it resolves: a concurrent final edits it, not a second. */
  #fallback: Promise<SentMessage> | undefined;
  #progressed = false;
  #replyId: Promise<string> | undefined;
  /** Releases this answer's place in the channel budget's reserve for finals. */
  readonly #release: () => void;

  constructor(options: InteractionReplyOptions) {
    this.#o = options;
    this.#release = options.budget?.open() ?? (() => {});
    this.#startedAt = options.now();
    this.#edits = new ThrottledEdits(
      (p) => this.#edit(p),
      options.editIntervalMs,
      (error) => options.log.warn({ err: error }, 'discord progress edit failed'),
      options.budget,
    );
  }

  progress(reply: Reply, options?: { readonly cancellable?: boolean }): void {
    this.#progressed = true;
    const payload = renderProgress(reply);
    const cancellable = options?.cancellable === true && !this.#o.signal.aborted;
    this.#edits.push(cancellable ? { ...payload, components: [cancelRow(this.#o.interaction.id)] } : payload);
  }

  async threadKey(): Promise<string | undefined> {
    if (this.#o.placeThreadKey) return this.#o.placeThreadKey;
    // Nobody can start a thread on an ephemeral message.
    if (this.#o.ephemeral) return undefined;
    this.#replyId ??= this.#fallback
      ? this.#fallback.then((m) => m.id)
      : this.#o.interaction.fetchReply().then((m) => m.id);
    return conversationKey(await this.#replyId);
  }

  /**
   * Replaces the progress with the final reply (no Cancel button); extra messages go as follow-ups. A form Discord
   * refuses is retried smaller (text without files, then a short notice saying where the result is kept); when even
   * that is refused, the notice goes to the user's DMs, and the log says where the result is. Never throws.
   */
  async finish(reply: Reply): Promise<void> {
    this.#edits.close();
    if (reply.kind === 'error' && (await this.#refusePrivately(reply))) {
      this.#release();
      return;
    }
    // The final edit never waits for the budget, but it counts against the channel's share (the token the other
    // answers' progress edits kept for it); then this answer leaves the reserve.
    this.#o.budget?.spend();
    this.#release();
    const forms = deliveryForms(reply, { maxUploadBytes: this.#o.maxUploadBytes });
    for (const [attempt, form] of forms.entries()) {
      try {
        const [first, ...rest] = form;
        // No Cancel button any more; the reply's own buttons (a question's answers) stay.
        await this.#edit({ ...(first ?? { content: '…' }), components: first?.components ?? [] });
        for (const payload of rest) await this.#followUp(payload);
        return;
      } catch (error) {
        this.#o.log.warn({ err: error, attempt }, 'discord refused the reply; trying a smaller form');
      }
    }
    const notice = refusedNotice(reply);
    try {
      await this.#o.interaction.user.send(notice);
    } catch (error) {
      this.#o.log.error(
        { err: error, kept: keptOf(reply)?.id },
        'the result could not be delivered in the channel nor by DM; it is kept under this id when set',
      );
    }
  }

  /** Stops progress and leaves the channel budget's reserve (after finish, or when the command threw). Idempotent. */
  close(): void {
    this.#edits.close();
    this.#release();
  }

  /**
   * An error before the command showed any work (an unknown model, a missing file) is for the invoker alone, even
   * when the command answers publicly: the public "thinking…" reply is removed and the error sent ephemerally.
   */
  async #refusePrivately(reply: ErrorReply): Promise<boolean> {
    if (this.#o.ephemeral || this.#progressed || this.#expired()) return false;
    try {
      await this.#o.interaction.deleteReply();
      await this.#o.interaction.followUp({ embeds: [errorEmbed(reply)], flags: MessageFlags.Ephemeral });
      return true;
    } catch (error) {
      this.#o.log.warn({ err: error }, 'could not show the error privately; showing it in the reply');
      return false;
    }
  }

  #expired(): boolean {
    return this.#o.now() - this.#startedAt >= this.#o.tokenLifetimeMs;
  }

  async #edit(payload: DiscordPayload): Promise<void> {
    const full = asEdit(payload);
    if (!this.#expired()) {
      await this.#o.interaction.editReply(full);
      return;
    }
    if (this.#fallback) {
      await (await this.#fallback).edit(full);
      return;
    }
    // Set before it resolves: a concurrent final edits this message instead of posting a second one.
    const fallback = this.#handOver().then(() => this.#sendFallback(payload));
    this.#fallback = fallback;
    try {
      await fallback;
    } catch (error) {
      this.#fallback = undefined;
      throw error;
    }
  }

  /** The first message after the token: in the channel it pings the invoker (the one ping the bot means). */
  async #sendFallback(payload: DiscordPayload): Promise<SentMessage> {
    const target = this.#fallbackTarget();
    if (this.#o.ephemeral) return target.send(payload);
    const id = this.#o.interaction.user.id;
    const ping = { parse: [] as [], users: [id] };
    const content = [`<@${id}>`, payload.content].filter(Boolean).join(' ');
    if (content.length <= 2000) return target.send({ ...payload, content, allowedMentions: ping });
    // Never at the cost of the answer's text: a full first message gets the ping on a line of its own before it.
    await target.send({ content: `<@${id}> your answer continues here.`, allowedMentions: ping });
    return target.send(payload);
  }

  /**
   * The token is about to expire: close the original message (its progress line and Cancel button would otherwise
   * stay forever) before edits move to a message posted with the bot token. Best effort: past 15 minutes Discord
   * no longer accepts it.
   */
  async #handOver(): Promise<void> {
    const where = this.#o.ephemeral ? 'in your direct messages' : 'in a new message below';
    await this.#o.interaction
      .editReply({ content: `Continued ${where}.`, embeds: [], components: [] })
      .catch((error: unknown) => this.#o.log.warn({ err: error }, 'could not close the original reply'));
  }

  async #followUp(payload: DiscordPayload): Promise<void> {
    if (this.#expired()) {
      await this.#fallbackTarget().send(payload);
      return;
    }
    await this.#o.interaction.followUp(this.#o.ephemeral ? { ...payload, flags: MessageFlags.Ephemeral } : payload);
  }

  #fallbackTarget(): SendTarget {
    const channel = this.#o.interaction.channel;
    const send = channel?.send;
    if (!this.#o.ephemeral && channel && send) return { send: (p) => send.call(channel, p) };
    return this.#o.interaction.user;
  }
}

/** An edit replaces the whole message: clear content or embeds the new state does not have. */
function asEdit(payload: DiscordPayload): DiscordPayload {
  return { ...payload, content: payload.content ?? '', embeds: payload.embeds ?? [] };
}

export function cancelRow(invocationId: string): NonNullable<DiscordPayload['components']>[number] {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.Button,
        style: ButtonStyle.Danger,
        label: 'Cancel',
        custom_id: `${CANCEL_PREFIX}${invocationId}`,
      },
    ],
  };
}
