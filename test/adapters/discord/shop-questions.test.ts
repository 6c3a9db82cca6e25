import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageRouter } from '../../../adapters/discord/messages.ts';
import { messageHandlers } from '../../../commands/index.ts';
import { NO_STAFF } from '../../../src/domain/staff.ts';
import { askOnFakeBedrock } from '../../support/ask-deps.ts';
import { aDeps } from '../../support/command-context.ts';
import { knowledgeDepsFor, searchThenAnswer, starterKnowledgeBase } from '../../support/kb-fixtures.ts';
import { aCore, FakeChannel, FakeIncoming } from './fakes.ts';

const BOT = 'bot-1';
const bedrock = askOnFakeBedrock();
let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
let router: MessageRouter;
beforeAll(async () => {
  fixture = await starterKnowledgeBase();
  const deps = aDeps({ ask: bedrock.deps, knowledge: knowledgeDepsFor(fixture.kb) });
  const core = aCore([], { messageHandlers, deps });
  router = new MessageRouter({ core, staff: NO_STAFF, botUserId: () => BOT, editIntervalMs: 20 });
});
afterAll(() => fixture.close());

const shown = (message: FakeIncoming) => JSON.stringify(message.replies.map((r) => [r.payload, ...r.edits]));

describe('Discord: a shop question to the bot in a channel (the real message handlers)', () => {
  it('a mention reaches the assistant, which answers in the channel with its sources', async () => {
    bedrock.fake.setHandler(searchThenAnswer('Yes: Riverside is in the South zone.', 'deliver Riverside'));
    const message = new FakeIncoming(`<@${BOT}> do you deliver to Riverside?`, { mentions: [BOT] });
    await router.onMessage(message);
    expect(shown(message)).toContain('Riverside is in the South zone');
    expect(shown(message)).toMatch(/Shop assistant · Model a · Sources: delivery-zones\.md/);
  });

  it('the same question not addressed to the bot gets nothing, and costs no model call', async () => {
    bedrock.fake.requests.length = 0;
    const message = new FakeIncoming('is the lasagne gluten free?');
    const theirs = new FakeChannel({ id: 't-6', thread: true, parentId: 'c-1', starterAuthor: 'someone' });
    const inTheirThread = new FakeIncoming('is the lasagne gluten free?', { channel: theirs });
    await router.onMessage(message);
    await router.onMessage(inTheirThread);
    expect(message.replies).toEqual([]);
    expect(inTheirThread.replies).toEqual([]);
    expect(bedrock.fake.requests).toEqual([]);
  });
});
