import type { ChannelShape } from './shapes.ts';

const REMEMBERED = 2000;

/**
 * Whether a thread is the bot's own: created by the bot, or started on one of its messages (people open a thread on
 * an /ask answer to follow up). The answer is remembered per thread, so a busy thread costs one lookup.
 */
export class OwnThreads {
  readonly #known = new Map<string, boolean>();

  async isOwn(channel: ChannelShape, botId: string): Promise<boolean> {
    if (!channel.isThread()) return false;
    if (channel.ownerId === botId) return true;
    const known = this.#known.get(channel.id);
    if (known !== undefined) return known;
    // A deleted starter message, or no permission to read it: not provably ours, so not answered.
    const starter = await channel.fetchStarterMessage?.().catch(() => null);
    const own = starter?.author.id === botId;
    this.#remember(channel.id, own);
    return own;
  }

  #remember(id: string, own: boolean): void {
    if (this.#known.size >= REMEMBERED) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
    this.#known.set(id, own);
  }
}
