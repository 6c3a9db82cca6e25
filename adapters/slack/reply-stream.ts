import type { WebClient } from '@slack/web-api';
import { whereToGet } from '../../src/app/results/keep-result.ts';
import type { ReplyChannel } from '../../src/chat/context.ts';
import { keptOf, type Reply } from '../../src/chat/reply.ts';
import { ThrottledEdits } from '../../src/chat/throttled-edits.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { placeholder, renderMessages, renderProgress, type SlackMessage } from './blocks.ts';
import { BudgetedProgressEdits } from './budgeted-progress.ts';
import { escapeMrkdwn } from './mrkdwn.ts';
import { filesNote, noteMessage, uploadFiles } from './reply-notes.ts';
import type { WorkspaceEditBudget } from './workspace-edit-budget.ts';

/** A reply the surface finishes once the command returns. */
export interface SlackReply extends ReplyChannel {
  finish(reply: Reply): Promise<void>;
}

/**
 * Per message: at most one progress edit per 1.2 s (50 a minute, all of Tier 3, would a lone answer use it).
 * Per workspace: chat.update's Tier 3 covers every message together, so each progress edit also takes a token from
 * the workspace's WorkspaceEditBudget (45 a minute shared by all answers streaming there); final renders never wait.
 */
export const EDIT_INTERVAL_MS = 1200;

export const threadKeyOf = (channel: string, ts: string): string => `slack:${channel}/${ts}`;

export interface PublicReplyOptions {
  readonly client: WebClient;
  readonly channel: string;
  /** Answer inside this thread (messages in threads, mentions); absent: a new top-level message. */
  readonly threadTs?: string;
  /** A first context line (who ran which command). */
  readonly lead?: string;
  readonly invocationId: string;
  readonly log: Logger;
  readonly editIntervalMs?: number;
  /** The workspace's chat.update budget, shared by every answer streaming there. */
  readonly budget: WorkspaceEditBudget;
  /** For progress edits: one that rejects rate-limited calls instead of waiting (slack-surface.ts). Default: client. */
  readonly progressClient?: WebClient;
  /** Used when the bot may not post in the channel (not invited): the slash command's response_url. */
  readonly fallback?: (messages: readonly SlackMessage[]) => Promise<void>;
  /** Shows messages to the invoker alone (the slash command's response_url): errors before any work go there. */
  readonly privately?: (messages: readonly SlackMessage[]) => Promise<void>;
}

/**
 * A public answer: one message posted in the channel (at once, or at the first progress), edited with
 * throttled progress, replaced by the final render; overflow messages and files go to the answer's thread.
 * Progress edits also wait for the workspace's edit budget (BudgetedProgressEdits); the final render does not.
 */
export class PublicSlackReply implements SlackReply {
  readonly #o: PublicReplyOptions;
  readonly #edits: ThrottledEdits<SlackMessage>;
  readonly #progress: BudgetedProgressEdits;
  #ts: Promise<string | undefined> | undefined;
  #progressed = false;

  constructor(options: PublicReplyOptions) {
    this.#o = options;
    this.#edits = new ThrottledEdits(
      (message) => this.#show(message),
      options.editIntervalMs ?? EDIT_INTERVAL_MS,
      (error) => options.log.warn({ err: error }, 'slack progress edit failed'),
    );
    this.#progress = new BudgetedProgressEdits({
      budget: options.budget,
      client: options.progressClient ?? options.client,
      channel: options.channel,
      log: options.log,
    });
  }

  /** Posts the first state now, so the answer's place (and thread key) exists before any progress. */
  start(message: SlackMessage): void {
    this.#ts ??= this.#post(message);
  }

  progress(reply: Reply, options?: { readonly cancellable?: boolean }): void {
    this.#progressed = true;
    const cancel = options?.cancellable ? { invocationId: this.#o.invocationId } : undefined;
    this.#edits.push(renderProgress(reply, cancel, this.#o.lead));
  }

  async threadKey(): Promise<string | undefined> {
    if (this.#o.threadTs) return threadKeyOf(this.#o.channel, this.#o.threadTs);
    // The key is the answer's own ts, so the answer must exist: post the placeholder now if nothing was shown yet.
    this.start(placeholder(this.#o.lead ?? ''));
    const ts = await this.#ts;
    return ts === undefined ? undefined : threadKeyOf(this.#o.channel, ts);
  }

  /**
   * The final render. An error before any progress goes to the invoker alone when the command gave a private way
   * (its response_url); a render Slack refuses becomes a short notice saying where the result is kept.
   */
  async finish(reply: Reply): Promise<void> {
    // Progress stops first (an edit still waiting for the budget is dropped), then what is in flight lands.
    const progressStopped = this.#progress.close();
    await this.#edits.close();
    await progressStopped;
    if (reply.kind === 'error' && !this.#progressed && (await this.#refusePrivately(reply))) return;
    try {
      await this.#deliver(reply);
    } catch (error) {
      this.#o.log.warn({ err: error, channel: this.#o.channel }, 'slack refused the reply; sending a short notice');
      await this.#notice(reply);
    }
  }

  async #deliver(reply: Reply): Promise<void> {
    const [first, ...rest] = renderMessages(reply, this.#o.lead);
    if (!first) return;
    const alreadyPosted = this.#ts !== undefined;
    this.#ts ??= this.#post(first);
    const ts = await this.#ts;
    if (ts === undefined) {
      await this.#o.fallback?.([first, ...rest, ...filesNote(reply)]);
      return;
    }
    if (alreadyPosted) {
      // Never waits for the budget, and keeps the client's retries on a 429: this is the edit that matters.
      this.#o.budget.spend();
      await this.#o.client.chat.update({ channel: this.#o.channel, ts, ...first });
    }
    const thread = this.#o.threadTs ?? ts;
    for (const message of rest) {
      await this.#o.client.chat.postMessage({ channel: this.#o.channel, thread_ts: thread, ...message });
    }
    try {
      await uploadFiles(this.#o.client, this.#o.channel, thread, reply.kind === 'composite' ? reply.files : undefined);
    } catch (error) {
      this.#o.log.warn({ err: error, channel: this.#o.channel }, 'slack refused the files');
      const names = reply.kind === 'composite' ? (reply.files ?? []).map((f) => f.name).join(', ') : '';
      const note = noteMessage(`The files (${escapeMrkdwn(names)}) could not be uploaded. ${whereToGet(reply)}`);
      await this.#o.client.chat.postMessage({ channel: this.#o.channel, thread_ts: thread, ...note });
    }
  }

  async #refusePrivately(reply: Reply): Promise<boolean> {
    const privately = this.#o.privately;
    if (!privately) return false;
    const ts = this.#ts ? await this.#ts : undefined;
    if (ts !== undefined) {
      const deleted = await this.#o.client.chat.delete({ channel: this.#o.channel, ts }).then(
        () => true,
        (error: unknown) => {
          this.#o.log.warn({ err: error }, 'could not remove the placeholder; showing the error in it');
          return false;
        },
      );
      if (!deleted) return false;
    }
    await privately(renderMessages(reply));
    return true;
  }

  /** The last resort: a short message in place of the answer (or through response_url), else a log line. */
  async #notice(reply: Reply): Promise<void> {
    const notice = noteMessage(`:warning: Slack refused to show the result here. ${whereToGet(reply)}`);
    try {
      const ts = this.#ts ? await this.#ts : undefined;
      if (ts !== undefined) await this.#o.client.chat.update({ channel: this.#o.channel, ts, ...notice });
      else if (this.#o.fallback) await this.#o.fallback([notice]);
      else await this.#o.client.chat.postMessage({ channel: this.#o.channel, ...notice });
    } catch (error) {
      this.#o.log.error(
        { err: error, kept: keptOf(reply)?.id },
        'the result could not be delivered; it is kept under this id when set',
      );
    }
  }

  async #show(message: SlackMessage): Promise<void> {
    if (!this.#ts) {
      this.#ts = this.#post(message);
      return;
    }
    const ts = await this.#ts;
    if (ts !== undefined) await this.#progress.show(ts, message);
  }

  async #post(message: SlackMessage): Promise<string | undefined> {
    try {
      const posted = await this.#o.client.chat.postMessage({
        channel: this.#o.channel,
        ...(this.#o.threadTs ? { thread_ts: this.#o.threadTs } : {}),
        ...message,
      });
      return posted.ts;
    } catch (error) {
      // Typically not_in_channel: the bot was not invited. The fallback (response_url) still reaches the user.
      this.#o.log.warn({ err: error, channel: this.#o.channel }, 'slack could not post the reply message');
      return undefined;
    }
  }
}
