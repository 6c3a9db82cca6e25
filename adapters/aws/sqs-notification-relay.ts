import { setTimeout as delay } from 'node:timers/promises';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../../src/ports/logger.ts';
import type { Notifier } from '../../src/ports/notifier.ts';
import { parseNotificationMessage } from './order-notification-message.ts';

export interface SqsNotificationRelayOptions {
  /** Resolves after `ms`, or at once when `signal` aborts (never rejects). Tests inject a fake. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Wait after a failed receive: doubles from `baseMs` up to `maxMs`, back to `baseMs` after a success. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /**
   * Pause after a receive that returned nothing. A real long poll already waited 20 s; this guards against an
   * endpoint that answers at once (short polling, an emulator), which would otherwise spin the CPU.
   */
  readonly idleMs?: number;
}

type State =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly controller: AbortController; readonly loop: Promise<void> }
  | { readonly status: 'stopped' };

const sleepUnlessAborted = (ms: number, signal: AbortSignal): Promise<void> =>
  // timers/promises rejects only on abort, which here just means "stop waiting".
  delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Cloud mode's way back to the customer: the task Lambda publishes each status change to SNS, SNS fills this SQS
 * queue, and the relay long-polls it and hands each notice to the bot's notifier (the RoutingNotifier, which DMs
 * the user on their surface). Delivery is at least once: a message is deleted only once the notifier says `sent`, or
 * `undeliverable` (no retry would reach that user), so a crash in between sends that DM again. A `failed` DM (Discord
 * or Slack down for a moment), or a message it cannot read, stays on the queue: it comes back after the visibility
 * timeout and, after the queue's maxReceiveCount, moves to the dead-letter queue. The loop never throws; errors are
 * logged and retried with backoff.
 */
export class SqsNotificationRelay {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #notifier: Notifier;
  readonly #log: Logger;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #backoff: { readonly baseMs: number; readonly maxMs: number };
  readonly #idleMs: number;
  #state: State = { status: 'idle' };

  constructor(
    client: SQSClient,
    queueUrl: string,
    notifier: Notifier,
    log: Logger,
    options: SqsNotificationRelayOptions = {},
  ) {
    if (!/^https?:\/\//.test(queueUrl) || !URL.canParse(queueUrl)) {
      throw new Error(
        `ORDERS_NOTIFICATIONS_QUEUE_URL must be an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>, ` +
          `the OrdersNotificationsQueueUrl output of the infra/ stack), got “${queueUrl}”`,
      );
    }
    this.#client = client;
    this.#queueUrl = queueUrl;
    this.#notifier = notifier;
    this.#log = log;
    this.#sleep = options.sleep ?? sleepUnlessAborted;
    this.#backoff = options.backoff ?? { baseMs: 1_000, maxMs: 60_000 };
    this.#idleMs = options.idleMs ?? 1_000;
  }

  /** Starts polling; does nothing if already running, or once stopped (stop is for shutdown). */
  start(): void {
    if (this.#state.status !== 'idle') return;
    const controller = new AbortController();
    const loop = this.#run(controller.signal).catch((error: unknown) => {
      // #run catches everything it expects; reaching here is a bug, and it must not become an unhandled rejection.
      this.#log.error({ err: error }, 'the order notification relay stopped unexpectedly');
    });
    this.#state = { status: 'running', controller, loop };
  }

  /** Aborts the long poll in flight, lets a batch being delivered finish (and be deleted), then resolves. */
  async stop(): Promise<void> {
    const state = this.#state;
    this.#state = { status: 'stopped' };
    if (state.status !== 'running') return;
    state.controller.abort();
    await state.loop;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const received = await this.#client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 20,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: signal },
        );
        const messages = received.Messages ?? [];
        await this.#deliver(messages);
        failures = 0;
        if (messages.length === 0) await this.#sleep(this.#idleMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        const delayMs = Math.min(this.#backoff.maxMs, this.#backoff.baseMs * 2 ** (failures - 1));
        this.#log.warn({ err: error, failures, delayMs }, 'receiving order notifications failed; retrying');
        await this.#sleep(delayMs, signal);
      }
    }
  }

  /** Delivers one batch in order (a user's "preparing" before "out for delivery"), then deletes what is done. */
  async #deliver(messages: readonly Message[]): Promise<void> {
    const done: { Id: string; ReceiptHandle: string }[] = [];
    for (const [index, message] of messages.entries()) {
      if ((await this.#deliverOne(message)) && message.ReceiptHandle !== undefined) {
        done.push({ Id: String(index), ReceiptHandle: message.ReceiptHandle });
      }
    }
    if (done.length === 0) return;
    // Not aborted by stop(): what was delivered must be deleted, or the customer gets the DM twice.
    const result = await this.#client.send(new DeleteMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: done }));
    for (const failed of result.Failed ?? []) {
      this.#log.warn(
        { code: failed.Code, senderFault: failed.SenderFault, detail: failed.Message },
        'deleting a delivered order notification failed; it will be delivered again',
      );
    }
  }

  /** True when the message can go: the DM was sent, or can never be. */
  async #deliverOne(message: Message): Promise<boolean> {
    const where = { messageId: message.MessageId, receiveCount: message.Attributes?.ApproximateReceiveCount };
    const parsed = parseNotificationMessage(message.Body);
    if (!parsed.ok) {
      this.#log.warn(
        { ...where, reason: parsed.reason },
        'unreadable order notification left on the queue for its dead-letter queue',
      );
      return false;
    }
    try {
      const outcome = await this.#notifier.notify(parsed.notification.user, parsed.notification.reply);
      if (outcome !== 'failed') return true;
      this.#log.warn(where, 'order notification not delivered; left on the queue to come back');
      return false;
    } catch (error) {
      // Notifiers are not supposed to throw; if one does, the message comes back after the visibility timeout.
      this.#log.warn({ err: error, ...where }, 'delivering an order notification failed');
      return false;
    }
  }
}
