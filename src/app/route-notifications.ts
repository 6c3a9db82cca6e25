import type { Reply } from '../chat/reply.ts';
import { localIdOf, platformOf, type UserId } from '../domain/ids.ts';
import type { Logger } from '../ports/logger.ts';
import type { DirectMessenger, Notifier } from '../ports/notifier.ts';

/** Routes each notification to the surface the user came from; surfaces attach themselves as they start. */
export class RoutingNotifier implements Notifier {
  readonly #messengers = new Map<string, DirectMessenger>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  attach(messenger: DirectMessenger): void {
    this.#messengers.set(messenger.platform, messenger);
  }

  async notify(user: UserId, reply: Reply): Promise<void> {
    const messenger = this.#messengers.get(platformOf(user));
    if (!messenger) {
      this.#log.warn({ platform: platformOf(user) }, 'no surface to notify this user on');
      return;
    }
    try {
      await messenger.send(localIdOf(user), reply);
    } catch (error) {
      this.#log.warn({ err: error, platform: messenger.platform }, 'direct message failed');
    }
  }
}
