import { webApi } from '@slack/bolt';
import type { WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import type { Logger } from '../../src/ports/logger.ts';
import type { SlackMessage } from './blocks.ts';
import type { WorkspaceEditBudget } from './workspace-edit-budget.ts';

export interface BudgetedProgressOptions {
  readonly budget: WorkspaceEditBudget;
  /** Ideally one that rejects rate-limited calls instead of waiting behind Retry-After (see slack-surface.ts). */
  readonly client: WebClient;
  readonly channel: string;
  readonly log: Logger;
}

/**
 * One answer's progress edits under its workspace's chat.update budget: sent at once when a token is free, else
 * the latest waits in the budget's queue (a newer one takes its place). A 429 drops the edit and holds the
 * workspace's progress off until Retry-After: the next edit or the final render replaces it anyway.
 */
export class BudgetedProgressEdits {
  readonly #o: BudgetedProgressOptions;
  /** Edits in order, each settled (failures are logged), so close can wait for the last one. */
  #sent: Promise<void> = Promise.resolve();
  #waiting: SlackMessage | undefined;
  #leaveQueue: (() => void) | undefined;
  #closed = false;

  constructor(options: BudgetedProgressOptions) {
    this.#o = options;
  }

  /** Edits message `ts` to show `message` now, or once the budget allows if nothing newer comes first. */
  async show(ts: string, message: SlackMessage): Promise<void> {
    if (this.#closed) return;
    if (this.#leaveQueue) {
      this.#waiting = message;
    } else if (this.#o.budget.tryTake()) {
      await this.#send(ts, message);
    } else {
      this.#waiting = message;
      this.#leaveQueue = this.#o.budget.wait(() => {
        const waiting = this.#waiting;
        this.#leaveQueue = undefined;
        this.#waiting = undefined;
        if (waiting) void this.#send(ts, waiting);
      });
    }
  }

  /** No more progress (the final render comes next): leaves the queue at once, then waits for the edit in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#leaveQueue?.();
    this.#leaveQueue = undefined;
    this.#waiting = undefined;
    await this.#sent;
  }

  #send(ts: string, message: SlackMessage): Promise<void> {
    this.#sent = this.#sent.then(() => this.#update(ts, message));
    return this.#sent;
  }

  async #update(ts: string, message: SlackMessage): Promise<void> {
    // Other replicas may have used the workspace's minute: this edit is dropped, the next one or the final replaces it.
    if (!(await this.#o.budget.admit())) return;
    try {
      await this.#o.client.chat.update({ channel: this.#o.channel, ts, ...message });
    } catch (error) {
      if (!isRateLimited(error)) {
        this.#o.log.warn({ err: error }, 'slack progress edit failed');
        return;
      }
      this.#o.budget.holdOff(error.retryAfter * 1000);
      this.#o.log.info({ retryAfter: error.retryAfter, channel: this.#o.channel }, 'slack progress edit rate-limited');
    }
  }
}

const isRateLimited = (error: unknown): error is WebAPIRateLimitedError =>
  error instanceof Error && 'code' in error && error.code === webApi.ErrorCode.RateLimitedError;
