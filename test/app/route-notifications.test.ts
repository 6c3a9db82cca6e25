import { describe, expect, it } from 'vitest';
import { RoutingNotifier } from '../../src/app/route-notifications.ts';
import { type Reply, text } from '../../src/chat/reply.ts';
import type { Platform } from '../../src/domain/ids.ts';
import { userId } from '../../src/domain/ids.ts';
import type { DirectMessageOutcome, DirectMessenger } from '../../src/ports/notifier.ts';
import { RecordingLogger } from '../support/command-context.ts';

/** A surface's messenger that answers what the test says and records whom it was asked to reach. */
class FakeMessenger implements DirectMessenger {
  readonly platform: Platform;
  readonly asked: string[] = [];
  readonly #answer: () => Promise<DirectMessageOutcome>;
  constructor(platform: Platform, answer: () => Promise<DirectMessageOutcome>) {
    this.platform = platform;
    this.#answer = answer;
  }
  async send(localUserId: string, _reply: Reply): Promise<DirectMessageOutcome> {
    this.asked.push(localUserId);
    return this.#answer();
  }
}

const shipped = text('Your order `ord_1` is **out for delivery** to 1000 Old town 5', { title: 'Order update' });

function routing(...messengers: FakeMessenger[]) {
  const log = new RecordingLogger();
  const notifier = new RoutingNotifier(log);
  for (const messenger of messengers) notifier.attach(messenger);
  return { notifier, log };
}

describe('RoutingNotifier', () => {
  it('hands the local id to the messenger of the user’s platform and reports `sent`', async () => {
    const discord = new FakeMessenger('discord', async () => 'sent');
    const slack = new FakeMessenger('slack', async () => 'sent');
    const { notifier, log } = routing(discord, slack);
    await expect(notifier.notify(userId('slack', 'T1/U5'), shipped)).resolves.toBe('sent');
    expect(slack.asked).toEqual(['T1/U5']);
    expect(discord.asked).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it('reports `undeliverable` when no surface for that platform is attached', async () => {
    const { notifier, log } = routing(new FakeMessenger('discord', async () => 'sent'));
    await expect(notifier.notify(userId('web', 'alice'), shipped)).resolves.toBe('undeliverable');
    expect(log.lines).toEqual([
      { level: 'warn', fields: { platform: 'web' }, message: 'no surface to notify this user on' },
    ]);
  });

  it('passes on the messenger’s `undeliverable` (the platform said this user can never get it)', async () => {
    const { notifier, log } = routing(new FakeMessenger('discord', async () => 'undeliverable'));
    await expect(notifier.notify(userId('discord', '42'), shipped)).resolves.toBe('undeliverable');
    expect(log.lines).toEqual([
      { level: 'warn', fields: { platform: 'discord' }, message: 'this user cannot receive direct messages' },
    ]);
  });

  it('turns any rejection into `failed`, logged without the message body, and never throws', async () => {
    const outage = new Error('503 Service Unavailable');
    const { notifier, log } = routing(new FakeMessenger('slack', () => Promise.reject(outage)));
    await expect(notifier.notify(userId('slack', 'T1/U5'), shipped)).resolves.toBe('failed');
    expect(log.lines).toEqual([
      {
        level: 'warn',
        fields: { err: outage, platform: 'slack' },
        message: 'direct message failed; it may work later',
      },
    ]);
    expect(JSON.stringify(log.lines)).not.toContain('Old town');
  });
});
