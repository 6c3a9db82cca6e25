import type { Reply } from '../chat/reply.ts';
import { localIdOf, platformOf, type UserId } from '../domain/ids.ts';
import type { Logger } from '../ports/logger.ts';
import type { DirectMessenger, Notifier, NotifyOutcome } from '../ports/notifier.ts';

/**
 * Routes each notification to the surface the user came from; surfaces attach themselves as they start. The one
 * place that turns a messenger's rejection into `failed`: the messengers only name what is permanent.
 */
export class RoutingNotifier implements Notifier {
  readonly #messengers = new Map<string, DirectMessenger>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  attach(messenger: DirectMessenger): void {
    this.#messengers.set(messenger.platform, messenger);
  }

  async notify(user: UserId, reply: Reply): Promise<NotifyOutcome> {
    const platform = platformOf(user);
    const messenger = this.#messengers.get(platform);
    if (!messenger) {
      this.#log.warn({ platform }, 'no surface to notify this user on');
      return 'undeliverable';
    }
    try {
      const outcome = await messenger.send(localIdOf(user), reply);
      if (outcome === 'undeliverable') this.#log.warn({ platform }, 'this user cannot receive direct messages');
      return outcome;
    } catch (error) {
      this.#log.warn({ err: error, platform }, 'direct message failed; it may work later');
      return 'failed';
    }
  }
}
