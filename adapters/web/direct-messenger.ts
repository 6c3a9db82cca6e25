import type { Reply } from '../../src/chat/reply.ts';
import type { DirectMessageOutcome, DirectMessenger } from '../../src/ports/notifier.ts';
import type { ServerMessage } from './protocol.ts';
import { replyJson } from './reply-json.ts';

/** A tab that can receive pushed messages: the session of one WebSocket. */
export interface Tab {
  /** The playground user name the tab said hello with; undefined before hello. */
  readonly userName: string | undefined;
  send(message: ServerMessage): void;
}

/**
 * Direct messages for playground users (order status changes): pushed to every open tab of that user.
 * A user with no tab open gets them on their next hello, up to a small backlog, so nothing is lost
 * between a reload and the next notification. Both count as `sent`: any name is a playground user, none is unreachable.
 */
export class PlaygroundDirectMessenger implements DirectMessenger {
  readonly platform = 'web' as const;
  readonly #tabs = new Set<Tab>();
  readonly #backlog = new Map<string, ServerMessage[]>();
  readonly #maxBacklog: number;

  constructor(options: { maxBacklog?: number } = {}) {
    this.#maxBacklog = options.maxBacklog ?? 20;
  }

  async send(localUserId: string, reply: Reply): Promise<DirectMessageOutcome> {
    const message: ServerMessage = { type: 'notification', reply: replyJson(reply), at: new Date().toISOString() };
    const open = [...this.#tabs].filter((tab) => tab.userName === localUserId);
    if (open.length > 0) {
      for (const tab of open) tab.send(message);
      return 'sent';
    }
    const queue = this.#backlog.get(localUserId) ?? [];
    queue.push(message);
    this.#backlog.set(localUserId, queue.slice(-this.#maxBacklog));
    return 'sent';
  }

  /** Called when a tab says hello (again): it receives what arrived while the user had no tab open. */
  attach(tab: Tab): void {
    this.#tabs.add(tab);
    if (tab.userName === undefined) return;
    const queued = this.#backlog.get(tab.userName);
    this.#backlog.delete(tab.userName);
    for (const message of queued ?? []) tab.send(message);
  }

  detach(tab: Tab): void {
    this.#tabs.delete(tab);
  }
}
